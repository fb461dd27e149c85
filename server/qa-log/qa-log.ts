import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface AskRecord {
  id: string;
  at: number;
  sessionId?: string;
  channel: string;
  question: string;
  kind: string;
  intent: string;
  citations: string[];
  amountsYuan: number[];
  latencyMs: number;
  composer: string;
  injection: boolean;
  guardViolations: number;
}

export interface FeedbackRecord {
  answerId: string;
  helpful: boolean;
  comment?: string;
  /** When it was given (epoch ms); default: now. */
  at?: number;
}

export interface QaLog {
  readonly file: string;
  /**
   * Stores a record; resolves once it is committed. Records arriving in the same event-loop turn share one
   * transaction (group commit), so a busy service pays one commit per turn instead of one per answer.
   */
  recordAsk(record: AskRecord): Promise<void>;
  /** False when no answer has that id. */
  recordFeedback(feedback: FeedbackRecord): boolean;
  topQuestions(options: { from: number; to: number; limit: number }): { question: string; count: number; lastKind: string }[];
  unanswered(options: {
    from: number;
    to: number;
    limit: number;
  }): { id: string; at: number; question: string; intent: string; channel: string }[];
  unhelpful(options: {
    from: number;
    to: number;
    limit: number;
  }): { answerId: string; at: number; question: string; kind: string; comment: string | null }[];
  count(): number;
  close(): void;
}

/**
 * The Q&A log: every question and answer, and feedback beside it, in SQLite (WAL). Callers send an answer
 * only after `recordAsk` has resolved, so whatever a caller received is on disk even if the process is killed.
 */
export function openQaLog(dataDir: string, options: { busyTimeoutMs?: number } = {}): QaLog {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'qa-log.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL with WAL survives a killed process (not a power cut) and keeps writes fast.
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.exec(`
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
  `);
  const insertAsk = db.prepare(`INSERT INTO asks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertFeedback = db.prepare(`INSERT INTO feedback (answer_id, at, helpful, comment) VALUES (?, ?, ?, ?)`);
  const askExists = db.prepare(`SELECT 1 FROM asks WHERE id = ?`);
  const top = db.prepare(`
    SELECT question, COUNT(*) AS count, (SELECT kind FROM asks a2 WHERE a2.question = asks.question ORDER BY at DESC LIMIT 1) AS lastKind
    FROM asks WHERE at BETWEEN ? AND ? GROUP BY question ORDER BY count DESC, MAX(at) DESC LIMIT ?`);
  const unanswered = db.prepare(`
    SELECT id, at, question, intent, channel FROM asks
    WHERE at BETWEEN ? AND ? AND (kind = 'out_of_scope' OR intent LIKE '%no-clause%')
    ORDER BY at DESC LIMIT ?`);
  const unhelpful = db.prepare(`
    SELECT f.answer_id AS answerId, f.at AS at, a.question AS question, a.kind AS kind, f.comment AS comment
    FROM feedback f JOIN asks a ON a.id = f.answer_id
    WHERE f.helpful = 0 AND f.at BETWEEN ? AND ? ORDER BY f.at DESC LIMIT ?`);
  const count = db.prepare(`SELECT COUNT(*) AS n FROM asks`);

  // Columns in table order; positional binding costs less than binding by name.
  type AskRow = [string, number, string | null, string, string, string, string, string, string, number, string, 0 | 1, number];
  const toRow = (r: AskRecord): AskRow => [
    r.id,
    r.at,
    r.sessionId ?? null,
    r.channel,
    r.question,
    r.kind,
    r.intent,
    JSON.stringify(r.citations),
    JSON.stringify(r.amountsYuan),
    r.latencyMs,
    r.composer,
    r.injection ? 1 : 0,
    r.guardViolations,
  ];
  const insertBatch = db.transaction((rows: AskRow[]) => {
    for (const row of rows) insertAsk.run(...row);
  });
  let pending: { row: AskRow; resolve: () => void; reject: (error: unknown) => void }[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      insertBatch(batch.map((p) => p.row));
      for (const p of batch) p.resolve();
    } catch (error) {
      // A locked or unwritable file fails the whole batch at once: retrying row by row would wait out the
      // busy timeout once per row, with the event loop blocked.
      if (!String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_CONSTRAINT')) {
        for (const p of batch) p.reject(error);
        return;
      }
      // A bad record rolled the transaction back: retry one by one so it fails only its own answer.
      for (const p of batch) {
        try {
          insertAsk.run(...p.row);
          p.resolve();
        } catch (error) {
          p.reject(error);
        }
      }
    }
  };

  return {
    file,
    recordAsk(r) {
      const row = toRow(r);
      return new Promise<void>((resolve, reject) => {
        // setImmediate runs after every request read in this turn has been answered and queued here.
        if (pending.length === 0) setImmediate(flush);
        pending.push({ row, resolve, reject });
      });
    },
    recordFeedback(f) {
      if (!askExists.get(f.answerId)) return false;
      insertFeedback.run(f.answerId, f.at ?? Date.now(), f.helpful ? 1 : 0, f.comment ?? null);
      return true;
    },
    topQuestions: ({ from, to, limit }) => top.all(from, to, limit) as { question: string; count: number; lastKind: string }[],
    unanswered: ({ from, to, limit }) =>
      unanswered.all(from, to, limit) as { id: string; at: number; question: string; intent: string; channel: string }[],
    unhelpful: ({ from, to, limit }) =>
      unhelpful.all(from, to, limit) as { answerId: string; at: number; question: string; kind: string; comment: string | null }[],
    count: () => (count.get() as { n: number }).n,
    close: () => {
      flush();
      db.close();
    },
  };
}
