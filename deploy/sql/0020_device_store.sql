-- WhatsApp device store: everything one instance's companion device must keep across restarts
-- (whatsapp-protocol.md §4.1, §5.2, §7.5). Keyed by instance name, the instance grain's key.
-- Rows are written before the protocol step that depends on them completes, so a crash never
-- loses a key the server or a peer already knows about. Logout and delete remove them all.

-- Credentials as one JSON document (CodeChat.WhatsApp.Store.DeviceCredentialsJson): they change
-- together (pair-success, key index, push name) and are read whole on connect.
CREATE TABLE IF NOT EXISTS device_credentials (
    instance_name  text        PRIMARY KEY,
    credentials    jsonb       NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Highest one-time prekey id ever issued per instance. Ids are never reused (pitfall P11), even
-- after the key itself was consumed and removed, so the counter lives apart from the keys.
CREATE TABLE IF NOT EXISTS device_prekey_counters (
    instance_name  text    PRIMARY KEY,
    last_issued_id integer NOT NULL CHECK (last_issued_id BETWEEN 0 AND 16777215)
);

CREATE TABLE IF NOT EXISTS device_prekeys (
    instance_name  text        NOT NULL,
    id             integer     NOT NULL CHECK (id BETWEEN 1 AND 16777215),
    public_key     bytea       NOT NULL,
    private_key    bytea       NOT NULL,
    uploaded       boolean     NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_name, id)
);

-- Trusted Signal identity keys of other devices, by device JID text (user[:device]@server).
CREATE TABLE IF NOT EXISTS device_identities (
    instance_name  text        NOT NULL,
    device_jid     text        NOT NULL,
    identity_key   bytea       NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_name, device_jid)
);

-- LID <-> phone-number user mapping, both directions unique per instance.
CREATE TABLE IF NOT EXISTS device_lid_mappings (
    instance_name  text        NOT NULL,
    lid            text        NOT NULL,
    phone_number   text        NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_name, lid),
    UNIQUE (instance_name, phone_number)
);
