-- The Q&A log and feedback. Times are epoch milliseconds, as in the SQLite store and the service.
CREATE TABLE asks (
  id text PRIMARY KEY,
  at bigint NOT NULL,
  session_id text,
  channel text NOT NULL,
  question text NOT NULL,
  kind text NOT NULL,
  intent text NOT NULL,
  citations jsonb NOT NULL,
  amounts jsonb NOT NULL,
  latency_ms double precision NOT NULL,
  composer text NOT NULL,
  injection boolean NOT NULL,
  guard_violations integer NOT NULL
);
CREATE INDEX asks_at ON asks (at);
CREATE INDEX asks_question ON asks (question);
CREATE TABLE feedback (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  answer_id text NOT NULL REFERENCES asks (id),
  at bigint NOT NULL,
  helpful boolean NOT NULL,
  comment text
);
CREATE INDEX feedback_answer ON feedback (answer_id);
CREATE INDEX feedback_at ON feedback (at);
