-- Console sign-ins shared by every instance, keyed by the SHA-256 of the cookie's session id.
CREATE TABLE console_sessions (
  id_hash text PRIMARY KEY,
  user_name text NOT NULL,
  via text NOT NULL CHECK (via IN ('password', 'token')),
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);
