import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openQaLog, type AskRecord, type QaLog } from './qa-log.js';

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

describe('Q&A log group commit', () => {
  let log: QaLog | undefined;
  afterEach(() => log?.close());

  it('commits the records of one event-loop turn together and resolves each only after the commit', async () => {
    log = openQaLog(mkdtempSync(path.join(tmpdir(), 'qa-log-')));
    const writes = Array.from({ length: 100 }, (_, i) => log!.recordAsk(record(`a${i}`)));
    // Nothing is committed, so nothing may be acknowledged, until the turn ends.
    expect(log.count()).toBe(0);
    await Promise.all(writes);
    expect(log.count()).toBe(100);
    // A second connection (another process, after a crash) sees every acknowledged record.
    const reader = new Database(log.file, { readonly: true });
    expect((reader.prepare('SELECT COUNT(*) AS n FROM asks').get() as { n: number }).n).toBe(100);
    reader.close();
  });

  it('fails only the bad record of a batch', async () => {
    log = openQaLog(mkdtempSync(path.join(tmpdir(), 'qa-log-')));
    await log.recordAsk(record('dup'));
    const results = await Promise.allSettled([log.recordAsk(record('b1')), log.recordAsk(record('dup')), log.recordAsk(record('b2'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log.count()).toBe(3);
  });

  it('writes what is pending when closed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qa-log-'));
    const closing = openQaLog(dir);
    const write = closing.recordAsk(record('last'));
    closing.close();
    await write;
    log = openQaLog(dir);
    expect(log.count()).toBe(1);
  });

  it('fails a whole batch at once when the file is locked, instead of waiting out the lock once per record', async () => {
    log = openQaLog(mkdtempSync(path.join(tmpdir(), 'qa-log-')), { busyTimeoutMs: 100 });
    const holder = new Database(log.file);
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
    expect(log.count()).toBe(1);
  });

  it('rejects a record that arrives after close instead of dropping it silently', async () => {
    const closed = openQaLog(mkdtempSync(path.join(tmpdir(), 'qa-log-')));
    closed.close();
    await expect(closed.recordAsk(record('late'))).rejects.toThrow();
  });
});
