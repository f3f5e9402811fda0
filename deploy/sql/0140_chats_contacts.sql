-- Chats and contacts (issue "Chats, contacts and history"): what an instance knows about its
-- conversations and the people in them, beside the messages table. Rows are written in the
-- transaction that stores a message (so `chats.upsert` / `contacts.upsert` / `contacts.update` are
-- durable with it) and deleted with the instance (PostgresInstancePurge).
--
-- A 1:1 chat and a contact are named by the phone JID when we know it (`remote_jid`), else by the
-- LID; the LID stays beside it (`lid`). When a LID-named row later learns its phone number, it is
-- renamed to the phone JID, so one person stays one row.
CREATE TABLE IF NOT EXISTS chats (
    id                      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_name           text        NOT NULL,
    remote_jid              text        NOT NULL,
    lid                     text        NULL,
    -- 'user' (phone JID or LID), 'group' (@g.us), 'broadcast' (@broadcast), 'newsletter', 'other':
    -- findChats' type filter reads it through the index below instead of matching JID suffixes.
    kind                    text        NOT NULL CHECK (kind IN ('user', 'group', 'broadcast', 'newsletter', 'other')),
    name                    text        NULL,
    last_message_timestamp  bigint      NULL,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    UNIQUE (instance_name, remote_jid)
);

-- findChats: newest conversation first, optionally of one kind.
CREATE INDEX IF NOT EXISTS chats_instance_kind_recent_idx ON chats (instance_name, kind, last_message_timestamp DESC NULLS LAST, id DESC);
CREATE INDEX IF NOT EXISTS chats_instance_recent_idx ON chats (instance_name, last_message_timestamp DESC NULLS LAST, id DESC);
-- a chat named by its LID (findMessages / deleteChat given a LID)
CREATE INDEX IF NOT EXISTS chats_instance_lid_idx ON chats (instance_name, lid) WHERE lid IS NOT NULL;

CREATE TABLE IF NOT EXISTS contacts (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_name     text        NOT NULL,
    remote_jid        text        NOT NULL,
    lid               text        NULL,
    push_name         text        NULL,
    username          text        NULL,
    profile_pic_url   text        NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (instance_name, remote_jid)
);

-- findContacts by LID, and the LID → phone rename above.
CREATE INDEX IF NOT EXISTS contacts_instance_lid_idx ON contacts (instance_name, lid) WHERE lid IS NOT NULL;
-- findContacts without a filter: in the order they were met.
CREATE INDEX IF NOT EXISTS contacts_instance_id_idx ON contacts (instance_name, id);

-- findMessages pages newest first with a tie-break on id (one second holds many messages):
-- (instance, chat, time, id) serves "by chat" and replaces the (instance, chat, time) index of 0070;
-- (instance, time, id) serves the unfiltered listing of an instance.
CREATE INDEX IF NOT EXISTS messages_instance_chat_time_id_idx ON messages (instance_name, key_remote_jid, message_timestamp DESC, id DESC);
DROP INDEX IF EXISTS messages_instance_chat_time_idx;
CREATE INDEX IF NOT EXISTS messages_instance_time_id_idx ON messages (instance_name, message_timestamp DESC, id DESC);
-- findMessages' messageStatus filter: does the message have an update with that status?
CREATE INDEX IF NOT EXISTS message_updates_message_status_idx ON message_updates (message_id, status);
