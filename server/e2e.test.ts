import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './testing/build-test-app.js';

let app: FastifyInstance;
let client: OpenAI;

beforeAll(async () => {
  app = await buildTestApp();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => app.close());

describe('the advisor as an OpenAI-compatible model, over a real port', () => {
  it('answers a chat completion with the calculated amount', async () => {
    const completion = await client.chat.completions.create({
      model: 'zz-srdi-advisor',
      messages: [
        { role: 'system', content: '你是政策助手' },
        { role: 'user', content: '我们是省级专精特新，买了500万设备，市里能补多少？' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message.role).toBe('assistant');
    expect(completion.choices[0]!.message.content).toContain('50万元');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
  });

  it('takes earlier user messages as the conversation', async () => {
    const completion = await client.chat.completions.create({
      model: 'zz-srdi-advisor',
      messages: [
        { role: 'user', content: '我们是省级专精特新' },
        { role: 'assistant', content: '好的。' },
        { role: 'user', content: '买了400万设备' },
        { role: 'assistant', content: '……' },
        { role: 'user', content: '能补多少' },
      ],
    });
    expect(completion.choices[0]!.message.content).toContain('40万元');
  });

  it('answers a follow-up reply to its own question', async () => {
    const first = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: '买了500万设备能补多少' }] });
    const asked = first.choices[0]!.message.content!;
    const second = await client.chat.completions.create({
      model: 'm',
      messages: [
        { role: 'user', content: '买了500万设备能补多少' },
        { role: 'assistant', content: asked },
        { role: 'user', content: '国家级' },
      ],
    });
    expect(second.choices[0]!.message.content).toContain('50万元');
  });

  it('streams the same answer in chunks', async () => {
    const stream = await client.chat.completions.create({
      model: 'zz-srdi-advisor',
      stream: true,
      messages: [{ role: 'user', content: '我们在创客中国郑州分赛拿了二等奖，能奖多少' }],
    });
    const pieces: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      pieces.push(chunk.choices[0]?.delta?.content ?? '');
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(pieces.filter(Boolean).length).toBeGreaterThan(1);
    expect(pieces.join('')).toContain('3万元');
    expect(finish).toBe('stop');
  });

  it('refuses a request without a user message with a 400 the client surfaces', async () => {
    await expect(
      client.chat.completions.create({ model: 'm', messages: [{ role: 'system', content: '只有系统消息' }] }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
