import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { types } from 'wechaty';
import { buildTestApp } from '../../server/testing/build-test-app.js';
import { DEFAULT_HOTLINE } from './config.js';
import { charLength } from './reply-format.js';
import { closedPort, startMockWechat, type MockWechat } from './testing/mock-wechat.js';

/**
 * The bot end to end: a real Wechaty on Wechaty's mock puppet, with the plugin installed, talking to the
 * real advisor service on a local port.
 */
let app: FastifyInstance;
let advisorUrl: string;
const running: MockWechat[] = [];

beforeAll(async () => {
  app = await buildTestApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  advisorUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await app.close();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()));
});

async function wechat(options: Parameters<typeof startMockWechat>[0] = {}) {
  const w = await startMockWechat({ advisorUrl, ...options });
  running.push(w);
  return w;
}

describe('private chat', () => {
  it('carries a three-turn calculation to the amount, then offers and shows the clause, and takes feedback', async () => {
    const w = await wechat();
    const boss = w.contact('王总');
    const first = await w.say(boss, '我们是省级专精特新');
    const second = await w.say(boss, '买了400万设备');
    const third = await w.say(boss, '能补多少');
    for (const turn of [first, second, third]) expect(turn.length).toBeGreaterThan(0);
    // The amount exactly as the service computed it, in the conclusion, and the whole answer in one bubble.
    expect(third[0]).toContain('40万元');
    expect(third).toHaveLength(1);
    // The basis is offered, not pasted: the formula and the clause come with "1".
    expect(third.at(-1)).toContain('回复 1 看依据');
    expect(third.join('\n')).not.toContain('4,000,000 × 10%');

    const basis = (await w.say(boss, '1')).join('\n');
    expect(basis).toContain('4,000,000 × 10% = 400,000');
    expect(basis).toContain('以主管部门审核为准');
    expect(basis).toMatch(/《郑州市专精特新企业三年倍增行动方案（2024—2026年）》三（一）1：\n1\.支持企业加大研发投入/);

    expect(await w.say(boss, '有用')).toEqual(['感谢您的反馈！']);
    expect(await w.say(boss, '有用')).toEqual(['这条答复您已经评价过了，谢谢！']);
  });

  it('回复 2 turns a look-up into a calculation the service leads, one question at a time', async () => {
    const w = await wechat();
    const boss = w.contact('韩总');
    const lookup = await w.say(boss, '创客中国大赛获奖有什么奖励');
    expect(lookup.at(-1)).toContain('回复 2 计算补贴');
    const question = (await w.say(boss, '2')).join('\n');
    expect(question).toContain('获得了几等奖');
    expect(question).not.toContain('回复 1');
    expect((await w.say(boss, '一等奖')).join('\n')).toContain('5万元');
  });

  it('answers 人工 with the hotline from configuration', async () => {
    const w = await wechat({ hotline: '0371-12345678（工作日 9:00-17:00）' });
    const boss = w.contact('李经理');
    expect(await w.say(boss, '人工')).toEqual(['如需人工咨询，请拨打热线 0371-12345678（工作日 9:00-17:00）。']);
  });

  it('explains in one line that it reads only text: image, voice, file, link, mini-program card', async () => {
    const w = await wechat();
    const boss = w.contact('赵总');
    const kinds: [types.Message, string][] = [
      [types.Message.Image, '图片'],
      [types.Message.Audio, '语音'],
      [types.Message.Attachment, '文件'],
      [types.Message.Url, '链接'],
      [types.Message.MiniProgram, '小程序卡片'],
    ];
    for (const [type, name] of kinds) {
      const before = w.replies(boss).length;
      w.sendNonText(boss, type);
      const replies = await w.waitForReplies(boss, before + 1);
      const reply = replies.at(-1)!;
      expect(reply).toContain(`我暂时看不懂${name}`);
      expect(reply).not.toContain('\n');
    }
  });

  it('ignores official accounts and its own messages', async () => {
    const w = await wechat();
    const account = w.contact('某某服务号', types.Contact.Official);
    account.say('本周政策速递').to(w.self);
    await w.waitFor(
      () => w.events.some((e) => e.type === 'ignored' && e.reason === 'official-account'),
      'the official account to be ignored',
    );
    expect(w.replies(account)).toEqual([]);
    // Every bubble the bot sent came back to it as a self message and was ignored, not answered.
    const boss = w.contact('孙总');
    await w.say(boss, '你好');
    await w.waitFor(() => w.events.some((e) => e.type === 'ignored' && e.reason === 'self'), 'its own message to be ignored');
    expect(w.events.filter((e) => e.type === 'handled')).toHaveLength(1);
  });

  it('limits each person per minute with one polite reply, then stays quiet until the minute passes', async () => {
    let clock = 1_000_000;
    const w = await wechat({ rateLimitPerMinute: 2, now: () => clock });
    const boss = w.contact('周总');
    for (let i = 0; i < 4; i++) boss.say('你好').to(w.self);
    await w.waitFor(() => w.events.filter((e) => e.type === 'handled').length === 4, 'four messages handled');
    const sent = w.events.reduce((n, e) => n + (e.type === 'handled' ? e.sent : 0), 0);
    const replies = await w.waitForReplies(boss, sent);
    const polite = replies.filter((r) => r.includes('您发得有点快'));
    expect(polite).toHaveLength(1);
    expect(polite[0]).toContain(DEFAULT_HOTLINE);
    expect(replies.filter((r) => r.startsWith('您好'))).toHaveLength(2);
    expect(w.events.filter((e) => e.type === 'rate-limited').map((e) => e.type === 'rate-limited' && e.replied)).toEqual([true, false]);

    clock += 61_000;
    expect((await w.say(boss, '你好'))[0]).toMatch(/^您好/);
  });
});

describe('group chat', () => {
  it('answers only when @-mentioned or addressed with the prefix, and @-mentions the asker', async () => {
    const w = await wechat();
    const boss = w.contact('钱总');
    const other = w.contact('吴会计');
    const room = w.room('专精特新企业交流群', [boss, other]);

    other.say('我们买了设备，能补多少？').to(room);
    await w.waitFor(
      () => w.events.some((e) => e.type === 'ignored' && e.reason === 'not-addressed'),
      'the unaddressed message to be ignored',
    );
    expect(w.replies(room)).toEqual([]);

    const mentioned = await w.say(boss, '创客中国大赛获奖有什么奖励', { room, mention: true });
    expect(mentioned[0]).toMatch(/^@钱总/);
    expect(mentioned.join('\n')).toContain('5万元');

    const prefixed = await w.say(other, '政策助手，人工', { room });
    expect(prefixed).toHaveLength(1);
    expect(prefixed[0]).toMatch(/^@吴会计.*如需人工咨询/);
  });

  it('keeps a separate session per person in the same room', async () => {
    const w = await wechat();
    const boss = w.contact('郑总');
    const other = w.contact('冯总');
    const room = w.room('园区企业群', [boss, other]);
    await w.say(boss, '我们买了设备，能补多少？', { room, mention: true });
    await w.say(boss, '省级专精特新', { room, mention: true });
    // The other member's "400万" does not complete 郑总's calculation.
    const others = await w.say(other, '400万', { room, mention: true });
    expect(others.join('\n')).not.toContain('40万元');
    const own = await w.say(boss, '400万', { room, mention: true });
    expect(own.join('\n')).toContain('40万元');
  });

  it('stays out of rooms that are not on the allow-list', async () => {
    const w = await wechat({ roomAllowlist: '企业服务群' });
    const boss = w.contact('陈总');
    const listed = w.room('企业服务群', [boss]);
    const unlisted = w.room('同学群', [boss]);
    boss.say('@政策助手机器人 你好', [w.self]).to(unlisted);
    await w.waitFor(() => w.events.some((e) => e.type === 'ignored' && e.reason === 'room-not-allowed'), 'the unlisted room to be ignored');
    expect(w.replies(unlisted)).toEqual([]);
    expect((await w.say(boss, '你好', { room: listed, mention: true }))[0]).toContain('您好');
  });
});

describe('replies that fit WeChat', () => {
  it('splits a long answer into bubbles under the configured size, never inside a figure', async () => {
    const w = await wechat({ bubbleMaxChars: 80 });
    const boss = w.contact('褚总');
    await w.say(boss, '我们是省级专精特新，买了500万设备，市里能补多少？');
    // The basis behind the answer is long: it is what has to be split.
    const bubbles = await w.say(boss, '1');
    expect(bubbles.length).toBeGreaterThan(3);
    for (const b of bubbles) expect(charLength(b)).toBeLessThanOrEqual(80);
    expect(bubbles.join('')).toContain('5,000,000 × 10%');
    for (const figure of ['5,000,000', '500,000', '2,000,000', '1,000,000 元', '400-110-9001']) {
      if (bubbles.join('').includes(figure.replace(/\s/g, ''))) expect(bubbles.some((b) => b.includes(figure))).toBe(true);
    }
    for (let i = 1; i < bubbles.length; i++) {
      expect(`${bubbles[i - 1]!.slice(-1)}|${bubbles[i]!.slice(0, 1)}`).not.toMatch(/[0-9]\|[0-9,.万元%]/);
    }
  });

  it('asks the service’s follow-up questions one at a time', async () => {
    const w = await wechat();
    const boss = w.contact('卫总');
    const ask = await w.say(boss, '我们买了设备，能补多少？');
    const text = ask.join('\n');
    expect(text).toContain('贵企业目前持有哪一级专精特新资质');
    expect(text).not.toContain('是多少？');
    const next = (await w.say(boss, '省级专精特新')).join('\n');
    expect(next).toContain('实际投资（税后）是多少');
    expect((await w.say(boss, '400万')).join('\n')).toContain('40万元');
  });
});

describe('when the service is down', () => {
  it('apologises with the hotline on every message and keeps running', async () => {
    const w = await wechat({ advisorUrl: `http://127.0.0.1:${await closedPort()}` });
    const boss = w.contact('蒋总');
    for (const question of ['能补多少', '创客中国怎么奖励']) {
      const replies = await w.say(boss, question);
      expect(replies).toEqual([`抱歉，政策咨询服务暂时无法响应，请稍后再试。如需帮助，请拨打人工热线 ${DEFAULT_HOTLINE}。`]);
    }
    expect(w.events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.error.code)).toEqual([
      'advisor_unavailable',
      'advisor_unavailable',
    ]);
    // Commands that need no service still work.
    expect((await w.say(boss, '人工'))[0]).toContain(DEFAULT_HOTLINE);
  });
});
