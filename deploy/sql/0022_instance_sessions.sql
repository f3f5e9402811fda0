-- What each instance's WhatsApp session should be and is, projected by the instance grain after
-- every change of its persisted state (the grain state stays the source of truth). Silo start-up
-- reads it to resume every instance wanted connected without activating all instances.
CREATE TABLE IF NOT EXISTS instance_sessions (
    instance_name  text        PRIMARY KEY,
    -- "open" when the operator connected the instance and has not logged out; else "close".
    desired_state  text        NOT NULL,
    actual_state   text        NOT NULL,
    status_reason  integer     NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS instance_sessions_desired_idx ON instance_sessions (desired_state);
