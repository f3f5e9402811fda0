-- The message store (issue "Messaging"): every message an instance sends or receives, written
-- BEFORE WhatsApp gets our receipt for an inbound message and before the 2xx for an outbound one.
-- `id` is CodeChat's numeric message id (deleteMessage, readMessages, editMessage take it); the
-- WhatsApp key (remote JID, message id, fromMe) is unique per instance, so a redelivered stanza
-- finds its row instead of adding one. `content` is the message as the API returns it (json keeps
-- text and key order). `status` is WebMessageInfo.Status (ERROR 0, PENDING 1, SERVER_ACK 2,
-- DELIVERY_ACK 3, READ 4, PLAYED 5) and only moves forward; every change is kept in
-- message_updates, which CodeChat returns as MessageUpdate[] and filters on.
CREATE TABLE IF NOT EXISTS messages (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_name      text        NOT NULL,
    key_remote_jid     text        NOT NULL,
    key_id             text        NOT NULL,
    key_from_me        boolean     NOT NULL,
    key_participant    text        NULL,
    sender_pn          text        NULL,
    sender_lid         text        NULL,
    push_name          text        NULL,
    message_type       text        NOT NULL,
    content            json        NOT NULL,
    message_timestamp  bigint      NOT NULL,
    device             text        NULL,
    status             smallint    NOT NULL CHECK (status BETWEEN 0 AND 5),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (instance_name, key_remote_jid, key_id, key_from_me)
);

-- quoted replies and receipts look a message up by its WhatsApp id
CREATE INDEX IF NOT EXISTS messages_instance_key_id_idx ON messages (instance_name, key_id);
-- findMessages and chat history: newest first per chat
CREATE INDEX IF NOT EXISTS messages_instance_chat_time_idx ON messages (instance_name, key_remote_jid, message_timestamp DESC);

CREATE TABLE IF NOT EXISTS message_updates (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_name  text        NOT NULL,
    message_id     bigint      NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    status         smallint    NOT NULL CHECK (status BETWEEN 0 AND 5),
    date_time      timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS message_updates_message_idx ON message_updates (message_id);
