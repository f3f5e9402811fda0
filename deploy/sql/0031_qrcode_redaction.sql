-- qrcode.updated rows carry the QR string (with the device's ADV secret) and pairing codes (issue 14
-- §2). The row stays for delivery, but its secret fields are replaced by null once every endpoint
-- has it (and the /ws/events grace passed) or after Webhooks:QrCodeRetention, whichever is first
-- (QrCodeRedactor). redacted_at says when; NULL = still holds them.
ALTER TABLE instance_events ADD COLUMN IF NOT EXISTS redacted_at timestamptz NULL;

-- What the sweep scans: only the QR events still holding secrets.
CREATE INDEX IF NOT EXISTS instance_events_unredacted_qrcode_idx ON instance_events (created_at)
    WHERE event = 'qrcode.updated' AND redacted_at IS NULL;
