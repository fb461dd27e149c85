import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../testing/build-test-app.js';
import { redisServerAvailable, startRedis } from '../testing/redis-server.js';
import { spawnServer, type SpawnedServer } from '../testing/spawn-server.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function ask(url: string, question: string, sessionId: string) {
  const response = await fetch(`${url}/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question, sessionId, asOf: '2026-06-01' }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { kind: string; calculations: { amountYuan: number }[]; answer: string };
}

// In CI redis-server is installed by .ci/run; only a developer machine without it may skip.
const haveRedis = redisServerAvailable() || process.env.CI === 'true';

describe.skipIf(!haveRedis)('several service processes sharing Redis', () => {
  it('holds a conversation across two processes, and finishes it on one after the other is killed', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const distDir = mkdtempSync(path.join(tmpdir(), 'kb-redis-'));
    const start = (): Promise<SpawnedServer> =>
      spawnServer({ REDIS_URL: redis.url, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'qa-redis-')), KNOWLEDGE_DIST_DIR: distDir });
    const a = await start();
    cleanups.push(() => a.stop('SIGKILL'));
    const b = await start();
    cleanups.push(() => b.stop('SIGKILL'));
    for (const server of [a, b])
      expect(((await (await fetch(`${server.url}/readyz`)).json()) as { sessions: string }).sessions).toBe('redis');

    await ask(a.url, '我们是省级专精特新', 'shared-1');
    await ask(b.url, '买了400万设备', 'shared-1');
    await a.stop('SIGKILL');
    const last = await ask(b.url, '能补多少', 'shared-1');
    expect(last.kind).toBe('calculation');
    expect(last.calculations[0]!.amountYuan).toBe(400_000);
    expect(last.answer).toContain('40万元');
  }, 120_000);

  it('shares rate-limit counters between processes', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const distDir = mkdtempSync(path.join(tmpdir(), 'kb-redis-'));
    const env = { REDIS_URL: redis.url, RATE_LIMIT_PER_MINUTE: '6', KNOWLEDGE_DIST_DIR: distDir };
    const a = await spawnServer({ ...env, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'qa-rl-')) });
    cleanups.push(() => a.stop('SIGKILL'));
    const b = await spawnServer({ ...env, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'qa-rl-')) });
    cleanups.push(() => b.stop('SIGKILL'));
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const url = i % 2 ? a.url : b.url;
      const response = await fetch(`${url}/v1/search?q=${encodeURIComponent('创客中国')}`);
      statuses.push(response.status);
      if (response.status === 429) expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    }
    expect(statuses.slice(0, 6).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(6)).toEqual([429, 429]);
  }, 120_000);
});

describe('load: 200 concurrent sessions of 10 turns each, loopback', () => {
  let app: FastifyInstance;
  it('answers every turn without error, and no session ever sees another’s facts', async () => {
    app = await buildTestApp();
    cleanups.push(() => app.close());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const latencies: number[] = [];
    const errors: string[] = [];
    const session = async (n: number) => {
      const investment = 150 + n; // 万元, unique per session
      const turns = [
        '你好',
        '我们是省级专精特新',
        `今年买了${investment}万设备`,
        '能补多少',
        '第19条讲什么',
        '创客中国大赛怎么奖',
        '设备补贴最多补多少',
        '那我们能补多少',
        '这个方案有效期到什么时候',
        '能补多少',
      ];
      for (const [i, question] of turns.entries()) {
        const started = performance.now();
        const response = await fetch(`${url}/v1/ask`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ question, sessionId: `load-${n}`, asOf: '2026-06-01' }),
        });
        latencies.push(performance.now() - started);
        if (response.status !== 200) {
          errors.push(`session ${n} turn ${i}: HTTP ${response.status}`);
          continue;
        }
        const body = (await response.json()) as { calculations: { amountYuan: number }[] };
        if (question.includes('能补多少')) {
          const amount = body.calculations[0]?.amountYuan;
          if (amount !== investment * 1000) errors.push(`session ${n} turn ${i}: expected ${investment * 1000}, got ${amount}`);
        }
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: 200 }, (_, n) => session(n)));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((x, y) => x - y);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    console.log(
      `load: 2,000 answers in ${seconds.toFixed(1)} s (${(2000 / seconds).toFixed(0)}/s), p50 ${p(0.5).toFixed(1)} ms, p95 ${p(0.95).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms`,
    );
    expect(errors).toEqual([]);
    expect(latencies).toHaveLength(2000);
  }, 180_000);
});
