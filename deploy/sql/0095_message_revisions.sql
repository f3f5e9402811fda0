-- Revokes and edits of stored messages (issue "Messaging", Receive): a peer (or we, from our phone)
-- deleting a message for everyone or editing it. The message row keeps its key and numeric id and
-- is marked (`revoked_at`, `edited_at`); an edit replaces `message_type`/`content` with the new
-- text. Each revoke or edit is also a row of message_updates, holding the content it replaced
-- (`previous_*`, so an edit's history survives) and the id of the stanza that carried it
-- (`protocol_message_id`): a stanza WhatsApp delivers twice finds its row and changes nothing.
-- Receipt rows keep `revision` NULL; `status` of a revision row is the message's status then.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS revoked_at timestamptz NULL;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS edited_at timestamptz NULL;

ALTER TABLE message_updates ADD COLUMN IF NOT EXISTS revision text NULL CHECK (revision IN ('REVOKE', 'EDIT'));
ALTER TABLE message_updates ADD COLUMN IF NOT EXISTS protocol_message_id text NULL;
ALTER TABLE message_updates ADD COLUMN IF NOT EXISTS previous_message_type text NULL;
ALTER TABLE message_updates ADD COLUMN IF NOT EXISTS previous_content json NULL;

CREATE UNIQUE INDEX IF NOT EXISTS message_updates_revision_idx
    ON message_updates (instance_name, message_id, protocol_message_id) WHERE protocol_message_id IS NOT NULL;
