-- Instance registry: one row per instance, written by the instance grain after each change of
-- its persisted state, so listing instances works from any silo without activating every grain.
-- The grain state (Orleans storage "Default") stays the source of truth; this is a projection.
CREATE SEQUENCE IF NOT EXISTS instance_id_seq AS bigint;

CREATE TABLE IF NOT EXISTS instances (
    name                 text        PRIMARY KEY,
    id                   bigint      NOT NULL UNIQUE,
    description          text        NULL,
    -- json (not jsonb) keeps the client's text verbatim, as it is echoed back.
    external_attributes  json        NULL,
    connection_status    text        NOT NULL,
    owner_jid            text        NULL,
    profile_pic_url      text        NULL,
    token_id             text        NOT NULL,
    token_created_at     timestamptz NOT NULL,
    token_updated_at     timestamptz NOT NULL,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS instances_created_at_idx ON instances (created_at, id);
