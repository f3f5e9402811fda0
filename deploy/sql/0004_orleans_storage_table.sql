-- Grain state for the default storage provider. A grain's state is one row, identified by the
-- service, the grain type and the grain id (hashes speed up the lookup; the strings and n0/n1
-- make it exact). Version is the ETag: 1 on first write, +1 on every write or clear.
CREATE TABLE OrleansStorage
(
    GrainIdHash            integer       NOT NULL,
    GrainIdN0              bigint        NOT NULL,
    GrainIdN1              bigint        NOT NULL,
    GrainTypeHash          integer       NOT NULL,
    GrainTypeString        varchar(512)  NOT NULL,
    GrainIdExtensionString varchar(512)  NULL,
    ServiceId              varchar(150)  NOT NULL,
    PayloadBinary          bytea         NULL,
    ModifiedOn             timestamptz   NOT NULL DEFAULT now(),
    Version                integer       NOT NULL,
    CONSTRAINT UQ_OrleansStorage_Grain UNIQUE NULLS NOT DISTINCT
        (ServiceId, GrainTypeHash, GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString)
);
