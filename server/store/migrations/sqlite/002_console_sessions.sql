-- Console sign-ins, keyed by the SHA-256 of the cookie's session id: the file never holds a usable id.
CREATE TABLE console_sessions (
  id_hash TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,
  via TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX console_sessions_expires ON console_sessions(expires_at);
