import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openKnowledgeBase } from '../../knowledge/knowledge-base.js';
import { buildTestApp } from '../testing/build-test-app.js';
import { startOpenAiStub } from '../testing/openai-stub.js';
import { spawnServer, type SpawnedServer } from '../testing/spawn-server.js';

const spawned: SpawnedServer[] = [];
afterAll(async () => {
  await Promise.all(spawned.map((s) => s.stop('SIGKILL')));
});

const tempDir = (prefix: string) => mkdtempSync(path.join(tmpdir(), prefix));

describe('the knowledge index on disk', () => {
  const damage: [string, (dist: string) => void, RegExp][] = [
    ['missing', (dist) => rmSync(dist, { recursive: true, force: true }), /no built index/],
    ['truncated', (dist) => truncateSync(path.join(dist, 'bm25.bin'), 100), /bm25\.bin fails its checksum/],
    ['a missing vector file', (dist) => rmSync(path.join(dist, 'vectors.hnsw')), /vectors\.hnsw is missing/],
    [
      'from another version',
      (dist) => {
        const file = path.join(dist, 'index.json');
        writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), formatVersion: 1 }));
      },
      /index format 1/,
    ],
    ['unreadable manifest', (dist) => writeFileSync(path.join(dist, 'index.json'), '{not json'), /index\.json is unreadable/],
  ];

  it.each(damage)('%s: start-up rebuilds it, and never serves from it', async (_name, harm, reason) => {
    const dist = tempDir('kb-fault-');
    await openKnowledgeBase({ distDir: dist });
    harm(dist);
    const messages: string[] = [];
    const kb = await openKnowledgeBase({ distDir: dist, log: (m) => messages.push(m) });
    expect(kb.origin).toBe('built');
    expect(messages.join('\n')).toMatch(reason);
    expect((await kb.retriever.search('创客中国', { k: 1 }))[0]!.clause.id).toBe('item-3');
    const again = await openKnowledgeBase({ distDir: dist });
    expect(again.origin).toBe('loaded');
  });

  it.each(damage)('%s: when rebuilding is not allowed, stops with a clear message', async (_name, harm, reason) => {
    const dist = tempDir('kb-fault-');
    await openKnowledgeBase({ distDir: dist });
    harm(dist);
    await expect(openKnowledgeBase({ distDir: dist, rebuild: 'never' })).rejects.toThrow(
      new RegExp(`cannot be used: .*${reason.source}.*npm run knowledge:build`),
    );
  });
});

describe('the SQLite Q&A log', () => {
  it('logs all of 500 concurrent asks', async () => {
    const app = await buildTestApp();
    const questions = Array.from({ length: 500 }, (_, i) =>
      i % 2 ? `我们是省级专精特新，买了${100 + i}万设备，能补多少` : `第${(i % 24) + 1}条讲什么`,
    );
    const responses = await Promise.all(
      questions.map((question, i) => app.inject({ method: 'POST', url: '/v1/ask', payload: { question, sessionId: `load-${i}` } })),
    );
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    expect(await app.qaLog.count()).toBe(500);
    const ids = new Set(responses.map((r) => r.json().answerId));
    expect(ids.size).toBe(500);
    await app.close();
  });

  it('loses nothing acknowledged when the process is killed with SIGKILL mid-write, and reopens after restart (WAL)', async () => {
    const dataDir = tempDir('qa-kill-');
    const distDir = tempDir('kb-kill-');
    const server = await spawnServer({ DATA_DIR: dataDir, KNOWLEDGE_DIST_DIR: distDir, RATE_LIMIT_PER_MINUTE: '100000' });
    spawned.push(server);
    const acknowledged: string[] = [];
    let stop = false;
    const worker = async (n: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const response = await fetch(`${server.url}/v1/ask`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              question: `我们是省级专精特新，买了${200 + ((n * 7 + i) % 500)}万设备，能补多少`,
              sessionId: `kill-${n}`,
            }),
          });
          if (response.status === 200) acknowledged.push(((await response.json()) as { answerId: string }).answerId);
        } catch {
          return; // the process is gone
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, n) => worker(n));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    server.process.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await server.exited;
    expect(acknowledged.length).toBeGreaterThan(20);

    const db = new Database(path.join(dataDir, 'qa-log.sqlite'), { readonly: true });
    const stored = new Set((db.prepare('SELECT id FROM asks').all() as { id: string }[]).map((r) => r.id));
    db.close();
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);

    const restarted = await spawnServer({ DATA_DIR: dataDir, KNOWLEDGE_DIST_DIR: distDir });
    spawned.push(restarted);
    const after = await fetch(`${restarted.url}/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: '你好' }),
    });
    expect(after.status).toBe(200);
    await restarted.stop('SIGTERM');
    const reopened = new Database(path.join(dataDir, 'qa-log.sqlite'), { readonly: true });
    expect((reopened.prepare('SELECT COUNT(*) AS n FROM asks').get() as { n: number }).n).toBeGreaterThanOrEqual(acknowledged.length + 1);
    reopened.close();
  }, 120_000);
});

describe('graceful shutdown', () => {
  it('on SIGTERM finishes in-flight requests, then flushes and closes the log', async () => {
    const stub = await startOpenAiStub();
    stub.respondWith({ kind: 'hang' });
    const dataDir = tempDir('qa-term-');
    const server = await spawnServer({
      DATA_DIR: dataDir,
      KNOWLEDGE_DIST_DIR: tempDir('kb-term-'),
      LLM_BASE_URL: stub.baseURL,
      LLM_MODEL: 'stub',
      LLM_TIMEOUT_MS: '1500',
      LLM_MAX_RETRIES: '0',
    });
    spawned.push(server);
    const inFlight = fetch(`${server.url}/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: '我们是省级专精特新，买了500万设备，市里能补多少？' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.process.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    const body = (await response.json()) as { answerId: string; calculations: { amountYuan: number }[] };
    expect(body.calculations[0]!.amountYuan).toBe(500_000);
    expect(await server.exited).toBe(0);
    const log = server.lines.join('\n');
    expect(log.indexOf('shutting down')).toBeLessThan(log.indexOf('Q&A log closed'));
    const db = new Database(path.join(dataDir, 'qa-log.sqlite'), { readonly: true });
    expect(db.prepare('SELECT id FROM asks WHERE id = ?').get(body.answerId)).toBeDefined();
    db.close();
    await stub.close();
  }, 90_000);
});
