import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrateSqlite } from '../store/migrations.js';
import {
  hashSessionId,
  type AskRecord,
  type ExportedAsk,
  type RecordStore,
  type StaffSession,
  type TopQuestion,
  type UnansweredAsk,
  type UnhelpfulAnswer,
} from '../store/record-store.js';

export type { AskRecord, FeedbackRecord } from '../store/record-store.js';

interface AskRowOut {
  id: string;
  at: number;
  session_id: string | null;
  channel: string;
  question: string;
  kind: string;
  intent: string;
  citations: string;
  amounts: string;
  latency_ms: number;
  composer: string;
  injection: 0 | 1;
  guard_violations: number;
  feedback_at: number | null;
  feedback_helpful: 0 | 1 | null;
  feedback_comment: string | null;
}

/**
 * The record in SQLite (WAL) under DATA_DIR: the embedded default for one instance. Callers send an answer
 * only after `recordAsk` has resolved, so whatever a caller received is on disk even if the process is killed.
 */
export function openSqliteStore(dataDir: string, options: { busyTimeoutMs?: number } = {}): RecordStore {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'qa-log.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL with WAL survives a killed process (not a power cut) and keeps writes fast.
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  migrateSqlite(db);

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
  const exportAsks = db.prepare(`
    SELECT a.*, f.at AS feedback_at, f.helpful AS feedback_helpful, f.comment AS feedback_comment
    FROM asks a LEFT JOIN feedback f ON f.id = (SELECT id FROM feedback WHERE answer_id = a.id ORDER BY at DESC, id DESC LIMIT 1)
    WHERE a.at BETWEEN ? AND ? ORDER BY a.at, a.id`);
  const getSession = db.prepare(`SELECT user_name, via, created_at, expires_at FROM console_sessions WHERE id_hash = ?`);
  const putSession = db.prepare(`INSERT OR REPLACE INTO console_sessions VALUES (?, ?, ?, ?, ?)`);
  const deleteSession = db.prepare(`DELETE FROM console_sessions WHERE id_hash = ?`);
  const sweepSessions = db.prepare(`DELETE FROM console_sessions WHERE expires_at <= ?`);

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
  let closed = false;
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

  const toExported = (r: AskRowOut): ExportedAsk => ({
    id: r.id,
    at: r.at,
    ...(r.session_id !== null ? { sessionId: r.session_id } : {}),
    channel: r.channel,
    question: r.question,
    kind: r.kind,
    intent: r.intent,
    citations: JSON.parse(r.citations) as string[],
    amountsYuan: JSON.parse(r.amounts) as number[],
    latencyMs: r.latency_ms,
    composer: r.composer,
    injection: r.injection === 1,
    guardViolations: r.guard_violations,
    feedback: r.feedback_at === null ? null : { at: r.feedback_at, helpful: r.feedback_helpful === 1, comment: r.feedback_comment ?? null },
  });

  return {
    kind: 'sqlite',
    location: file,
    recordAsk(r) {
      if (closed) return Promise.reject(new Error('the Q&A log is closed'));
      const row = toRow(r);
      return new Promise<void>((resolve, reject) => {
        // setImmediate runs after every request read in this turn has been answered and queued here.
        if (pending.length === 0) setImmediate(flush);
        pending.push({ row, resolve, reject });
      });
    },
    async recordFeedback(f) {
      if (!askExists.get(f.answerId)) return false;
      insertFeedback.run(f.answerId, f.at ?? Date.now(), f.helpful ? 1 : 0, f.comment ?? null);
      return true;
    },
    topQuestions: async ({ from, to, limit }) => top.all(from, to, limit) as TopQuestion[],
    unanswered: async ({ from, to, limit }) => unanswered.all(from, to, limit) as UnansweredAsk[],
    unhelpful: async ({ from, to, limit }) => unhelpful.all(from, to, limit) as UnhelpfulAnswer[],
    count: async () => (count.get() as { n: number }).n,
    async *exportAsks({ from, to }) {
      for (const row of exportAsks.iterate(from, to) as IterableIterator<AskRowOut>) yield toExported(row);
    },
    staffSessions: {
      async get(id) {
        const row = getSession.get(hashSessionId(id)) as
          { user_name: string; via: StaffSession['via']; created_at: number; expires_at: number } | undefined;
        return row && { user: row.user_name, via: row.via, createdAt: row.created_at, expiresAt: row.expires_at };
      },
      async set(id, s) {
        putSession.run(hashSessionId(id), s.user, s.via, s.createdAt, s.expiresAt);
      },
      async delete(id) {
        deleteSession.run(hashSessionId(id));
      },
      async sweep(now) {
        sweepSessions.run(now);
      },
    },
    async close() {
      if (closed) return;
      closed = true;
      flush();
      db.close();
    },
  };
}
