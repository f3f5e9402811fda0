-- Webhook signing secrets encrypted at rest (Data Protection, purpose CodeChat.WebhookSigningSecret.v1),
-- like the other stored secrets (0023). The plaintext columns are emptied by the start-up data
-- migration (ProtectWebhookSecretsMigration, schema version 33) and never written again.
ALTER TABLE webhook_endpoints ADD COLUMN IF NOT EXISTS secret_protected text NULL;
ALTER TABLE webhook_endpoints ADD COLUMN IF NOT EXISTS previous_secret_protected text NULL;
ALTER TABLE webhook_endpoints ALTER COLUMN secret DROP NOT NULL;
ALTER TABLE webhook_endpoints DROP CONSTRAINT IF EXISTS webhook_endpoints_secret_present;
ALTER TABLE webhook_endpoints ADD CONSTRAINT webhook_endpoints_secret_present
    CHECK (secret IS NOT NULL OR secret_protected IS NOT NULL);
