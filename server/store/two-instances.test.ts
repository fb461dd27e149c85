import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_SESSION_COOKIE } from '../plugins/auth.js';
import { redisServerAvailable, startRedis } from '../testing/redis-server.js';
import { spawnServer, type SpawnedServer } from '../testing/spawn-server.js';
import { POSTGRES_MISSING, postgresAvailable, startPostgres } from './testing/postgres-server.js';

/**
 * Two service processes behind one load balancer, as README.md → 多实例部署 sets them up: sessions and
 * limits in Redis, the record (Q&A log, feedback, console sign-ins) in PostgreSQL. Each process has its own
 * DATA_DIR, so nothing is shared through the file system.
 */
const TOKEN = 'two-instances-token-0123456789';

// In CI redis-server and PostgreSQL are installed by .ci/run; only a developer machine without them may skip.
const ready = (redisServerAvailable() && postgresAvailable()) || process.env.CI === 'true';
const title = `two instances on Redis + PostgreSQL${ready ? '' : ` — ${POSTGRES_MISSING}, or no redis-server`}`;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe.skipIf(!ready)(title, () => {
  let databaseUrl: string;
  let a: SpawnedServer;
  let b: SpawnedServer;

  beforeAll(async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const pg = await startPostgres();
    cleanups.push(() => pg.stop());
    databaseUrl = await pg.createDatabase();
    const distDir = mkdtempSync(path.join(tmpdir(), 'kb-two-'));
    const start = async () => {
      const server = await spawnServer({
        REDIS_URL: redis.url,
        DATABASE_URL: databaseUrl,
        CONSOLE_TOKEN: TOKEN,
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'data-two-')),
        KNOWLEDGE_DIST_DIR: distDir,
        RATE_LIMIT_PER_MINUTE: '100000',
      });
      cleanups.push(() => server.stop('SIGKILL'));
      return server;
    };
    a = await start();
    b = await start();
    for (const server of [a, b]) expect(server.lines.join('\n')).toMatch(/"store":"postgres".*Q&A log opened/);
  }, 180_000);

  const post = (server: SpawnedServer, url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const ask = async (server: SpawnedServer, question: string, sessionId: string) => {
    const response = await post(server, '/v1/ask', { question, sessionId });
    expect(response.status).toBe(200);
    return (await response.json()) as { answerId: string; kind: string; calculations: { amountYuan: number; ruleId?: string }[] };
  };
  const signIn = async (server: SpawnedServer) => {
    const response = await post(server, '/v1/staff/session', { token: TOKEN });
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${CONSOLE_SESSION_COOKIE}=`))!;
    return cookie.split(';')[0]!;
  };
  const staff = (server: SpawnedServer, cookie: string, url = '/v1/staff/insights', method = 'GET') =>
    fetch(`${server.url}${url}`, { method, headers: { cookie } });

  it('a console sign-in made on A is valid on B, and signing out on B ends it on A', async () => {
    const cookie = await signIn(a);
    const onB = await staff(b, cookie, '/v1/staff/session');
    expect(onB.status).toBe(200);
    expect(((await onB.json()) as { via: string }).via).toBe('token');
    expect((await staff(b, cookie, '/v1/staff/session', 'DELETE')).status).toBe(200);
    const afterSignOut = await staff(a, cookie);
    expect(afterSignOut.status).toBe(401);
    expect(((await afterSignOut.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('a question asked through A, and the feedback on it, appear in B’s console insights', async () => {
    const question = `明天郑州天气怎么样？（两实例测试 ${Date.now()}）`;
    const answer = await ask(a, question, 'two-insights');
    expect(answer.kind).toBe('out_of_scope');
    const lookup = await ask(a, '第19条讲的是什么？', 'two-insights-2');
    expect((await post(a, '/v1/feedback', { answerId: lookup.answerId, helpful: false, comment: '想看申报流程' })).status).toBe(200);

    const cookie = await signIn(b);
    const response = await staff(b, cookie);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      topQuestions: { question: string }[];
      unanswered: { id: string; question: string }[];
      unhelpful: { answerId: string; comment: string | null }[];
    };
    expect(body.topQuestions.map((q) => q.question)).toContain(question);
    expect(body.unanswered).toContainEqual(expect.objectContaining({ id: answer.answerId, question }));
    expect(body.unhelpful).toContainEqual(expect.objectContaining({ answerId: lookup.answerId, comment: '想看申报流程' }));
    // Feedback on an answer A gave can be sent through B: the record is one.
    expect((await post(b, '/v1/feedback', { answerId: answer.answerId, helpful: true })).status).toBe(200);
  });

  it('A killed mid-conversation: B finishes it, and every answer A sent is on record', async () => {
    // The amount the calculator gives for these facts, so the test does not restate the policy.
    const calculation = await post(b, '/v1/calculate', { facts: { level: 'provincial', investmentYuan: 4_000_000 } });
    const expected = ((await calculation.json()) as { results: { ruleId: string; amountYuan: number }[] }).results.find(
      (r) => r.ruleId === 'equipment-software-subsidy',
    )!.amountYuan;
    expect(expected).toBeGreaterThan(0);

    await ask(a, '我们是省级专精特新', 'two-kill');
    await ask(a, '买了400万设备', 'two-kill');
    // Other callers keep A busy, so it dies with answers in flight.
    const acknowledged: string[] = [];
    let stop = false;
    const worker = async (n: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const response = await post(a, '/v1/ask', {
            question: `我们是国家级小巨人，买了${300 + n * 10 + (i % 9)}万设备，能补多少`,
            sessionId: `busy-${n}`,
          });
          if (response.status === 200) acknowledged.push(((await response.json()) as { answerId: string }).answerId);
        } catch {
          return; // A is gone
        }
      }
    };
    const workers = Array.from({ length: 6 }, (_, n) => worker(n));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await a.stop('SIGKILL');
    stop = true;
    await Promise.all(workers);
    expect(acknowledged.length).toBeGreaterThan(10);

    const last = await ask(b, '能补多少', 'two-kill');
    expect(last.kind).toBe('calculation');
    expect(last.calculations[0]!.amountYuan).toBe(expected);

    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const stored = new Set((await sql<{ id: string }[]>`SELECT id FROM asks WHERE id = ANY(${acknowledged}::text[])`).map((r) => r.id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      const [finished] = await sql<{ n: number }[]>`SELECT COUNT(*)::int AS n FROM asks WHERE session_id = 'two-kill'`;
      expect(finished!.n).toBe(3);
    } finally {
      await sql.end({ timeout: 1 });
    }
  }, 120_000);
});
