import { describe, expect, it } from 'vitest';
import type { Answer as AnswerBody, AskRequest as AskRequestBody } from './api-types.gen.js';
import type { AdvisorClient, FeedbackBody } from './advisor-client.js';
import { createConversation, parseCommand, CALCULATE_QUESTION, type BotEvent, type ConversationOptions } from './conversation.js';
import { BotError, type Result } from './errors.js';

const HOTLINE = '400-000-0000（测试）';

function answer(text: string, extra: Partial<AnswerBody> = {}): AnswerBody {
  return {
    answer: text,
    details: '',
    kind: 'lookup',
    citations: [],
    calculations: [],
    asOf: '2026-06-01',
    answerId: `id-${text}`,
    ...extra,
  };
}

/** A scripted advisor: records what it was asked; each reply may be delayed to test ordering. */
function fakeClient(reply: (request: AskRequestBody) => { result: Result<AnswerBody>; delayMs?: number }) {
  const asked: AskRequestBody[] = [];
  const feedback: FeedbackBody[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const client: AdvisorClient = {
    async ask(request) {
      asked.push(request);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const { result, delayMs = 0 } = reply(request);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      inFlight--;
      return result;
    },
    async feedback(request) {
      feedback.push(request);
      return { ok: true, value: { ok: true } };
    },
  };
  return { client, asked, feedback, maxInFlight: () => maxInFlight };
}

function setup(reply: Parameters<typeof fakeClient>[0], options: Partial<ConversationOptions> = {}) {
  const fake = fakeClient(reply);
  const events: BotEvent[] = [];
  let n = 0;
  const conversation = createConversation({
    client: fake.client,
    hotline: HOTLINE,
    bubbleMaxChars: 300,
    rateLimitPerMinute: 100,
    groupPrefix: '政策助手',
    onEvent: (e) => events.push(e),
    newSessionId: () => `s${++n}`,
    ...options,
  });
  const sent: string[] = [];
  const say = (text: string, userId = 'u1', roomId?: string) =>
    conversation.handle({ userId, text, ...(roomId ? { roomId } : {}) }, async (bubbles) => {
      sent.push(...bubbles);
    });
  return { ...fake, conversation, events, sent, say };
}

const echo = (request: AskRequestBody) => ({ result: { ok: true as const, value: answer(`答：${request.question}`) } });

describe('parseCommand', () => {
  it.each([
    ['帮助', 'help'],
    ['？', 'help'],
    [' 人工 ', 'human'],
    ['转人工！', 'human'],
    ['重新开始', 'restart'],
    ['有用', 'helpful'],
    ['没用。', 'unhelpful'],
    ['1', 'clause'],
    ['２', 'calculate'],
    ['12', undefined],
    ['人工智能有补贴吗', undefined],
  ])('%s → %s', (text, command) => {
    expect(parseCommand(text)).toBe(command);
  });
});

describe('conversation', () => {
  it('keeps one question in flight per session and answers in the order asked', async () => {
    // The first question is the slowest: without the queue its answer would come last.
    const t = setup((r) => ({ result: echo(r).result, delayMs: r.question === '甲' ? 60 : r.question === '乙' ? 30 : 0 }));
    await Promise.all([t.say('甲'), t.say('乙'), t.say('丙')]);
    expect(t.sent).toEqual(['答：甲', '答：乙', '答：丙']);
    expect(t.maxInFlight()).toBe(1);
  });

  it('lets different sessions (people, or one person in a room) proceed in parallel, each with its own sessionId', async () => {
    const t = setup((r) => ({ result: echo(r).result, delayMs: 30 }));
    await Promise.all([t.say('甲', 'u1'), t.say('乙', 'u2'), t.say('丙', 'u1', 'room1')]);
    expect(t.maxInFlight()).toBe(3);
    expect(new Set(t.asked.map((a) => a.sessionId)).size).toBe(3);
    expect(t.asked.every((a) => a.channel === 'wechat')).toBe(true);
  });

  it('重新开始 starts a new service session', async () => {
    const t = setup(echo);
    await t.say('甲');
    await t.say('重新开始');
    await t.say('乙');
    expect(t.asked.map((a) => a.sessionId)).toEqual(['s1', 's2']);
    expect(t.sent[1]).toContain('已重新开始');
  });

  it('treats a bare 1 or 2 as the answer to a pending follow-up question, and as a command otherwise', async () => {
    const t = setup((r) =>
      r.question === '能补多少'
        ? { result: { ok: true, value: answer('要测算，还需要了解：获得了几等奖？', { kind: 'clarify', followUp: ['获得了几等奖？'] }) } }
        : echo(r),
    );
    await t.say('能补多少');
    await t.say('1');
    expect(t.asked.map((a) => a.question)).toEqual(['能补多少', '1']);
    await t.say('2');
    expect(t.asked.at(-1)!.question).toBe(CALCULATE_QUESTION);
  });

  it('answers 1 and 有用 sensibly before any answer exists', async () => {
    const t = setup(echo);
    await t.say('1');
    await t.say('有用');
    expect(t.sent).toEqual(['请先提问，我会附上相关的政策原文。', '还没有可以评价的答复，请先提问。']);
    expect(t.asked).toEqual([]);
  });

  it('sends feedback for the last answer', async () => {
    const t = setup(echo);
    await t.say('甲');
    await t.say('没用');
    expect(t.feedback).toEqual([{ answerId: 'id-答：甲', helpful: false }]);
    expect(t.sent.at(-1)).toContain(HOTLINE);
  });

  it('greets an empty message and explains non-text ones', async () => {
    const t = setup(echo);
    await t.say('  ');
    await t.conversation.handle({ userId: 'u1', nonText: '语音' }, async (b) => void t.sent.push(...b));
    expect(t.sent[0]).toMatch(/^您好，请直接用文字告诉我您的问题/);
    expect(t.sent[1]).toMatch(/^我暂时看不懂语音/);
    expect(t.asked).toEqual([]);
  });

  it('refuses an over-long question without calling the service', async () => {
    const t = setup(echo);
    await t.say('问'.repeat(2001));
    expect(t.sent[0]).toContain('超过 2000 字');
    expect(t.asked).toEqual([]);
  });

  it.each([
    ['advisor_unavailable', '政策咨询服务暂时无法响应'],
    ['advisor_timeout', '政策咨询服务暂时无法响应'],
    ['advisor_busy', '咨询的人比较多'],
    ['advisor_rejected', '换个说法'],
  ] as const)('turns %s into a short reply and an error event', async (code, reply) => {
    const t = setup(() => ({ result: { ok: false, error: new BotError(code, 'boom') } }));
    await t.say('甲');
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]).toContain(reply);
    expect(t.events.find((e) => e.type === 'error')).toMatchObject({ error: { code } });
  });

  it('says something when the service answers with empty text', async () => {
    const t = setup(() => ({ result: { ok: true, value: answer('') } }));
    await t.say('甲');
    expect(t.sent[0]).toContain(HOTLINE);
  });

  it('survives a client that throws and a send that fails: errors become events, the next message is answered', async () => {
    let calls = 0;
    const events: BotEvent[] = [];
    const conversation = createConversation({
      client: {
        async ask() {
          if (++calls === 1) throw new Error('unexpected');
          return { ok: true, value: answer('好的') };
        },
        async feedback() {
          return { ok: true, value: { ok: true } };
        },
      },
      hotline: HOTLINE,
      bubbleMaxChars: 300,
      rateLimitPerMinute: 100,
      groupPrefix: '政策助手',
      onEvent: (e) => events.push(e),
    });
    const sent: string[] = [];
    await conversation.handle({ userId: 'u', text: '甲' }, async (b) => void sent.push(...b));
    await conversation.handle({ userId: 'u', text: '乙' }, async () => {
      throw new Error('WeChat refused the message');
    });
    await conversation.handle({ userId: 'u', text: '丙' }, async (b) => void sent.push(...b));
    expect(sent).toEqual([expect.stringContaining(HOTLINE), '好的']);
    expect(events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.error.code)).toEqual(['internal', 'send_failed']);
  });

  it('rate-limits per person across chats, with one polite reply per minute', async () => {
    let clock = 0;
    const t = setup(echo, { rateLimitPerMinute: 2, now: () => clock });
    await t.say('甲', 'u1');
    await t.say('乙', 'u1', 'room');
    await t.say('丙', 'u1');
    await t.say('丁', 'u1');
    await t.say('戊', 'u2');
    expect(t.sent).toEqual(['答：甲', '答：乙', expect.stringContaining('您发得有点快'), '答：戊']);
    clock = 60_000;
    await t.say('己', 'u1');
    expect(t.sent.at(-1)).toBe('答：己');
  });

  it('forgets the least recently used sessions beyond the limit', async () => {
    const t = setup(echo, { maxSessions: 2 });
    await t.say('甲', 'a');
    await t.say('乙', 'b');
    await t.say('丙', 'a');
    await t.say('丁', 'c');
    expect(t.conversation.sessionCount).toBe(2);
    await t.say('戊', 'b');
    // b was forgotten, so it starts a new session; a kept its own.
    expect(t.asked.map((x) => x.sessionId)).toEqual(['s1', 's2', 's1', 's3', 's4']);
  });
});
