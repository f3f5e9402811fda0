-- passkey.confirmation rows carry the confirmation code of a passkey linking (README "Passkey-required
-- accounts"). Like qrcode.updated (0031), the code is set to null once every endpoint has the event
-- (QrCodeRedactor); this index lets the sweep find those rows as cheaply as the QR ones.
CREATE INDEX IF NOT EXISTS instance_events_unredacted_passkey_idx ON instance_events (created_at)
    WHERE event = 'passkey.confirmation' AND redacted_at IS NULL;
