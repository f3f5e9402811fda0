-- The Orleans ADO.NET providers (clustering, grain storage, reminders) run no SQL of their own:
-- at start-up they load every statement they need from this table, by key. The migrations that
-- follow create the tables and insert the statements; they must keep the contract the providers
-- rely on: parameter names (@DeploymentId, @GrainIdHash, ...), result column names, and the
-- version/ETag rules (a write whose expected version is stale changes nothing).
CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,
    CONSTRAINT PK_OrleansQuery PRIMARY KEY (QueryKey)
);
