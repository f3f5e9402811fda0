-- The send pipeline (issue "Messaging"): a message accepted for sending is stored PENDING before it
-- leaves; a new session of the instance sends every PENDING message of ours again (same id). This
-- partial index finds them without scanning the instance's history: it holds only those rows.
CREATE INDEX IF NOT EXISTS messages_pending_outgoing_idx ON messages (instance_name, id)
    WHERE key_from_me AND status = 1;
