-- History sync (issue "Chats, contacts and history"): the phone tells, per conversation, how many
-- messages are unread (HistorySync Conversation.unreadCount); findChats and chats.set show it.
-- Chats met only through live messages keep 0 until history or app state says otherwise.
ALTER TABLE chats ADD COLUMN IF NOT EXISTS unread_count integer NOT NULL DEFAULT 0;
