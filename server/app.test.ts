import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Answer } from './schemas.js';
import { buildTestApp } from './testing/build-test-app.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => app.close());

const ask = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/ask', payload: payload as object });

describe('POST /v1/ask', () => {
  it('answers a calculation with the amount, its formula and the cited clause, in the public contract', async () => {
    const response = await ask({ question: '我们是省级专精特新，买了500万设备，市里能补多少？', asOf: '2026-06-01' });
    expect(response.statusCode).toBe(200);
    const body = Answer.parse(response.json());
    expect(body.kind).toBe('calculation');
    expect(body.calculations).toEqual([
      expect.objectContaining({
        ruleId: 'equipment-software-subsidy',
        eligible: true,
        amountYuan: 500_000,
        formula: '5,000,000 × 10% = 500,000（上限 2,000,000）',
      }),
    ]);
    expect(body.citations).toEqual([expect.objectContaining({ docId: 'zhengzhou-srdi-2024', clauseId: 'item-1', label: '三（一）1' })]);
    expect(body.citations[0]!.quote).toContain('最高不超过200万元');
    expect(body.answer.split('\n')[0]).toContain('50万元');
    // The answer is short; the formula, conditions and the caveat are in details.
    expect(body.details).toContain('以主管部门审核为准');
    expect(body.details).toContain('5,000,000 × 10%');
    expect(body.answerId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('uses asOf for what-if dates: after 2026 the plan has expired and no amount is given', async () => {
    const body = (await ask({ question: '我们是省级专精特新，买了500万设备，市里能补多少？', asOf: '2027-01-15' })).json();
    expect(body.kind).toBe('lookup');
    expect(body.calculations[0].amountYuan).toBe(0);
    expect(body.calculations[0].status).toBe('expired');
    expect(body.answer).toContain('已过期');
    expect(body.answer).not.toContain('50万元');
  });

  it.each([
    [{ question: '' }, 'question 不能为空'],
    [{ question: '   \n ' }, 'question 不能为空'],
    [{ question: '问'.repeat(2001) }, '不能超过 2000 个字符'],
    [{ question: 123 }, 'question 必须是字符串'],
    [{}, 'question'],
    [{ question: '你好', extra: true }, '不支持的字段：extra'],
    [{ question: '你好', asOf: '2026/06/01' }, 'YYYY-MM-DD'],
    [{ question: '你好', asOf: '2026-02-30' }, '不是有效日期'],
    [{ question: '你好', sessionId: 'x'.repeat(1000) }, '不能超过 128'],
    [{ question: '你好\u0007' }, '控制字符'],
    [{ question: 'ab\ud800cd' }, '孤立代理项'],
    [{ question: '你好', channel: 'WeChat Bot!' }, 'channel'],
    [[], '对象'],
  ])('refuses bad body #%# with 400 and a message naming the problem (%s)', async (payload, message) => {
    const response = await ask(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_request');
    expect(response.json().error.message).toContain(message);
  });

  it('refuses invalid JSON, a non-JSON body and a body over the limit with clear codes', async () => {
    const invalid = await app.inject({
      method: 'POST',
      url: '/v1/ask',
      headers: { 'content-type': 'application/json' },
      payload: '{"question": ',
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('invalid_json');
    const form = await app.inject({ method: 'POST', url: '/v1/ask', headers: { 'content-type': 'text/plain' }, payload: 'question=1' });
    expect(form.statusCode).toBe(415);
    expect(form.json().error.code).toBe('unsupported_media_type');
    const huge = await app.inject({
      method: 'POST',
      url: '/v1/ask',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ question: 'x'.repeat(200_000) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
  });
});

describe('POST /v1/ask/stream', () => {
  it('sends the answer as answer-delta events and ends with the full JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/ask/stream',
      payload: { question: '我们是省级专精特新，买了500万设备，能补多少', asOf: '2026-06-01' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/event-stream');
    const events = response.body
      .trim()
      .split('\n\n')
      .map((block) => ({ event: /^event: (.+)$/m.exec(block)?.[1], data: JSON.parse(/^data: (.+)$/m.exec(block)![1]!) }));
    const deltas = events.filter((e) => e.event === 'answer-delta');
    const end = events.at(-1)!;
    expect(deltas.length).toBeGreaterThan(1);
    expect(end.event).toBe('answer-end');
    expect(deltas.map((d) => d.data.delta).join('')).toBe(end.data.answer);
    expect(end.data.calculations[0].amountYuan).toBe(500_000);
  });

  it('validates its body like /v1/ask', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/ask/stream', payload: { question: '' } });
    expect(response.statusCode).toBe(400);
  });
});

describe('GET /v1/search', () => {
  it('ranks the clause a hotline agent looks for first', async () => {
    const response = await app.inject({ url: `/v1/search?q=${encodeURIComponent('创客中国')}&k=3` });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.hits).toHaveLength(3);
    expect(body.hits[0]).toMatchObject({ docId: 'zhengzhou-srdi-2024', clauseId: 'item-3', label: '三（一）3' });
    expect(body.hits[0].text).toContain('分别给予不超过5万元、3万元、1万元奖励');
  });

  it.each([
    ['', 'q'],
    ['?q=', 'q 不能为空'],
    ['?q=x&k=0', 'k'],
    ['?q=x&k=abc', 'k'],
    ['?q=x&k=51', 'k'],
    [`?q=${'长'.repeat(201)}`, '200'],
  ])('refuses search query #%# with 400 (%s)', async (query, message) => {
    const response = await app.inject({ url: `/v1/search${query}` });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain(message);
  });
});

describe('policies', () => {
  it('lists the documents with their validity and clause counts', async () => {
    const body = (await app.inject({ url: '/v1/policies' })).json();
    expect(body.documents.map((d: { docId: string }) => d.docId)).toEqual([
      'zhengzhou-srdi-2024',
      'sme-promotion-law-2017',
      'henan-sme-measures-2008',
    ]);
    expect(body.documents[0]).toMatchObject({
      validity: { from: '2024-12-19', to: '2026-12-31' },
      applicationWindow: { from: '2024-12-27', to: '2026-12-31' },
      clauses: 32,
    });
  });

  it('returns a clause with its neighbours and responsible units', async () => {
    const body = (await app.inject({ url: '/v1/policies/zhengzhou-srdi-2024/clauses/item-19' })).json();
    expect(body.clause.label).toBe('三（七）19');
    expect(body.clause.responsibleUnits).toContain('河南省第三税务分局');
    expect(body.neighbours.map((c: { clauseId: string }) => c.clauseId)).toEqual(['item-18', 'item-20']);
  });

  it('returns a whole document by section order', async () => {
    const body = (await app.inject({ url: '/v1/policies/sme-promotion-law-2017' })).json();
    expect(body.clauses).toHaveLength(62);
  });

  it('answers 404 with a code for unknown documents and clauses', async () => {
    const doc = await app.inject({ url: '/v1/policies/nope' });
    expect(doc.statusCode).toBe(404);
    expect(doc.json().error.code).toBe('document_not_found');
    const clause = await app.inject({ url: '/v1/policies/zhengzhou-srdi-2024/clauses/item-99' });
    expect(clause.statusCode).toBe(404);
    expect(clause.json().error.code).toBe('clause_not_found');
  });
});

describe('calculator routes', () => {
  it('lists the facts a form needs, with types, questions and options', async () => {
    const body = (await app.inject({ url: '/v1/calculator/inputs' })).json();
    const ids = body.inputs.map((i: { id: string }) => i.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'level',
        'investmentYuan',
        'contestPrize',
        'clusterLevel',
        'nationalRecognitionYear',
        'provincialRecognitionYear',
      ]),
    );
    const level = body.inputs.find((i: { id: string }) => i.id === 'level');
    expect(level.type).toBe('enum');
    expect(level.options.map((o: { value: string }) => o.value)).toEqual(['none', 'innovative', 'provincial', 'national']);
  });

  it('matches every award a company may get, with the total after 从高不重复', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/calculate',
      payload: {
        asOf: '2026-06-01',
        facts: {
          level: 'national',
          statusValid: true,
          investmentYuan: '3000万',
          provincialEquipmentSubsidyReceived: false,
          nationalRecognitionYear: 2026,
          provincialRecognitionYear: 2026,
          contestPrize: 'first',
          clusterLevel: 'provincial',
        },
      },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    const amount = (id: string) => body.results.find((r: { ruleId: string }) => r.ruleId === id).amountYuan;
    expect(amount('equipment-software-subsidy')).toBe(2_000_000);
    expect(amount('new-national-little-giant-award')).toBe(2_000_000);
    expect(amount('new-provincial-srdi-award')).toBe(0);
    expect(amount('maker-china-contest-prize')).toBe(50_000);
    expect(amount('sme-industrial-cluster-award')).toBe(500_000);
    expect(body.totalYuan).toBe(4_550_000);
    expect(body.summary).toContain('455万元');
  });

  it('asks for what is missing instead of guessing', async () => {
    const body = (
      await app.inject({ method: 'POST', url: '/v1/calculate', payload: { facts: { investmentYuan: 5_000_000 }, asOf: '2026-06-01' } })
    ).json();
    expect(body.totalYuan).toBe(0);
    expect(body.followUp.map((f: { factId: string }) => f.factId)).toContain('level');
  });

  it('reports facts it cannot read and refuses a malformed body', async () => {
    const unreadable = (
      await app.inject({ method: 'POST', url: '/v1/calculate', payload: { facts: { investmentYuan: 'abc' }, asOf: '2026-06-01' } })
    ).json();
    expect(unreadable.invalidFacts[0].factId).toBe('investmentYuan');
    for (const payload of [{ facts: 'x' }, { facts: {}, asOf: 'tomorrow' }, { facts: {}, extra: 1 }, {}]) {
      const response = await app.inject({ method: 'POST', url: '/v1/calculate', payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.message.length).toBeGreaterThan(0);
    }
  });
});

describe('feedback', () => {
  it('stores feedback on an answer and refuses an unknown answer id', async () => {
    const answer = (await ask({ question: '第19条讲什么' })).json();
    const ok = await app.inject({
      method: 'POST',
      url: '/v1/feedback',
      payload: { answerId: answer.answerId, helpful: false, comment: '想知道申报材料' },
    });
    expect(ok.statusCode).toBe(200);
    expect((await app.qaLog.unhelpful({ from: 0, to: Date.now() + 1000, limit: 10 }))[0]).toMatchObject({
      answerId: answer.answerId,
      comment: '想知道申报材料',
    });
    const missing = await app.inject({ method: 'POST', url: '/v1/feedback', payload: { answerId: 'nope', helpful: true } });
    expect(missing.statusCode).toBe(404);
    const bad = await app.inject({ method: 'POST', url: '/v1/feedback', payload: { answerId: answer.answerId, helpful: 'yes' } });
    expect(bad.statusCode).toBe(400);
  });
});

describe('health, readiness, docs, metrics and unknown routes', () => {
  it('reports health and readiness with the knowledge loaded', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).json()).toMatchObject({
      status: 'ready',
      documents: 3,
      clauses: 124,
      sessions: 'memory',
      model: null,
    });
  });

  it('serves an OpenAPI document generated from the route schemas, and its UI', async () => {
    const spec = (await app.inject({ url: '/docs/json' })).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/v1/ask',
        '/v1/ask/stream',
        '/v1/search',
        '/v1/policies',
        '/v1/policies/{docId}/clauses/{clauseId}',
        '/v1/calculate',
        '/v1/calculator/inputs',
        '/v1/chat/completions',
        '/v1/feedback',
        '/healthz',
        '/readyz',
      ]),
    );
    expect(spec.paths['/v1/ask'].post.requestBody.content['application/json'].schema.properties.question.maxLength).toBeUndefined();
    expect((await app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('counts answers in Prometheus text format', async () => {
    await ask({ question: '你好' });
    const text = (await app.inject({ url: '/metrics' })).body;
    expect(text).toMatch(/advisor_asks_total\{kind="smalltalk",channel="api"\} \d+/);
  });

  it('reports the analysis memo: a repeated question is a hit', async () => {
    const read = async () => {
      const text = (await app.inject({ url: '/metrics' })).body;
      return Number(/advisor_analysis_cache\{memo="questions",stat="hits"\} (\d+)/.exec(text)?.[1]);
    };
    await ask({ question: '小微企业园有扶持政策吗' });
    const before = await read();
    await ask({ question: '小微企业园有扶持政策吗' });
    expect(await read()).toBe(before + 1);
  });

  it('answers unknown routes with 404 and a code', async () => {
    const response = await app.inject({ url: '/v2/ask' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('not_found');
  });
});
