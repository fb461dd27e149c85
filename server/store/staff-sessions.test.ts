import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { CONSOLE_SESSION_COOKIE } from '../plugins/auth.js';
import { buildTestApp } from '../testing/build-test-app.js';
import { redisServerAvailable, startRedis } from '../testing/redis-server.js';
import { POSTGRES_MISSING, postgresAvailable, startPostgres } from './testing/postgres-server.js';

/** Console sign-ins where every instance sees them, whichever shared store is configured. */
const TOKEN = 'staff-sessions-token-0123456789';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});
async function instance(env: Record<string, string>): Promise<FastifyInstance> {
  const app = await buildTestApp({ env: { CONSOLE_TOKEN: TOKEN, ...env } });
  cleanups.push(() => app.close());
  return app;
}

async function signIn(app: FastifyInstance): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/v1/staff/session', payload: { token: TOKEN } });
  expect(response.statusCode).toBe(200);
  return response.cookies.find((c) => c.name === CONSOLE_SESSION_COOKIE)!.value;
}
const me = (app: FastifyInstance, id: string) =>
  app.inject({ method: 'GET', url: '/v1/staff/session', headers: { cookie: `${CONSOLE_SESSION_COOKIE}=${id}` } });
const signOut = (app: FastifyInstance, id: string) =>
  app.inject({ method: 'DELETE', url: '/v1/staff/session', headers: { cookie: `${CONSOLE_SESSION_COOKIE}=${id}` } });

async function sharedBetween(a: FastifyInstance, b: FastifyInstance): Promise<string> {
  const id = await signIn(a);
  expect((await me(b, id)).statusCode).toBe(200);
  expect((await me(b, `${id}x`)).statusCode).toBe(401);
  expect((await signOut(b, id)).statusCode).toBe(200);
  expect((await me(a, id)).statusCode).toBe(401);
  return id;
}

const haveRedis = redisServerAvailable() || process.env.CI === 'true';
const havePostgres = postgresAvailable() || process.env.CI === 'true';

describe('console sign-ins', () => {
  it('survive a restart on the SQLite default (same DATA_DIR)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'staff-sqlite-'));
    const first = await buildTestApp({ env: { CONSOLE_TOKEN: TOKEN, DATA_DIR: dataDir } });
    const id = await signIn(first);
    await first.close();
    const second = await instance({ DATA_DIR: dataDir });
    expect((await me(second, id)).statusCode).toBe(200);
  });

  it.skipIf(!haveRedis)('are shared through Redis (REDIS_URL, no DATABASE_URL), stored under a hash of the id', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const [a, b] = [await instance({ REDIS_URL: redis.url }), await instance({ REDIS_URL: redis.url })];
    const id = await signIn(a);
    const client = new Redis(redis.url);
    const keys = await client.keys('advisor:staff-session:*');
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain(id);
    expect(await client.pttl(keys[0]!)).toBeGreaterThan(60_000);
    await client.quit();
    await signOut(a, id);
    await sharedBetween(a, b);
  });

  it.skipIf(!havePostgres)(`are shared through PostgreSQL (DATABASE_URL)${havePostgres ? '' : ` — ${POSTGRES_MISSING}`}`, async () => {
    const pg = await startPostgres();
    cleanups.push(() => pg.stop());
    const url = await pg.createDatabase();
    const [a, b] = [await instance({ DATABASE_URL: url }), await instance({ DATABASE_URL: url })];
    await sharedBetween(a, b);
  });
});
