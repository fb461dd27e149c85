import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { generateChannelKey, hashChannelKey } from '../../server/channels/channel-keys.js';
import { buildTestApp } from '../../server/testing/build-test-app.js';
import { createAdvisorClient, endUserId } from './advisor-client.js';
import { DEFAULT_HOTLINE, loadBotConfig } from './config.js';
import { BotError } from './errors.js';
import { startMockWechat, type MockWechat } from './testing/mock-wechat.js';

const KEY = generateChannelKey();

describe('ADVISOR_KEY', () => {
  it('is read from the environment, and a bad one is refused without repeating it', () => {
    expect(loadBotConfig({}, { ADVISOR_KEY: KEY }).advisorKey).toBe(KEY);
    expect(loadBotConfig({}, {}).advisorKey).toBeUndefined();
    const bad = 'ck_short key';
    expect(() => loadBotConfig({}, { ADVISOR_KEY: bad })).toThrow(BotError);
    expect(() => loadBotConfig({}, { ADVISOR_KEY: bad })).toThrow(/ADVISOR_KEY: must be the channel key printed by npm run channel:key/);
    expect(() => loadBotConfig({}, { ADVISOR_KEY: bad })).not.toThrow(/short key/);
  });
});

describe('the advisor client with a channel key', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });
  async function recorder(status = 200, body: unknown = { ok: true }): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
  }

  it('sends the key as a bearer token and the WeChat user only as a keyed hash', async () => {
    const { url, seen } = await recorder();
    const client = createAdvisorClient({ baseUrl: url, timeoutMs: 2000, channelKey: KEY });
    await client.feedback({ answerId: 'a1', helpful: true }, { wechatId: 'wxid_abc123' });
    await client.feedback({ answerId: 'a2', helpful: true }, { wechatId: 'wxid_abc123' });
    await client.feedback({ answerId: 'a3', helpful: true }, { wechatId: 'wxid_other' });
    expect(seen[0]!.authorization).toBe(`Bearer ${KEY}`);
    expect(seen[0]!['x-end-user']).toBe(endUserId(KEY, 'wxid_abc123'));
    expect(seen[0]!['x-end-user']).toMatch(/^wx-[A-Za-z0-9_-]{43}$/);
    expect(seen[0]!['x-end-user']).not.toContain('abc123');
    // Stable per user, different between users and between keys.
    expect(seen[1]!['x-end-user']).toBe(seen[0]!['x-end-user']);
    expect(seen[2]!['x-end-user']).not.toBe(seen[0]!['x-end-user']);
    expect(endUserId(generateChannelKey(), 'wxid_abc123')).not.toBe(seen[0]!['x-end-user']);
  });

  it('sends neither header without a key', async () => {
    const { url, seen } = await recorder();
    await createAdvisorClient({ baseUrl: url, timeoutMs: 2000 }).feedback({ answerId: 'a1', helpful: true }, { wechatId: 'wxid_abc123' });
    expect(seen[0]!.authorization).toBeUndefined();
    expect(seen[0]!['x-end-user']).toBeUndefined();
  });

  it('reports a refused key as the service being unavailable, naming ADVISOR_KEY for whoever reads the log', async () => {
    const { url } = await recorder(401, { error: { code: 'invalid_channel_key', message: '渠道密钥无效' } });
    const result = await createAdvisorClient({ baseUrl: url, timeoutMs: 2000, channelKey: KEY }).ask({ question: '你好' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('advisor_unavailable');
    expect(result.error.message).toMatch(/HTTP 401.*ADVISOR_KEY.*CHANNEL_KEYS.*渠道密钥无效/);
  });
});

describe('the bot and the service, keyed', () => {
  let app: FastifyInstance;
  let advisorUrl: string;
  const running: MockWechat[] = [];
  afterAll(async () => {
    for (const w of running) await w.stop();
    await app?.close();
  });
  const wechat = async (advisorKey: string) => {
    const w = await startMockWechat({ advisorUrl, advisorKey });
    running.push(w);
    return w;
  };

  it('limits one WeChat user at the service without touching the others, and a wrong key gets the apology', async () => {
    app = await buildTestApp({
      env: { CHANNEL_KEYS: `wechat-bot:${hashChannelKey(KEY)}`, RATE_LIMIT_PER_MINUTE: '2', CHANNEL_END_USER_LIMIT_PER_MINUTE: '2' },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    advisorUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const w = await wechat(KEY);
    const busy = w.contact('忙碌的王总');
    const others = ['李总', '赵总', '钱总'].map((name) => w.contact(name));
    expect((await w.say(busy, '创客中国大赛一等奖能奖多少')).join('\n')).toContain('5万元');
    expect((await w.say(busy, '创客中国大赛二等奖能奖多少')).join('\n')).toContain('3万元');
    // The service's per-user limit (2 a minute) refuses the third; the bot says the service is busy.
    expect((await w.say(busy, '创客中国大赛三等奖能奖多少')).join('\n')).toContain('现在咨询的人比较多');
    // Three more people from the same bot, well past the per-IP limit of 2: all answered.
    for (const other of others) expect((await w.say(other, '创客中国大赛一等奖能奖多少')).join('\n')).toContain('5万元');
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('advisor_rate_limited_total{key="wechat-bot",scope="end_user"} 1');
    expect(metrics).toContain('advisor_rate_limited_total{key="wechat-bot",scope="key"} 0');

    const wrong = await wechat(generateChannelKey());
    const boss = wrong.contact('孙总');
    expect(await wrong.say(boss, '能补多少')).toEqual([
      `抱歉，政策咨询服务暂时无法响应，请稍后再试。如需帮助，请拨打人工热线 ${DEFAULT_HOTLINE}。`,
    ]);
    const error = wrong.events.find((e) => e.type === 'error');
    expect(error?.type === 'error' && error.error.message).toMatch(/ADVISOR_KEY/);
  }, 60_000);
});
