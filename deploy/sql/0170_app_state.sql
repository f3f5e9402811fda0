-- App state (syncd; issue "Chats, contacts and history"): the app-state sync keys the phone shares
-- with this device, the version and LT-hash reached per collection, and the chat and contact columns
-- the synced actions set. Every row belongs to one instance (instance_name) and goes with it
-- (PostgresInstancePurge) and with a logout (PostgresDeviceStore's wipe: a new link brings new keys).

-- Keys arrive in a protocolMessage APP_STATE_SYNC_KEY_SHARE from our own phone. The key data is a
-- secret (it opens every patch), so it is stored only encrypted with Data Protection.
CREATE TABLE IF NOT EXISTS app_state_sync_keys (
    instance_name       text        NOT NULL,
    key_id              bytea       NOT NULL,
    key_data_protected  bytea       NOT NULL,
    -- AppStateSyncKeyData.timestamp (ms): our own patches use the newest key, as whatsmeow does.
    key_timestamp       bigint      NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_name, key_id)
);

-- One row per collection once synced: the version reached, its 128-byte LT-hash, and the (index MAC,
-- value MAC) pairs held, 64 bytes each (MACs, not secrets).
CREATE TABLE IF NOT EXISTS app_state_collections (
    instance_name  text        NOT NULL,
    name           text        NOT NULL,
    version        bigint      NOT NULL,
    lt_hash        bytea       NOT NULL,
    value_macs     bytea       NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_name, name)
);

ALTER TABLE chats ADD COLUMN IF NOT EXISTS archived boolean NOT NULL DEFAULT false;
-- When the chat was pinned (the action's timestamp, ms); null when not pinned.
ALTER TABLE chats ADD COLUMN IF NOT EXISTS pinned_at bigint NULL;
-- Muted until (ms; -1 for always); null when not muted.
ALTER TABLE chats ADD COLUMN IF NOT EXISTS mute_end_time bigint NULL;
-- Marked unread on a device (markChatAsRead false).
ALTER TABLE chats ADD COLUMN IF NOT EXISTS marked_unread boolean NOT NULL DEFAULT false;
-- The name the phone's address book gives the contact (contact action fullName).
ALTER TABLE contacts ADD COLUMN IF NOT EXISTS name text NULL;
