import postgres from 'postgres';
import { migratePostgres } from './migrations.js';
import {
  hashSessionId,
  redactUrl,
  type AskRecord,
  type ExportedAsk,
  type RecordStore,
  type StaffSession,
  type TopQuestion,
  type UnansweredAsk,
  type UnhelpfulAnswer,
} from './record-store.js';

export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

interface AskRowOut {
  id: string;
  at: string;
  session_id: string | null;
  channel: string;
  question: string;
  kind: string;
  intent: string;
  citations: string[];
  amounts: number[];
  latency_ms: number;
  composer: string;
  injection: boolean;
  guard_violations: number;
  feedback_at: string | null;
  feedback_helpful: boolean | null;
  feedback_comment: string | null;
}

/** Rows fetched per round trip when exporting. */
const EXPORT_PAGE = 500;

/** SQLSTATE class 23: the row itself is bad (a repeated id…); anything else is the database or the network. */
const isConstraintViolation = (error: unknown) => /^23/.test(String((error as { code?: unknown }).code ?? ''));

/**
 * The record in PostgreSQL (DATABASE_URL), shared by every instance: one Q&A log for the console's insights
 * whichever instance served the question, and console sign-ins valid on all of them. Migrations run at
 * open (server/store/migrations.ts). bigint columns come back from the client as strings (they may exceed
 * 2^53); epoch milliseconds do not, so they are read with Number().
 */
export async function openPostgresStore(url: string, options: { max?: number } = {}): Promise<RecordStore> {
  const location = redactUrl(url);
  const sql = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: 10,
    // "relation already exists, skipping" and the like are not news.
    onnotice: () => {},
    connection: { application_name: 'zz-srdi-advisor' },
  });
  try {
    await migratePostgres(sql);
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw new StoreUnavailableError(`cannot open the PostgreSQL store at ${location}: ${(error as Error).message}`, { cause: error });
  }

  let pending: { record: AskRecord; resolve: () => void; reject: (error: unknown) => void }[] = [];
  const writing = new Set<Promise<void>>();
  let closed = false;

  // One statement for any number of rows (arrays unnested server-side): one prepared statement, no limit
  // on parameters, and a statement is atomic, so a batch is committed whole or not at all.
  const insertAsks = (records: AskRecord[]) => sql`
    INSERT INTO asks (id, at, session_id, channel, question, kind, intent, citations, amounts, latency_ms, composer, injection, guard_violations)
    SELECT u.id, u.at, u.session_id, u.channel, u.question, u.kind, u.intent, u.citations::jsonb, u.amounts::jsonb,
           u.latency_ms, u.composer, u.injection, u.guard_violations
    FROM unnest(
      ${records.map((r) => r.id)}::text[], ${records.map((r) => r.at)}::int8[], ${records.map((r) => r.sessionId ?? null)}::text[],
      ${records.map((r) => r.channel)}::text[], ${records.map((r) => r.question)}::text[], ${records.map((r) => r.kind)}::text[],
      ${records.map((r) => r.intent)}::text[], ${records.map((r) => JSON.stringify(r.citations))}::text[],
      ${records.map((r) => JSON.stringify(r.amountsYuan))}::text[], ${records.map((r) => r.latencyMs)}::float8[],
      ${records.map((r) => r.composer)}::text[], ${records.map((r) => r.injection)}::bool[], ${records.map((r) => r.guardViolations)}::int4[]
    ) AS u(id, at, session_id, channel, question, kind, intent, citations, amounts, latency_ms, composer, injection, guard_violations)`;

  const write = async (batch: typeof pending) => {
    try {
      await insertAsks(batch.map((p) => p.record));
      for (const p of batch) p.resolve();
    } catch (error) {
      if (!isConstraintViolation(error) || batch.length === 1) {
        for (const p of batch) p.reject(error);
        return;
      }
      // A bad record failed the statement: retry one by one so it fails only its own answer.
      await Promise.all(
        batch.map((p) =>
          insertAsks([p.record]).then(
            () => p.resolve(),
            (e: unknown) => p.reject(e),
          ),
        ),
      );
    }
  };
  const flush = () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const done = write(batch).finally(() => writing.delete(done));
    writing.add(done);
  };

  const toExported = (r: AskRowOut): ExportedAsk => ({
    id: r.id,
    at: Number(r.at),
    ...(r.session_id !== null ? { sessionId: r.session_id } : {}),
    channel: r.channel,
    question: r.question,
    kind: r.kind,
    intent: r.intent,
    citations: r.citations,
    amountsYuan: r.amounts,
    latencyMs: r.latency_ms,
    composer: r.composer,
    injection: r.injection,
    guardViolations: r.guard_violations,
    feedback:
      r.feedback_at === null ? null : { at: Number(r.feedback_at), helpful: r.feedback_helpful === true, comment: r.feedback_comment },
  });

  return {
    kind: 'postgres',
    location,
    recordAsk(record) {
      if (closed) return Promise.reject(new Error('the Q&A log is closed'));
      return new Promise<void>((resolve, reject) => {
        // setImmediate runs after every request read in this turn has been answered and queued here.
        if (pending.length === 0) setImmediate(flush);
        pending.push({ record, resolve, reject });
      });
    },
    async recordFeedback(f) {
      // One statement: the answer's existence and the insert cannot be split by a concurrent writer.
      const inserted = await sql`
        INSERT INTO feedback (answer_id, at, helpful, comment)
        SELECT id, ${f.at ?? Date.now()}::int8, ${f.helpful}::bool, ${f.comment ?? null}::text FROM asks WHERE id = ${f.answerId}`;
      return inserted.count > 0;
    },
    async topQuestions({ from, to, limit }) {
      const rows = await sql<TopQuestion[]>`
        SELECT question, COUNT(*)::int AS count,
          (SELECT kind FROM asks a2 WHERE a2.question = asks.question ORDER BY at DESC LIMIT 1) AS "lastKind"
        FROM asks WHERE at BETWEEN ${from} AND ${to} GROUP BY question ORDER BY count DESC, MAX(at) DESC LIMIT ${limit}`;
      return rows.map((r) => ({ question: r.question, count: r.count, lastKind: r.lastKind }));
    },
    async unanswered({ from, to, limit }) {
      const rows = await sql<(Omit<UnansweredAsk, 'at'> & { at: string })[]>`
        SELECT id, at, question, intent, channel FROM asks
        WHERE at BETWEEN ${from} AND ${to} AND (kind = 'out_of_scope' OR intent LIKE '%no-clause%')
        ORDER BY at DESC LIMIT ${limit}`;
      return rows.map((r) => ({ id: r.id, at: Number(r.at), question: r.question, intent: r.intent, channel: r.channel }));
    },
    async unhelpful({ from, to, limit }) {
      const rows = await sql<(Omit<UnhelpfulAnswer, 'at'> & { at: string })[]>`
        SELECT f.answer_id AS "answerId", f.at AS at, a.question AS question, a.kind AS kind, f.comment AS comment
        FROM feedback f JOIN asks a ON a.id = f.answer_id
        WHERE f.helpful = false AND f.at BETWEEN ${from} AND ${to} ORDER BY f.at DESC LIMIT ${limit}`;
      return rows.map((r) => ({ answerId: r.answerId, at: Number(r.at), question: r.question, kind: r.kind, comment: r.comment }));
    },
    async count() {
      const [row] = await sql<{ n: number }[]>`SELECT COUNT(*)::int AS n FROM asks`;
      return row!.n;
    },
    async *exportAsks({ from, to }) {
      const query = sql<AskRowOut[]>`
        SELECT a.*, f.at AS feedback_at, f.helpful AS feedback_helpful, f.comment AS feedback_comment
        FROM asks a LEFT JOIN LATERAL (
          SELECT at, helpful, comment FROM feedback WHERE answer_id = a.id ORDER BY at DESC, id DESC LIMIT 1
        ) f ON true
        WHERE a.at BETWEEN ${from} AND ${to} ORDER BY a.at, a.id`;
      for await (const rows of query.cursor(EXPORT_PAGE)) for (const row of rows) yield toExported(row);
    },
    staffSessions: {
      async get(id) {
        const [row] = await sql<{ user_name: string; via: StaffSession['via']; created_at: string; expires_at: string }[]>`
          SELECT user_name, via, created_at, expires_at FROM console_sessions WHERE id_hash = ${hashSessionId(id)}`;
        return row && { user: row.user_name, via: row.via, createdAt: Number(row.created_at), expiresAt: Number(row.expires_at) };
      },
      async set(id, s) {
        await sql`
          INSERT INTO console_sessions (id_hash, user_name, via, created_at, expires_at)
          VALUES (${hashSessionId(id)}, ${s.user}, ${s.via}, ${s.createdAt}, ${s.expiresAt})
          ON CONFLICT (id_hash) DO UPDATE SET user_name = EXCLUDED.user_name, via = EXCLUDED.via,
            created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`;
      },
      async delete(id) {
        await sql`DELETE FROM console_sessions WHERE id_hash = ${hashSessionId(id)}`;
      },
      async sweep(now) {
        await sql`DELETE FROM console_sessions WHERE expires_at <= ${now}`;
      },
    },
    async close() {
      if (closed) return;
      closed = true;
      flush();
      await Promise.allSettled([...writing]);
      await sql.end({ timeout: 5 });
    },
  };
}
