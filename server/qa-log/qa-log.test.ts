import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordStore } from '../store/record-store.js';
import { openSqliteStore, type AskRecord } from './qa-log.js';

/** What only the SQLite store has; what both stores promise is in server/store/record-store.contract.test.ts. */
const record = (id: string, question = `问题 ${id}`): AskRecord => ({
  id,
  at: Date.now(),
  sessionId: 's1',
  channel: 'api',
  question,
  kind: 'lookup',
  intent: 'lookup',
  citations: ['plan:3-1-1'],
  amountsYuan: [500_000],
  latencyMs: 0.4,
  composer: 'template',
  injection: false,
  guardViolations: 0,
});

describe('the SQLite Q&A log', () => {
  let log: RecordStore | undefined;
  afterEach(async () => log?.close());

  it('acknowledges nothing before the turn’s commit', async () => {
    log = openSqliteStore(mkdtempSync(path.join(tmpdir(), 'qa-log-')));
    const reader = new Database(log.location, { readonly: true });
    const writes = Array.from({ length: 20 }, (_, i) => log!.recordAsk(record(`a${i}`)));
    // Still in the turn that queued them: nothing is committed, so nothing may be acknowledged.
    expect((reader.prepare('SELECT COUNT(*) AS n FROM asks').get() as { n: number }).n).toBe(0);
    await Promise.all(writes);
    expect((reader.prepare('SELECT COUNT(*) AS n FROM asks').get() as { n: number }).n).toBe(20);
    reader.close();
  });

  it('fails a whole batch at once when the file is locked, instead of waiting out the lock once per record', async () => {
    log = openSqliteStore(mkdtempSync(path.join(tmpdir(), 'qa-log-')), { busyTimeoutMs: 100 });
    const holder = new Database(log.location);
    holder.exec('BEGIN EXCLUSIVE');
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => log!.recordAsk(record(`locked-${i}`))));
    const elapsedMs = performance.now() - started;
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    // One wait for the lock, not twenty-one.
    expect(elapsedMs).toBeLessThan(1000);
    holder.exec('ROLLBACK');
    holder.close();
    await log.recordAsk(record('after-lock'));
    expect(await log.count()).toBe(1);
  });

  it('adopts a file written before versioned migrations, keeping its records', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qa-log-'));
    const old = new Database(path.join(dir, 'qa-log.sqlite'));
    old.exec(`
      CREATE TABLE asks (id TEXT PRIMARY KEY, at INTEGER NOT NULL, session_id TEXT, channel TEXT NOT NULL, question TEXT NOT NULL,
        kind TEXT NOT NULL, intent TEXT NOT NULL, citations TEXT NOT NULL, amounts TEXT NOT NULL, latency_ms REAL NOT NULL,
        composer TEXT NOT NULL, injection INTEGER NOT NULL, guard_violations INTEGER NOT NULL);
      CREATE INDEX asks_at ON asks(at);
      CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, answer_id TEXT NOT NULL REFERENCES asks(id), at INTEGER NOT NULL,
        helpful INTEGER NOT NULL, comment TEXT);
      INSERT INTO asks VALUES ('old-1', 1, NULL, 'api', '旧问题', 'lookup', 'lookup', '[]', '[]', 1, 'template', 0, 0);
    `);
    old.close();
    log = openSqliteStore(dir);
    expect(await log.count()).toBe(1);
    expect(await log.recordFeedback({ answerId: 'old-1', helpful: true })).toBe(true);
    await log.staffSessions.set('s', { user: 'alice', via: 'password', createdAt: 1, expiresAt: 2 });
    const reader = new Database(log.location, { readonly: true });
    expect(reader.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([{ version: 1 }, { version: 2 }]);
    reader.close();
  });
});
