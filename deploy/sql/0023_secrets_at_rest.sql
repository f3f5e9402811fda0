-- Secrets at rest (issue 14 §2): ASP.NET Core Data Protection encrypts every stored secret; its key
-- ring lives here so every silo and the API host share it, each key itself encrypted with the
-- operator's master key (Security:MasterKey), which is never stored in the database. A copy of the
-- database alone therefore opens nothing.
CREATE TABLE IF NOT EXISTS data_protection_keys (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendly_name  text        NULL,
    xml            text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- The *_protected columns hold Data Protection payloads. The plaintext columns they replace are
-- emptied by the start-up data migration (ProtectStoredSecretsMigration, schema version 24) and
-- never written again.
ALTER TABLE device_credentials ADD COLUMN IF NOT EXISTS credentials_protected bytea NULL;
ALTER TABLE device_credentials ALTER COLUMN credentials DROP NOT NULL;
ALTER TABLE device_credentials DROP CONSTRAINT IF EXISTS device_credentials_present;
ALTER TABLE device_credentials ADD CONSTRAINT device_credentials_present
    CHECK (credentials IS NOT NULL OR credentials_protected IS NOT NULL);

ALTER TABLE device_prekeys ADD COLUMN IF NOT EXISTS private_key_protected bytea NULL;
ALTER TABLE device_prekeys ALTER COLUMN private_key DROP NOT NULL;
ALTER TABLE device_prekeys DROP CONSTRAINT IF EXISTS device_prekeys_private_key_present;
ALTER TABLE device_prekeys ADD CONSTRAINT device_prekeys_private_key_present
    CHECK (private_key IS NOT NULL OR private_key_protected IS NOT NULL);

-- The instance token, encrypted, so fetchInstances can give it back to the global-key holder as
-- CodeChat 1.3 does. Null for instances whose token was issued before tokens were kept (only its
-- hash exists): refreshToken gives them one that is kept.
ALTER TABLE instances ADD COLUMN IF NOT EXISTS token_protected text NULL;
