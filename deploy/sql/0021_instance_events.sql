-- Instance event outbox: every event an instance raises (connection.update, qrcode.updated, …) is
-- appended here in the same step that changes the instance, before anyone is told about it. The
-- webhook dispatcher drains it in `sequence` order per instance and delivers each row at least once;
-- `id` is the stable event id a receiver deduplicates on (api-contract.md §3, §4). Rows are
-- append-only: delivery bookkeeping lives elsewhere.

-- Last sequence handed out per instance name. Kept when an instance is deleted so a re-created
-- instance of the same name never repeats a sequence a receiver has already seen.
CREATE TABLE IF NOT EXISTS instance_event_sequences (
    instance_name  text   PRIMARY KEY,
    last_sequence  bigint NOT NULL CHECK (last_sequence > 0)
);

CREATE TABLE IF NOT EXISTS instance_events (
    id             uuid        PRIMARY KEY,
    instance_name  text        NOT NULL,
    sequence       bigint      NOT NULL,
    -- The envelope's instance {name, id, owner} as it was when the event happened.
    instance_id    bigint      NOT NULL,
    owner_jid      text        NULL,
    event          text        NOT NULL,
    -- json (not jsonb) keeps the payload's text and key order exactly as it will be delivered.
    data           json        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (instance_name, sequence)
);

CREATE INDEX IF NOT EXISTS instance_events_created_at_idx ON instance_events (created_at);
