-- Privacy tokens (whatsapp-protocol.md §6.13): per contact (non-device user JID, the LID when known),
-- the token the contact issued to this instance (attached as <tctoken> to 1:1 sends while it is
-- less than four 7-day buckets old) and when we last issued ours to the contact. The token lets its
-- holder message the contact, so it is stored only encrypted with Data Protection.
CREATE TABLE IF NOT EXISTS device_privacy_tokens (
    instance_name     text        NOT NULL,
    contact_jid       text        NOT NULL,
    token_protected   bytea,
    token_timestamp   timestamptz,
    issued_to_contact timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_name, contact_jid)
);
