-- Grain storage statements. A write or clear names the version it read (@GrainStateVersion,
-- NULL when nothing was stored yet) and returns the new version; when the stored version differs
-- it changes nothing and returns the old one (or NULL), which Orleans reports as an
-- InconsistentStateException. The grain's state is fenced by this: a stale activation cannot write.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', $sql$
SELECT PayloadBinary, now() AS ModifiedOn, Version
FROM OrleansStorage
WHERE ServiceId = @ServiceId
  AND GrainTypeHash = @GrainTypeHash AND GrainIdHash = @GrainIdHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM CAST(@GrainIdExtensionString AS varchar);
$sql$),

('WriteToStorageKey', $sql$
WITH overwritten AS (
    UPDATE OrleansStorage
    SET PayloadBinary = @PayloadBinary, ModifiedOn = now(), Version = Version + 1
    WHERE ServiceId = @ServiceId
      AND GrainTypeHash = @GrainTypeHash AND GrainIdHash = @GrainIdHash
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM CAST(@GrainIdExtensionString AS varchar)
      AND Version = CAST(@GrainStateVersion AS integer)
    RETURNING Version
), first_write AS (
    INSERT INTO OrleansStorage
        (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId,
         PayloadBinary, ModifiedOn, Version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
           CAST(@GrainIdExtensionString AS varchar), @ServiceId, @PayloadBinary, now(), 1
    WHERE CAST(@GrainStateVersion AS integer) IS NULL
    ON CONFLICT ON CONSTRAINT UQ_OrleansStorage_Grain DO NOTHING
    RETURNING Version
)
SELECT COALESCE((SELECT Version FROM overwritten), (SELECT Version FROM first_write),
                CAST(@GrainStateVersion AS integer)) AS NewGrainStateVersion;
$sql$),

-- Clearing keeps the row (and so the version sequence) but drops the payload.
('ClearStorageKey', $sql$
UPDATE OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
WHERE ServiceId = @ServiceId
  AND GrainTypeHash = @GrainTypeHash AND GrainIdHash = @GrainIdHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM CAST(@GrainIdExtensionString AS varchar)
  AND Version = CAST(@GrainStateVersion AS integer)
RETURNING Version AS NewGrainStateVersion;
$sql$),

-- Used instead of ClearStorageKey when DeleteStateOnClear is set: the row goes; the returned
-- value (old version + 1) only tells Orleans the expected version matched.
('DeleteStorageKey', $sql$
DELETE FROM OrleansStorage
WHERE ServiceId = @ServiceId
  AND GrainTypeHash = @GrainTypeHash AND GrainIdHash = @GrainIdHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM CAST(@GrainIdExtensionString AS varchar)
  AND Version = CAST(@GrainStateVersion AS integer)
RETURNING Version + 1 AS NewGrainStateVersion;
$sql$);
