import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { buildTestApp } from '../testing/build-test-app.js';
import { redisServerAvailable, startRedis } from '../testing/redis-server.js';
import { generateChannelKey, hashChannelKey } from './channel-keys.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

const BOT_KEY = generateChannelKey();
const MP_KEY = generateChannelKey();
const CHANNEL_KEYS = `bot:${hashChannelKey(BOT_KEY)},mp-backend:${hashChannelKey(MP_KEY)}`;

const apps: FastifyInstance[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});
async function app(env: Record<string, string> = {}): Promise<FastifyInstance> {
  const built = await buildTestApp({ env: { CHANNEL_KEYS, RATE_LIMIT_PER_MINUTE: '5', ...env } });
  apps.push(built);
  return built;
}

const ask = (target: FastifyInstance, headers: Record<string, string> = {}, remoteAddress = '10.9.0.1') =>
  target.inject({ method: 'POST', url: '/v1/ask', payload: { question: '你好' }, headers, remoteAddress });
const bearer = (key: string, endUser?: string) => ({ authorization: `Bearer ${key}`, ...(endUser ? { 'x-end-user': endUser } : {}) });

/** One sample of a Prometheus text exposition, or 0 when absent. */
async function metric(target: FastifyInstance, name: string, labels: Record<string, string>): Promise<number> {
  const text = (await target.inject({ url: '/metrics' })).body;
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort();
  for (const line of text.split('\n')) {
    const match = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (match[2]!.split(',').sort().join(',') === wanted.join(',')) return Number(match[3]);
  }
  return 0;
}

describe('npm run -s channel:key -- NAME', () => {
  it('prints exactly two lines: a new random key, then its CHANNEL_KEYS entry, which the service accepts', async () => {
    const { stdout } = await run('npm', ['run', '-s', 'channel:key', '--', 'wechat-bot'], { cwd: repoRoot });
    const lines = stdout.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const [key, entry] = lines as [string, string];
    expect(key).toMatch(/^ck_[A-Za-z0-9_-]{43}$/);
    expect(entry).toBe(`wechat-bot:${createHash('sha256').update(key).digest('hex')}`);

    const second = (await run('npm', ['run', '-s', 'channel:key', '--', 'wechat-bot'], { cwd: repoRoot })).stdout.split('\n')[0];
    expect(second).not.toBe(key);

    const service = await app({ CHANNEL_KEYS: entry });
    expect((await ask(service, bearer(key, 'u1'))).statusCode).toBe(200);
  }, 60_000);

  it('refuses a name that could not be a metrics label, with a message in Chinese and exit code 2', async () => {
    const failure = await run('npm', ['run', '-s', 'channel:key', '--', '微信 机器人'], { cwd: repoRoot }).catch((error) => error);
    expect(failure.code).toBe(2);
    expect(failure.stdout).toBe('');
    expect(failure.stderr).toContain('渠道名为 1 到 64 个英文字母');
  }, 60_000);
});

describe('CHANNEL_KEYS', () => {
  it.each([
    ['bot:not-a-hash', /CHANNEL_KEYS: expected name:sha256 entries/],
    [`${hashChannelKey('x')}`, /CHANNEL_KEYS: expected name:sha256 entries/],
    [`bot:${hashChannelKey('a')},bot:${hashChannelKey('b')}`, /the name "bot" appears twice/],
    [`a:${hashChannelKey('a')},b:${hashChannelKey('a')}`, /"b" has the same key as another entry/],
  ])('refuses %s at start-up, naming the variable', (value, message) => {
    expect(() => loadConfig({ CHANNEL_KEYS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ CHANNEL_KEYS: value })).toThrow(message);
  });
});

describe('channel keys', () => {
  it('refuses a wrong key with 401 and a clear message, never serving it as anonymous', async () => {
    const service = await app({ RATE_LIMIT_PER_MINUTE: '100' });
    for (const headers of [
      bearer(generateChannelKey()),
      bearer(`${BOT_KEY}x`),
      bearer(BOT_KEY.toUpperCase(), 'u1'),
      { authorization: BOT_KEY },
      { authorization: 'Bearer' },
      { authorization: `Basic ${Buffer.from('bot:secret').toString('base64')}` },
    ]) {
      const response = await ask(service, headers);
      expect(response.statusCode, JSON.stringify(headers)).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.json().error.code).toBe('invalid_channel_key');
      expect(response.json().error.message).toMatch(/渠道密钥|Authorization/);
    }
    expect((await ask(service, bearer(`${BOT_KEY}x`))).json().error.message).toContain('渠道密钥无效');
    expect((await service.inject({ url: '/metrics' })).body).toMatch(/^advisor_channel_key_rejections_total 7$/m);
  });

  it('refuses any key when none are configured', async () => {
    const service = await app({ CHANNEL_KEYS: '' });
    const response = await ask(service, bearer(BOT_KEY));
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toContain('未配置渠道密钥');
  });

  it('lets a bot serve many users from one address: the per-IP limit does not apply to its key', async () => {
    const service = await app();
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, user) =>
        Promise.all([1, 2, 3].map(() => ask(service, bearer(BOT_KEY, `wx-${user}`)).then((r) => r.statusCode))),
      ),
    );
    expect(statuses.flat().filter((s) => s !== 200)).toEqual([]);
    // The same address without the key is still limited to RATE_LIMIT_PER_MINUTE.
    const anonymous: number[] = [];
    for (let i = 0; i < 6; i++) anonymous.push((await ask(service)).statusCode);
    expect(anonymous).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('limits each end user per minute, separately from the other users of the same key, and counts the refusals', async () => {
    const service = await app({ CHANNEL_END_USER_LIMIT_PER_MINUTE: '3' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await ask(service, bearer(BOT_KEY, 'busy-user'))).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await ask(service, bearer(BOT_KEY, 'busy-user'));
    expect(refused.json().error).toMatchObject({ code: 'rate_limited' });
    expect(refused.json().error.message).toMatch(/这位用户的请求过于频繁（每分钟最多 3 次），请 \d+ 秒后再试/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await ask(service, bearer(BOT_KEY, 'quiet-user'))).statusCode).toBe(200);
    // The same end-user id under another key is another person.
    expect((await ask(service, bearer(MP_KEY, 'busy-user'))).statusCode).toBe(200);
    expect(await metric(service, 'advisor_rate_limited_total', { key: 'bot', scope: 'end_user' })).toBe(3);
    expect(await metric(service, 'advisor_rate_limited_total', { key: 'mp-backend', scope: 'end_user' })).toBe(0);
    expect((await service.inject({ url: '/metrics' })).body).toContain('advisor_rate_limited_total{key="mp-backend",scope="key"} 0');
  });

  it('limits a key in total (CHANNEL_KEY_LIMIT_PER_MINUTE), with or without end users, per key', async () => {
    const service = await app({ CHANNEL_KEY_LIMIT_PER_MINUTE: '4' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await ask(service, bearer(BOT_KEY, `user-${i}`))).statusCode);
    statuses.push((await ask(service, bearer(BOT_KEY))).statusCode);
    statuses.push((await ask(service, bearer(BOT_KEY, 'user-9'))).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const refused = await ask(service, bearer(BOT_KEY, 'user-10'));
    expect(refused.json().error.message).toMatch(/渠道 bot 的请求总量已达上限（每分钟 4 次），请 \d+ 秒后再试/);
    expect((await ask(service, bearer(MP_KEY, 'user-0'))).statusCode).toBe(200);
    expect(await metric(service, 'advisor_rate_limited_total', { key: 'bot', scope: 'key' })).toBe(2);
    expect(await metric(service, 'advisor_rate_limited_total', { key: 'bot', scope: 'end_user' })).toBe(0);
  });

  it.each([
    ['x'.repeat(129), 400, '收到 129 个字符'],
    ['', 400, '收到 0 个字符'],
    ['微信用户', 400, '可见的 ASCII 字符'],
    ['with space', 400, '可见的 ASCII 字符'],
    ['x'.repeat(128), 200, undefined],
    ['sha256:0f3a-_.~!', 200, undefined],
  ])('checks X-End-User %j: %i', async (endUser, status, message) => {
    const service = await app();
    const response = await service.inject({
      method: 'POST',
      url: '/v1/ask',
      payload: { question: '你好' },
      // As it would arrive over HTTP: header bytes read as Latin-1.
      headers: { authorization: `Bearer ${BOT_KEY}`, 'x-end-user': Buffer.from(endUser, 'utf8').toString('latin1') },
    });
    expect(response.statusCode).toBe(status);
    if (message) {
      expect(response.json().error.code).toBe('invalid_end_user');
      expect(response.json().error.message).toContain(message);
    }
  });

  it('ignores X-End-User from anonymous callers: rotating it does not escape the per-IP limit', async () => {
    const service = await app({ RATE_LIMIT_PER_MINUTE: '2' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await ask(service, { 'x-end-user': `rotating-${i}` }, '10.9.9.9')).statusCode);
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(await metric(service, 'advisor_rate_limited_total', { key: 'anonymous', scope: 'ip' })).toBe(2);
  });

  it('on the OpenAI-compatible route, takes an API key that is not a channel key as an anonymous caller’s placeholder', async () => {
    const service = await app({ RATE_LIMIT_PER_MINUTE: '2' });
    const chat = (authorization: string) =>
      service.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: { model: 'advisor', messages: [{ role: 'user', content: '创客中国一等奖能奖多少？' }] },
        headers: { authorization },
        remoteAddress: '10.9.8.8',
      });
    // OpenAI client libraries always send one; a chat front-end's placeholder is not a wrong channel key.
    expect((await chat('Bearer sk-placeholder')).statusCode).toBe(200);
    expect((await chat('Bearer unused')).statusCode).toBe(200);
    expect((await chat('Bearer unused')).statusCode).toBe(429);
    // A channel key is still a channel key there: a wrong one is refused, a right one is counted as its channel.
    expect((await chat(`Bearer ${generateChannelKey()}`)).statusCode).toBe(401);
    expect((await chat(`Bearer ${BOT_KEY}`)).statusCode).toBe(200);
    // Elsewhere, any token that is not a known key is refused.
    expect((await ask(service, { authorization: 'Bearer sk-placeholder' })).statusCode).toBe(401);
  });

  it('leaves health checks and metrics alone, whatever Authorization says', async () => {
    const service = await app();
    for (const url of ['/healthz', '/readyz', '/metrics']) {
      expect((await service.inject({ url, headers: bearer('wrong') })).statusCode).toBe(200);
    }
  });
});

// In CI redis-server is installed by .ci/run; only a developer machine without it may skip.
const haveRedis = redisServerAvailable() || process.env.CI === 'true';

describe.skipIf(!haveRedis)('channel limits shared through Redis', () => {
  it('counts an end user and a key across two instances', async () => {
    const redis = await startRedis();
    try {
      const env = { REDIS_URL: redis.url, CHANNEL_END_USER_LIMIT_PER_MINUTE: '3', CHANNEL_KEY_LIMIT_PER_MINUTE: '7' };
      const [a, b] = [await buildTestApp({ env: { CHANNEL_KEYS, ...env } }), await buildTestApp({ env: { CHANNEL_KEYS, ...env } })];
      const users: number[] = [];
      for (let i = 0; i < 4; i++) users.push((await ask(i % 2 ? a : b, bearer(BOT_KEY, 'shared-user'))).statusCode);
      expect(users).toEqual([200, 200, 200, 429]);
      const total: number[] = [];
      for (let i = 0; i < 5; i++) total.push((await ask(i % 2 ? b : a, bearer(BOT_KEY, `other-${i}`))).statusCode);
      // 3 + 1 refused earlier (the refused one never reached the key's count) + 4 more = 7, then refused.
      expect(total).toEqual([200, 200, 200, 200, 429]);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await redis.stop();
    }
  });
});
