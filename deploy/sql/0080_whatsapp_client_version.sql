-- The cluster-wide WhatsApp Web version every instance claims when it connects (one row at most).
-- Written by PUT /admin/whatsappVersion and by the version refresher; absent, instances fall back to
-- WhatsApp:Version from configuration and then to the compiled-in default.
CREATE TABLE IF NOT EXISTS whatsapp_client_version (
    id          smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    version     text        NOT NULL,
    updated_by  text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
