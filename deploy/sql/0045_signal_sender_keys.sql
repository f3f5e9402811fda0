-- Signal sender keys for groups (whatsapp-protocol.md §6.7): one serialized
-- CodeChat.WhatsApp.Signal.Groups.SenderKeyRecord (src/WhatsApp/Signal/Proto/SenderKeyRecord.proto)
-- per (group JID, sender Signal address "name.device"), our own sending key included (sender =
-- our own address). Written after every group encrypt/decrypt and distribution message, before
-- the result is used. The records hold chain keys, kept message keys and our signing private key.
CREATE TABLE IF NOT EXISTS signal_sender_keys (
    instance_name  text        NOT NULL,
    group_jid      text        NOT NULL,
    address_name   text        NOT NULL,
    device_id      integer     NOT NULL CHECK (device_id >= 0),
    record         bytea       NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_name, group_jid, address_name, device_id)
);
