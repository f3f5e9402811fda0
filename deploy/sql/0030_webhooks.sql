-- Webhook delivery (issue 10, api-contract.md §3–§4). The outbox (instance_events, 0021) holds the
-- events; these tables hold where they go and how far each delivery line has come. A line is one
-- instance × one endpoint ('instance' = the instance's own webhook, 'global' = the configured one)
-- and has at most one delivery in flight, so receivers see `sequence` in order.

-- The instance's webhook (PUT /webhook/set). Keyed by name like the outbox; `instance_id` is the
-- incarnation it was set for, so a deleted and re-created instance does not inherit it.
CREATE TABLE IF NOT EXISTS webhook_endpoints (
    instance_name               text        PRIMARY KEY,
    id                          bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    instance_id                 bigint      NOT NULL,
    url                         text        NOT NULL,
    enabled                     boolean     NOT NULL,
    -- Canonical event flags (WebhookEventFlags); NULL selects every event.
    events                      json        NULL,
    -- Standard Webhooks signing secret "whsec_<base64>"; the previous one is still used to sign
    -- (a second signature) until previous_secret_expires_at, so receivers can rotate.
    secret                      text        NOT NULL,
    previous_secret             text        NULL,
    previous_secret_expires_at  timestamptz NULL,
    -- Why delivery switched the endpoint off (410 Gone); NULL while the operator's flag rules.
    disabled_reason             text        NULL,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now()
);

-- Progress of each line: every event up to acked_sequence was delivered, filtered out or
-- dead-lettered. The head event's failed attempts and next try are stored here, so a retry
-- schedule survives a crash and continues on whichever silo drains the line next.
CREATE TABLE IF NOT EXISTS webhook_lines (
    instance_name    text        NOT NULL,
    endpoint         text        NOT NULL CHECK (endpoint IN ('instance', 'global')),
    acked_sequence   bigint      NOT NULL DEFAULT 0,
    head_attempts    integer     NOT NULL DEFAULT 0,
    head_failed_at   timestamptz NULL,
    next_attempt_at  timestamptz NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_name, endpoint)
);

-- Events queued for delivery again (POST /webhook/replay); drained before the live line, oldest
-- request first, with the same retry bookkeeping as a line head.
CREATE TABLE IF NOT EXISTS webhook_replays (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_name    text        NOT NULL,
    endpoint         text        NOT NULL CHECK (endpoint IN ('instance', 'global')),
    event_id         uuid        NOT NULL REFERENCES instance_events (id) ON DELETE CASCADE,
    attempts         integer     NOT NULL DEFAULT 0,
    first_failed_at  timestamptz NULL,
    next_attempt_at  timestamptz NULL,
    requested_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS webhook_replays_line_idx ON webhook_replays (instance_name, endpoint, id);

-- The delivery log: one row per attempt.
CREATE TABLE IF NOT EXISTS webhook_attempts (
    id               bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_name    text             NOT NULL,
    endpoint         text             NOT NULL,
    event_id         uuid             NOT NULL,
    sequence         bigint           NOT NULL,
    event            text             NOT NULL,
    attempt          integer          NOT NULL,
    outcome          text             NOT NULL,
    status_code      integer          NULL,
    error            text             NULL,
    latency_ms       double precision NOT NULL,
    attempted_at     timestamptz      NOT NULL,
    next_attempt_at  timestamptz      NULL,
    replay           boolean          NOT NULL
);

CREATE INDEX IF NOT EXISTS webhook_attempts_instance_idx ON webhook_attempts (instance_name, id DESC);
CREATE INDEX IF NOT EXISTS webhook_attempts_event_idx ON webhook_attempts (event_id);
CREATE INDEX IF NOT EXISTS webhook_attempts_attempted_at_idx ON webhook_attempts (attempted_at);

-- Events that used up their retry budget (or were refused outright) on a line. The line moved on;
-- a replay may still deliver them.
CREATE TABLE IF NOT EXISTS webhook_dead_letters (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_name     text        NOT NULL,
    endpoint          text        NOT NULL,
    event_id          uuid        NOT NULL,
    sequence          bigint      NOT NULL,
    event             text        NOT NULL,
    attempts          integer     NOT NULL,
    last_status_code  integer     NULL,
    last_error        text        NULL,
    dead_at           timestamptz NOT NULL,
    replayed_at       timestamptz NULL,
    UNIQUE (instance_name, endpoint, event_id)
);

CREATE INDEX IF NOT EXISTS webhook_dead_letters_instance_idx ON webhook_dead_letters (instance_name, id DESC);

-- Event-stream subscribers (/ws/events) in any process learn of new events without polling hard:
-- the payload is "<sequence>:<instance name>".
CREATE OR REPLACE FUNCTION instance_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('instance_events', NEW.sequence::text || ':' || NEW.instance_name);
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS instance_events_notify ON instance_events;
CREATE TRIGGER instance_events_notify AFTER INSERT ON instance_events
    FOR EACH ROW EXECUTE FUNCTION instance_events_notify();
