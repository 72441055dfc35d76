-- API tokens: only a SHA-256 hash of the secret is stored.
CREATE TABLE api_tokens (
  id            text PRIMARY KEY,                   -- public id, shown in lists and used to revoke
  token_hash    text NOT NULL UNIQUE,
  role          text NOT NULL CHECK (role IN ('responder', 'lead', 'admin')),
  responder_id  text,
  label         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz,
  CONSTRAINT api_tokens_responder_required CHECK (role = 'admin' OR responder_id IS NOT NULL)
);
