-- Membership statements. Writes that carry @Version succeed only while the cluster's version row
-- still holds that version; they lock the row first (FOR UPDATE), so of two silos racing with the
-- same version exactly one wins, and the loser's statement changes nothing and returns 0.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (@DeploymentId)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer FROM created;
$sql$),

('InsertMembershipKey', $sql$
WITH expected AS (
    SELECT DeploymentId
    FROM OrleansMembershipVersionTable
    WHERE DeploymentId = @DeploymentId AND Version = @Version
    FOR UPDATE
), added AS (
    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    SELECT expected.DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
           @StartTime, @IAmAliveTime
    FROM expected
    ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING
    RETURNING DeploymentId
), bumped AS (
    UPDATE OrleansMembershipVersionTable AS v
    SET Version = v.Version + 1, Timestamp = now()
    FROM added
    WHERE v.DeploymentId = added.DeploymentId
    RETURNING 1
)
SELECT count(*)::integer FROM bumped;
$sql$),

('UpdateMembershipKey', $sql$
WITH expected AS (
    SELECT DeploymentId
    FROM OrleansMembershipVersionTable
    WHERE DeploymentId = @DeploymentId AND Version = @Version
    FOR UPDATE
), changed AS (
    UPDATE OrleansMembershipTable AS m
    SET Status = @Status,
        SuspectTimes = CAST(@SuspectTimes AS varchar),
        IAmAliveTime = @IAmAliveTime
    FROM expected
    WHERE m.DeploymentId = expected.DeploymentId
      AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
    RETURNING m.DeploymentId
), bumped AS (
    UPDATE OrleansMembershipVersionTable AS v
    SET Version = v.Version + 1, Timestamp = now()
    FROM changed
    WHERE v.DeploymentId = changed.DeploymentId
    RETURNING 1
)
SELECT count(*)::integer FROM bumped;
$sql$),

-- Heartbeat: deliberately outside the version protocol, as Orleans expects.
('UpdateIAmAlivetimeKey', $sql$
UPDATE OrleansMembershipTable
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
$sql$),

-- Both reads return the version row even when the cluster has no silo rows yet (outer join):
-- Orleans takes the table version from the first row.
('MembershipReadRowKey', $sql$
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable AS v
LEFT JOIN OrleansMembershipTable AS m
       ON m.DeploymentId = v.DeploymentId
      AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId;
$sql$),

('MembershipReadAllKey', $sql$
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable AS v
LEFT JOIN OrleansMembershipTable AS m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;
$sql$),

('DeleteMembershipTableEntriesKey', $sql$
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$sql$),

-- Gateways clients may connect to: silos with the requested status (Active) that run a gateway.
('GatewaysQueryKey', $sql$
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
$sql$),

-- Removes rows of silos that stopped heart-beating before @IAmAliveTime and are not Active (3).
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status <> 3;
$sql$);
