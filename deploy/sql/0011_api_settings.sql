-- Secrets the API generates on first start when configuration supplies none: the SHA-256 of
-- the global API key (the key itself is shown once and never stored) and the instance-token
-- signing secret (needed in clear to sign). First writer wins (INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE IF NOT EXISTS api_settings (
    key         text        PRIMARY KEY,
    value       text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
