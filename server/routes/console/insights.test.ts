import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CONSOLE_SESSION_COOKIE } from '../../plugins/auth.js';
import { buildTestApp } from '../../testing/build-test-app.js';
import { InsightsBody } from '../../schemas.js';

const TOKEN = 'insights-token-0123456789';
const HOSTILE = '<img src=x onerror=alert(1)> 明天股市怎么样';

let app: FastifyInstance;
let cookie: string;
beforeAll(async () => {
  app = await buildTestApp({ env: { CONSOLE_TOKEN: TOKEN } });
  const signIn = await app.inject({ method: 'POST', url: '/v1/staff/session', payload: { token: TOKEN } });
  cookie = `${CONSOLE_SESSION_COOKIE}=${signIn.cookies.find((c) => c.name === CONSOLE_SESSION_COOKIE)!.value}`;
});
afterAll(async () => app.close());

const ask = async (question: string, channel = 'console') => {
  const response = await app.inject({ method: 'POST', url: '/v1/ask', payload: { question, channel } });
  expect(response.statusCode).toBe(200);
  return response.json() as { kind: string; answerId: string };
};
const insights = (query = '') => app.inject({ method: 'GET', url: `/v1/staff/insights${query}`, headers: { cookie } });

describe('GET /v1/staff/insights', () => {
  it('lists the most asked questions, the unanswered ones with their reason, and unhelpful answers with comments', async () => {
    for (let i = 0; i < 3; i++) await ask('我们是省级专精特新，买了500万设备，市里能补多少？');
    await ask('创客中国一等奖能奖多少？', 'wechat');
    const weather = await ask('明天郑州天气怎么样');
    expect(weather.kind).toBe('out_of_scope');
    await ask(HOSTILE);
    const lookup = await ask('第19条讲的是什么？');
    const feedback = await app.inject({
      method: 'POST',
      url: '/v1/feedback',
      payload: { answerId: lookup.answerId, helpful: false, comment: '想知道怎么申报 <b>流程</b>' },
    });
    expect(feedback.statusCode).toBe(200);

    const response = await insights();
    expect(response.statusCode).toBe(200);
    const body = InsightsBody.parse(response.json());
    // The default period ends on the service's today (its clock), not the machine's.
    expect(body.to).toBe('2026-06-01');
    expect(body.from < body.to).toBe(true);
    expect(body.topQuestions[0]).toEqual({
      question: '我们是省级专精特新，买了500万设备，市里能补多少？',
      count: 3,
      lastKind: 'calculation',
    });
    expect(body.unanswered.map((u) => u.question)).toEqual(expect.arrayContaining(['明天郑州天气怎么样', HOSTILE]));
    const weatherRow = body.unanswered.find((u) => u.question === '明天郑州天气怎么样')!;
    expect(weatherRow).toMatchObject({
      id: weather.answerId,
      channel: 'console',
      reason: expect.stringMatching(/^(other_topic|no_clause|out_of_scope)$/),
    });
    expect(body.unanswered.some((u) => u.question.startsWith('创客中国'))).toBe(false);
    expect(body.unhelpful).toEqual([
      expect.objectContaining({
        answerId: lookup.answerId,
        question: '第19条讲的是什么？',
        kind: 'lookup',
        comment: '想知道怎么申报 <b>流程</b>',
      }),
    ]);
  });

  it('returns user text as JSON strings, exactly as asked: escaping for display is the page’s job', async () => {
    const response = await insights();
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.json().topQuestions.map((q: { question: string }) => q.question)).toContain(HOSTILE);
    expect(response.body).not.toContain('&lt;img');
  });

  it('counts only the chosen period (China dates), and limits the rows', async () => {
    const past = InsightsBody.parse((await insights('?from=2020-01-01&to=2020-01-31')).json());
    expect(past).toEqual({ from: '2020-01-01', to: '2020-01-31', topQuestions: [], unanswered: [], unhelpful: [] });
    const today = '2026-06-01';
    const one = InsightsBody.parse((await insights(`?from=${today}&to=${today}&limit=1`)).json());
    expect(one.topQuestions).toHaveLength(1);
    expect(one.unanswered).toHaveLength(1);
  });

  it.each([
    ['?from=2026-02-30', '不是有效日期'],
    ['?to=2026/06/01', 'YYYY-MM-DD'],
    ['?from=2026-06-02&to=2026-06-01', '晚于'],
    ['?limit=0', 'limit'],
    ['?days=7', '不支持的字段'],
  ])('refuses %s with 400 and a message', async (query, message) => {
    const response = await insights(query);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain(message);
  });

  it('is refused without a session', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/staff/insights' });
    expect(response.statusCode).toBe(401);
  });
});
