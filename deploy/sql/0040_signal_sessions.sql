-- Signal 1:1 session records (whatsapp-protocol.md §6.6): one serialized
-- CodeChat.WhatsApp.Signal.SessionRecord (src/WhatsApp/Signal/Proto/SignalSessionRecord.proto) per
-- peer device address "name.device" (name = JID user, "_1" suffix for LIDs, §6.6). Written after
-- every encrypt/decrypt before the stanza leaves; one message's fan-out is one multi-row statement.
-- The records hold private ratchet keys.
CREATE TABLE IF NOT EXISTS signal_sessions (
    instance_name  text        NOT NULL,
    address_name   text        NOT NULL,
    device_id      integer     NOT NULL CHECK (device_id >= 0),
    record         bytea       NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_name, address_name, device_id)
);
