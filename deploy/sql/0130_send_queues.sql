-- Send queues (issue #12): a mailing (`numbers: [...]` on a send route) is a SendQueueGrain whose
-- state lives here, so a queue whose silo died resumes on another silo from these rows. One row per
-- queue; `version` fences writers (every change is `WHERE version = $old`), so a stale activation
-- can never move the cursor or record an outcome after another activation took over.
-- `message` is the serialized waE2E.Message sent to every recipient; `options` the send options
-- (without a message id: every recipient has its own). Completed and deleted queues are removed
-- (the seed: "upon completion, the queue is automatically cleared").
CREATE TABLE IF NOT EXISTS send_queues (
    queue_id         uuid        PRIMARY KEY,
    instance_name    text        NOT NULL,
    instance_id      bigint      NOT NULL,
    owner_jid        text        NULL,
    status           smallint    NOT NULL,
    message          bytea       NOT NULL,
    message_type     text        NOT NULL,
    content          json        NOT NULL,
    options          json        NOT NULL,
    recipient_count  integer     NOT NULL CHECK (recipient_count > 0),
    next_position    integer     NOT NULL DEFAULT 0,
    version          bigint      NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS send_queues_instance_idx ON send_queues (instance_name, created_at);

-- One row per recipient, in mailing order. `message_id` is chosen when the queue is created, so the
-- intent to message a recipient ("sending", outcome 1) is recorded with the id BEFORE the send; a
-- queue resumed after a crash looks that id up in `messages` instead of sending again.
-- outcome: 0 waiting, 1 sending, 2 sent (server ack), 3 accepted (stored, ack pending), 4 failed.
CREATE TABLE IF NOT EXISTS send_queue_recipients (
    queue_id          uuid     NOT NULL REFERENCES send_queues (queue_id) ON DELETE CASCADE,
    instance_name     text     NOT NULL,
    position          integer  NOT NULL,
    number            text     NOT NULL,
    jid               text     NOT NULL,
    message_id        text     NOT NULL,
    outcome           smallint NOT NULL DEFAULT 0 CHECK (outcome BETWEEN 0 AND 4),
    error             text     NULL,
    PRIMARY KEY (queue_id, position)
);

CREATE INDEX IF NOT EXISTS send_queue_recipients_instance_idx ON send_queue_recipients (instance_name);
