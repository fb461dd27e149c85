import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../qa-log/qa-log.js';
import { loadMigrations, migratePostgres, migrateSqlite, MigrationError } from './migrations.js';
import { openPostgresStore } from './postgres-store.js';
import type { AskRecord, RecordStore, StaffSession } from './record-store.js';
import { POSTGRES_MISSING, postgresAvailable, startPostgres, type PostgresServer } from './testing/postgres-server.js';

/**
 * One contract, both stores: every test below runs against SQLite and against PostgreSQL. Each test gets a
 * fresh place (a temp folder, a new database) and reads what was committed through a connection of its own,
 * as another process (or another instance) would.
 */
interface Reader {
  count(): Promise<number>;
  sessionKeys(): Promise<string[]>;
  versions(): Promise<number[]>;
  close(): Promise<void>;
}

interface StoreCase {
  name: string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** A new, empty place for a store: a folder or a database URL. */
  place(): Promise<string>;
  open(place: string): Promise<RecordStore>;
  reader(place: string): Reader;
  /** Applies the migrations given (to test checksum and numbering rules). */
  migrate(place: string, migrations: ReturnType<typeof loadMigrations>): Promise<number[]>;
  dialect: 'sqlite' | 'postgres';
}

const sqliteCase: StoreCase = {
  name: 'SQLite',
  dialect: 'sqlite',
  setup: async () => {},
  teardown: async () => {},
  place: async () => mkdtempSync(path.join(tmpdir(), 'record-store-')),
  open: async (dir) => openSqliteStore(dir),
  reader(dir) {
    const db = new Database(path.join(dir, 'qa-log.sqlite'), { readonly: true });
    return {
      count: async () => (db.prepare('SELECT COUNT(*) AS n FROM asks').get() as { n: number }).n,
      sessionKeys: async () => (db.prepare('SELECT id_hash FROM console_sessions').all() as { id_hash: string }[]).map((r) => r.id_hash),
      versions: async () =>
        (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version),
      close: async () => void db.close(),
    };
  },
  async migrate(dir, migrations) {
    const db = new Database(path.join(dir, 'qa-log.sqlite'));
    try {
      return migrateSqlite(db, migrations);
    } finally {
      db.close();
    }
  },
};

let pg: PostgresServer | undefined;
const postgresCase: StoreCase = {
  name: 'PostgreSQL',
  dialect: 'postgres',
  setup: async () => {
    pg = await startPostgres();
  },
  teardown: async () => pg?.stop(),
  place: async () => pg!.createDatabase(),
  open: (url) => openPostgresStore(url),
  reader(url) {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    return {
      count: async () => (await sql<{ n: number }[]>`SELECT COUNT(*)::int AS n FROM asks`)[0]!.n,
      sessionKeys: async () => (await sql<{ id_hash: string }[]>`SELECT id_hash FROM console_sessions`).map((r) => r.id_hash),
      versions: async () =>
        (await sql<{ version: number }[]>`SELECT version FROM schema_migrations ORDER BY version`).map((r) => r.version),
      close: () => sql.end({ timeout: 1 }),
    };
  },
  async migrate(url, migrations) {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      return await migratePostgres(sql, migrations);
    } finally {
      await sql.end({ timeout: 1 });
    }
  },
};

// In CI PostgreSQL is installed by .ci/run; only a developer machine without it may skip, and says why.
const havePostgres = postgresAvailable() || process.env.CI === 'true';
if (!havePostgres) console.warn(`record store contract, PostgreSQL: ${POSTGRES_MISSING}`);

const T0 = Date.parse('2026-06-01T09:00:00+08:00');
let nextId = 0;
const record = (overrides: Partial<AskRecord> = {}): AskRecord => ({
  id: `a${++nextId}`,
  at: T0,
  sessionId: 's1',
  channel: 'api',
  question: '创客中国一等奖能奖多少？',
  kind: 'calculation',
  intent: 'calculate',
  citations: ['zhengzhou-srdi-2024:item-3'],
  amountsYuan: [50_000],
  latencyMs: 0.4,
  composer: 'template',
  injection: false,
  guardViolations: 0,
  ...overrides,
});

describe.each([
  { store: sqliteCase, skip: false, note: '' },
  { store: postgresCase, skip: !havePostgres, note: havePostgres ? '' : ` — ${POSTGRES_MISSING}` },
])('record store contract: $store.name$note', ({ store, skip }) => {
  const opened: RecordStore[] = [];
  const readers: Reader[] = [];
  const open = async (place: string) => {
    const s = await store.open(place);
    opened.push(s);
    return s;
  };
  const reader = (place: string) => {
    const r = store.reader(place);
    readers.push(r);
    return r;
  };
  beforeAll(async () => {
    if (!skip) await store.setup();
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    for (const r of readers.splice(0)) await r.close();
  });
  afterAll(async () => {
    if (!skip) await store.teardown();
  });

  describe.skipIf(skip)('the Q&A log', () => {
    it('commits the records of one event-loop turn together, and acknowledges each only once it is committed', async () => {
      const place = await store.place();
      const log = await open(place);
      const writes = Array.from({ length: 100 }, (_, i) => log.recordAsk(record({ id: `turn-${i}` })));
      // When the first is acknowledged, another connection (another instance, or this one after a crash)
      // already sees every record of the turn.
      await writes[0];
      expect(await reader(place).count()).toBe(100);
      await Promise.all(writes);
      expect(await log.count()).toBe(100);
    });

    it('fails only the bad record of a batch', async () => {
      const log = await open(await store.place());
      await log.recordAsk(record({ id: 'dup' }));
      const results = await Promise.allSettled([
        log.recordAsk(record({ id: 'b1' })),
        log.recordAsk(record({ id: 'dup' })),
        log.recordAsk(record({ id: 'b2' })),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await log.count()).toBe(3);
    });

    it('writes what is pending when closed, and rejects a record that arrives after close', async () => {
      const place = await store.place();
      const closing = await store.open(place);
      const write = closing.recordAsk(record({ id: 'last' }));
      await closing.close();
      await write;
      await expect(closing.recordAsk(record({ id: 'late' }))).rejects.toThrow(/closed/);
      expect(await reader(place).count()).toBe(1);
      expect(await (await open(place)).count()).toBe(1);
    });

    it('stores feedback only on answers it has, and lists the unhelpful ones with their comments, latest first', async () => {
      const log = await open(await store.place());
      await log.recordAsk(record({ id: 'q1', question: '第19条讲的是什么？', kind: 'lookup' }));
      await log.recordAsk(record({ id: 'q2', question: '创客中国怎么奖励？', kind: 'lookup' }));
      expect(await log.recordFeedback({ answerId: 'missing', helpful: false })).toBe(false);
      expect(await log.recordFeedback({ answerId: 'q1', helpful: false, comment: '想知道怎么申报 <b>流程</b>', at: T0 + 1000 })).toBe(true);
      expect(await log.recordFeedback({ answerId: 'q2', helpful: false, at: T0 + 2000 })).toBe(true);
      expect(await log.recordFeedback({ answerId: 'q2', helpful: true, at: T0 + 3000 })).toBe(true);
      expect(await log.unhelpful({ from: T0, to: T0 + 10_000, limit: 10 })).toEqual([
        { answerId: 'q2', at: T0 + 2000, question: '创客中国怎么奖励？', kind: 'lookup', comment: null },
        { answerId: 'q1', at: T0 + 1000, question: '第19条讲的是什么？', kind: 'lookup', comment: '想知道怎么申报 <b>流程</b>' },
      ]);
      expect(await log.unhelpful({ from: T0 + 1500, to: T0 + 10_000, limit: 10 })).toHaveLength(1);
      expect(await log.unhelpful({ from: T0, to: T0 + 10_000, limit: 1 })).toHaveLength(1);
    });

    it('ranks the most asked questions in a period, with the kind of the latest answer', async () => {
      const log = await open(await store.place());
      const a = '我们是省级专精特新，买了500万设备，市里能补多少？';
      const b = '创客中国一等奖能奖多少？';
      await Promise.all([
        log.recordAsk(record({ question: a, at: T0, kind: 'clarify' })),
        log.recordAsk(record({ question: a, at: T0 + 10, kind: 'calculation' })),
        log.recordAsk(record({ question: a, at: T0 + 5, kind: 'clarify' })),
        log.recordAsk(record({ question: b, at: T0 + 20 })),
        log.recordAsk(record({ question: b, at: T0 + 30 })),
        log.recordAsk(record({ question: '你好', at: T0 + 40, kind: 'smalltalk' })),
        log.recordAsk(record({ question: '很久以前', at: T0 - 86_400_000 })),
      ]);
      expect(await log.topQuestions({ from: T0, to: T0 + 40, limit: 10 })).toEqual([
        { question: a, count: 3, lastKind: 'calculation' },
        { question: b, count: 2, lastKind: 'calculation' },
        { question: '你好', count: 1, lastKind: 'smalltalk' },
      ]);
      // A tie (2 and 2 in this period) goes to the question asked most recently.
      expect(await log.topQuestions({ from: T0 + 1, to: T0 + 39, limit: 1 })).toEqual([{ question: b, count: 2, lastKind: 'calculation' }]);
      expect(await log.topQuestions({ from: 0, to: T0 - 1, limit: 10 })).toEqual([
        { question: '很久以前', count: 1, lastKind: 'calculation' },
      ]);
    });

    it('lists what the advisor could not answer: out of scope, or no clause found, latest first', async () => {
      const log = await open(await store.place());
      await Promise.all([
        log.recordAsk(
          record({ id: 'u1', question: '明天天气怎么样', kind: 'out_of_scope', intent: 'out-of-scope:other-topic', at: T0 + 1 }),
        ),
        log.recordAsk(
          record({ id: 'u2', question: '第99条讲什么', kind: 'lookup', intent: 'lookup:no-clause', channel: 'wechat', at: T0 + 2 }),
        ),
        log.recordAsk(record({ id: 'ok', question: '第19条讲什么', kind: 'lookup', intent: 'lookup', at: T0 + 3 })),
      ]);
      expect(await log.unanswered({ from: T0, to: T0 + 10, limit: 10 })).toEqual([
        { id: 'u2', at: T0 + 2, question: '第99条讲什么', intent: 'lookup:no-clause', channel: 'wechat' },
        { id: 'u1', at: T0 + 1, question: '明天天气怎么样', intent: 'out-of-scope:other-topic', channel: 'api' },
      ]);
      expect(await log.unanswered({ from: T0 + 2, to: T0 + 2, limit: 10 })).toHaveLength(1);
    });

    it('exports a period, oldest first, every field as stored, with the latest feedback, in pages', async () => {
      const log = await open(await store.place());
      const many = Array.from({ length: 1203 }, (_, i) =>
        record({ id: `e${String(i).padStart(4, '0')}`, at: T0 + i, sessionId: i % 2 ? `s-${i}` : undefined, amountsYuan: [i, 2 * i] }),
      );
      await Promise.all(many.map((r) => log.recordAsk(r)));
      await log.recordAsk(record({ id: 'before', at: T0 - 1 }));
      await log.recordAsk(
        record({ id: 'odd', at: T0 + 5000, injection: true, guardViolations: 2, citations: [], amountsYuan: [], latencyMs: 12.5 }),
      );
      await log.recordFeedback({ answerId: 'e0001', helpful: false, comment: '不对', at: T0 + 10 });
      await log.recordFeedback({ answerId: 'e0001', helpful: true, at: T0 + 20 });
      await log.recordFeedback({ answerId: 'e0002', helpful: false, comment: '没用', at: T0 + 30 });

      const rows = [];
      for await (const row of log.exportAsks({ from: T0, to: T0 + 5000 })) rows.push(row);
      expect(rows).toHaveLength(1204);
      expect(rows.map((r) => r.id)).toEqual([...many.map((r) => r.id), 'odd']);
      expect(rows[0]).toEqual({ ...many[0], feedback: null });
      expect(rows[0]).not.toHaveProperty('sessionId');
      expect(rows[1]).toEqual({ ...many[1], feedback: { at: T0 + 20, helpful: true, comment: null } });
      expect(rows[2]!.feedback).toEqual({ at: T0 + 30, helpful: false, comment: '没用' });
      expect(rows.at(-1)).toMatchObject({ injection: true, guardViolations: 2, citations: [], amountsYuan: [], latencyMs: 12.5 });
    });
  });

  describe.skipIf(skip)('console sessions', () => {
    const session = (expiresAt: number): StaffSession => ({ user: 'alice', via: 'password', createdAt: T0, expiresAt });

    it('keeps, replaces and forgets sessions, storing only a hash of the id', async () => {
      const place = await store.place();
      const log = await open(place);
      const id = 'session-id-from-the-cookie-0123456789';
      await log.staffSessions.set(id, session(T0 + 60_000));
      expect(await log.staffSessions.get(id)).toEqual(session(T0 + 60_000));
      expect(await log.staffSessions.get(`${id}x`)).toBeUndefined();
      await log.staffSessions.set(id, { ...session(T0 + 120_000), via: 'token', user: '共享令牌' });
      expect(await log.staffSessions.get(id)).toMatchObject({ via: 'token', user: '共享令牌', expiresAt: T0 + 120_000 });
      const keys = await reader(place).sessionKeys();
      expect(keys).toHaveLength(1);
      expect(keys[0]).not.toContain(id);
      await log.staffSessions.delete(id);
      expect(await log.staffSessions.get(id)).toBeUndefined();
    });

    it('returns an expired session until swept, so the console can say it expired; sweeping keeps live ones', async () => {
      const log = await open(await store.place());
      await log.staffSessions.set('old', session(T0));
      await log.staffSessions.set('live', session(T0 + 60_000));
      expect(await log.staffSessions.get('old')).toEqual(session(T0));
      await log.staffSessions.sweep(T0 + 1);
      expect(await log.staffSessions.get('old')).toBeUndefined();
      expect(await log.staffSessions.get('live')).toEqual(session(T0 + 60_000));
    });

    it('shares sessions between two stores on the same place, as two instances would', async () => {
      const place = await store.place();
      const [a, b] = [await open(place), await open(place)];
      await a.staffSessions.set('shared', session(T0 + 60_000));
      expect(await b.staffSessions.get('shared')).toEqual(session(T0 + 60_000));
      await b.staffSessions.delete('shared');
      expect(await a.staffSessions.get('shared')).toBeUndefined();
    });
  });

  describe.skipIf(skip)('versioned migrations', () => {
    it('applies every numbered migration once, even when two instances open the same place together', async () => {
      const place = await store.place();
      const [first, second] = await Promise.all([open(place), open(place)]);
      await first.recordAsk(record({ id: 'm1' }));
      expect(await second.count()).toBe(1);
      const all = loadMigrations(store.dialect).map((m) => m.version);
      expect(all).toEqual([1, 2]);
      expect(await reader(place).versions()).toEqual(all);
      expect(await store.migrate(place, loadMigrations(store.dialect))).toEqual([]);
    });

    it('applies a new migration on the next start, and refuses to start when an applied one was edited', async () => {
      const place = await store.place();
      await (await open(place)).close();
      const current = loadMigrations(store.dialect);
      const next = { version: current.length + 1, name: 'add_note', sql: 'CREATE TABLE note (id integer PRIMARY KEY);', checksum: 'x' };
      expect(await store.migrate(place, [...current, next])).toEqual([next.version]);
      const edited = current.map((m, i) => (i === 0 ? { ...m, checksum: `${m.checksum}0` } : m));
      await expect(store.migrate(place, edited)).rejects.toThrow(MigrationError);
      await expect(store.migrate(place, edited)).rejects.toThrow(/001_qa_log\.sql was changed after it was applied/);
    });

    it('rolls back every migration of a start when one of them fails', async () => {
      const place = await store.place();
      const current = loadMigrations(store.dialect);
      const broken = { version: current.length + 1, name: 'broken', sql: 'CREATE TABLE broken (;', checksum: 'y' };
      await expect(store.migrate(place, [...current, broken])).rejects.toThrow();
      const r = reader(place);
      await expect(r.versions()).rejects.toThrow(/schema_migrations/);
    });
  });
});
