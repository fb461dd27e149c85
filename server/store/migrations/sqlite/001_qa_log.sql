-- The Q&A log and feedback. IF NOT EXISTS: files written before versioned migrations already have these tables.
CREATE TABLE IF NOT EXISTS asks (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  session_id TEXT,
  channel TEXT NOT NULL,
  question TEXT NOT NULL,
  kind TEXT NOT NULL,
  intent TEXT NOT NULL,
  citations TEXT NOT NULL,
  amounts TEXT NOT NULL,
  latency_ms REAL NOT NULL,
  composer TEXT NOT NULL,
  injection INTEGER NOT NULL,
  guard_violations INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS asks_at ON asks(at);
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  answer_id TEXT NOT NULL REFERENCES asks(id),
  at INTEGER NOT NULL,
  helpful INTEGER NOT NULL,
  comment TEXT
);
CREATE INDEX IF NOT EXISTS feedback_answer ON feedback(answer_id);
