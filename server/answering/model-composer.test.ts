import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp } from '../testing/build-test-app.js';
import { startOpenAiStub, type OpenAiStub } from '../testing/openai-stub.js';

const QUESTION = '我们是省级专精特新，买了500万设备，市里能补多少？';
const TIMEOUT_MS = 700;
let stub: OpenAiStub;
let app: FastifyInstance;

beforeAll(async () => {
  stub = await startOpenAiStub();
  app = await buildTestApp({
    env: {
      LLM_BASE_URL: stub.baseURL,
      LLM_MODEL: 'stub-model',
      LLM_API_KEY: 'sk-test-secret-key',
      LLM_TIMEOUT_MS: String(TIMEOUT_MS),
      LLM_MAX_RETRIES: '0',
    },
  });
});
afterAll(async () => {
  await app.close();
  await stub.close();
});
beforeEach(() => {
  stub.requests.length = 0;
});

async function ask(question = QUESTION) {
  const started = performance.now();
  const response = await app.inject({ method: 'POST', url: '/v1/ask', payload: { question, asOf: '2026-06-01' } });
  return { status: response.statusCode, body: response.json(), ms: performance.now() - started };
}

function metric(text: string, name: string): number {
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
}

describe('answers phrased by an OpenAI-compatible model', () => {
  it('sends the model the question, the cited clause and the calculator result, and uses its phrasing', async () => {
    stub.respondWith({
      kind: 'text',
      content: '可以申请设备、软件投资补助，最高50万元（按500万元投资的10%计算）。依据三（一）1，金额以主管部门审核为准。',
    });
    const { status, body } = await ask();
    expect(status).toBe(200);
    expect(body.answer).toBe('可以申请设备、软件投资补助，最高50万元（按500万元投资的10%计算）。依据三（一）1，金额以主管部门审核为准。');
    expect(body.calculations[0].amountYuan).toBe(500_000);
    const sent = stub.requests[0]!.body;
    expect(sent.model).toBe('stub-model');
    expect(sent.tools[0].function.name).toBe('calculate_award');
    const prompt = sent.messages.map((m: { content: string }) => m.content).join('\n');
    expect(prompt).toContain('最高不超过200万元');
    expect(prompt).toContain('"amountYuan":500000');
    // The model is told the same form the guard enforces: the figure first, within each kind's length.
    expect(prompt).toContain('第一句就是结论');
    expect(prompt).toContain('测算不超过150字');
    expect(prompt).toContain('追问不超过120字');
  });

  it('runs the calculator when the model calls it as a tool, with arguments validated', async () => {
    stub.respondWith({
      kind: 'tool-call',
      arguments: JSON.stringify({
        facts: { level: 'provincial', investmentYuan: 5_000_000, statusValid: true, provincialEquipmentSubsidyReceived: false },
      }),
      then: '按计算器结果，最高可获50万元补助。',
    });
    const { body } = await ask();
    expect(body.answer).toBe('按计算器结果，最高可获50万元补助。');
    expect(stub.requests).toHaveLength(2);
    const toolMessage = stub.requests[1]!.body.messages.find((m: { role: string }) => m.role === 'tool');
    expect(JSON.parse(toolMessage.content)[0]).toMatchObject({ title: '设备、软件投资补助', amountYuan: 500_000 });
  });

  it('replaces an answer with an invented amount by the embedded answer, and counts the violation', async () => {
    const before = metric((await app.inject({ url: '/metrics' })).body, 'advisor_guard_violations_total');
    stub.respondWith({ kind: 'text', content: '好消息：按最新口径，您最高可获80万元补助。' });
    const { body } = await ask();
    expect(body.answer).not.toContain('80万元');
    expect(body.answer).toMatch(/^可申请设备、软件投资补助，最高50万元（500万元×10%/);
    const after = metric((await app.inject({ url: '/metrics' })).body, 'advisor_guard_violations_total');
    expect(after).toBe(before + 1);
  });

  it('rejects a percentage the clauses do not state', async () => {
    stub.respondWith({ kind: 'text', content: '市里按投资额的50%补助，最高50万元。' });
    const { body } = await ask();
    expect(body.answer).not.toContain('50%');
  });

  it.each([
    ['times out', { kind: 'hang' } as const],
    ['returns 500', { kind: 'status', status: 500 } as const],
    ['returns malformed JSON', { kind: 'malformed' } as const],
    [
      'calls the tool with bad arguments',
      { kind: 'tool-call', arguments: '{"facts":{"level":"galaxy","investmentYuan":-5}}', then: 'x' } as const,
    ],
    ['calls the tool with arguments that are not JSON', { kind: 'tool-call', arguments: '{level: provincial', then: 'x' } as const],
  ])(
    'when the model %s, the caller still gets the correct embedded answer within the timeout plus one second',
    async (_name, behaviour) => {
      const before = metric((await app.inject({ url: '/metrics' })).body, 'advisor_model_failures_total');
      stub.respondWith(behaviour);
      const { status, body, ms } = await ask();
      expect(status).toBe(200);
      expect(body.kind).toBe('calculation');
      expect(body.calculations[0].amountYuan).toBe(500_000);
      expect(body.answer).toContain('最高50万元');
      expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
      const after = metric((await app.inject({ url: '/metrics' })).body, 'advisor_model_failures_total');
      expect(after).toBe(before + 1);
    },
  );

  it('does not send out-of-scope questions or greetings to the model', async () => {
    stub.respondWith({ kind: 'text', content: '上海补贴100万元。' });
    const { body } = await ask('上海的专精特新小巨人奖励多少钱');
    expect(body.kind).toBe('out_of_scope');
    expect(stub.requests).toHaveLength(0);
  });

  it('never writes the model key into the logs or the OpenAPI document', async () => {
    const docs = (await app.inject({ url: '/docs/json' })).body;
    expect(docs).not.toContain('sk-test-secret-key');
    const ready = (await app.inject({ url: '/readyz' })).json();
    expect(ready.model).toBe('stub-model');
  });
});
