import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBotLoad, serviceRefusals } from '../../bench/bot-load.js';
import { generateChannelKey, hashChannelKey } from '../../server/channels/channel-keys.js';
import { buildTestApp } from '../../server/testing/build-test-app.js';

/**
 * A small run of bench/bot-load.ts (the figures in BENCHMARKS.md come from the full one): the real bot on the
 * mock puppet, the real service with a per-IP limit far below what the bot's users send together.
 */
const KEY = generateChannelKey();
let app: FastifyInstance;
let advisorUrl: string;

beforeAll(async () => {
  app = await buildTestApp({ env: { CHANNEL_KEYS: `wechat-bot:${hashChannelKey(KEY)}`, RATE_LIMIT_PER_MINUTE: '10' } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  advisorUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => app.close());

describe('the bot at load, with a channel key', () => {
  it('20 users × 3 messages: no refusals, every amount right, though their total is six times the per-IP limit', async () => {
    const result = await runBotLoad({
      advisorUrl,
      channelKey: KEY,
      expectationKey: KEY,
      users: 20,
      messages: 3,
      windowMs: 2000,
      bubbleDelayMs: 0,
    });
    expect(result.errors).toEqual([]);
    expect(result.refusals).toBe(0);
    expect(result.wrongAmounts).toEqual([]);
    expect(result.amountChecks).toBe(40);
    expect(result.conversationsRight).toBe(20);
    expect(result.serviceLatency.count).toBe(60);
    expect(await serviceRefusals(advisorUrl)).toBe(0);
  }, 60_000);

  it('the same users through a bot without a key share one IP’s limit, and most are refused', async () => {
    const result = await runBotLoad({ advisorUrl, expectationKey: KEY, users: 20, messages: 3, windowMs: 2000, bubbleDelayMs: 0 });
    expect(result.refusals).toBeGreaterThan(40);
    expect(await serviceRefusals(advisorUrl, 'anonymous')).toBe(result.refusals);
  }, 60_000);
});
