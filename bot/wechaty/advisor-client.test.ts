import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdvisorClient } from './advisor-client.js';
import { closedPort } from './testing/mock-wechat.js';

/** A stand-in advisor that misbehaves on purpose; the real one is exercised in plugin.test.ts. */
const servers: Server[] = [];
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(resolve));
    }),
  );
});

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

describe('createAdvisorClient', () => {
  it('reports a refused connection as advisor_unavailable', async () => {
    const client = createAdvisorClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, timeoutMs: 2000 });
    const result = await client.ask({ question: '能补多少' });
    expect(result).toMatchObject({ ok: false, error: { code: 'advisor_unavailable' } });
  });

  it('gives up on a service that does not answer in time (advisor_timeout)', async () => {
    const baseUrl = await serve(() => {
      // Never answers.
    });
    const started = Date.now();
    const result = await createAdvisorClient({ baseUrl, timeoutMs: 300 }).ask({ question: '能补多少' });
    expect(result).toMatchObject({ ok: false, error: { code: 'advisor_timeout' } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each([
    [400, { error: { code: 'bad_request', message: 'question 不能为空' } }, 'advisor_rejected', 'question 不能为空'],
    [429, { error: { code: 'rate_limited', message: '请求过于频繁' } }, 'advisor_busy', '请求过于频繁'],
    [503, 'upstream down', 'advisor_bad_response', undefined],
    [500, { error: { code: 'internal', message: '服务内部错误' } }, 'advisor_unavailable', '服务内部错误'],
    [200, { answer: 42 }, 'advisor_bad_response', undefined],
  ] as const)('turns HTTP %i into %s', async (status, body, code, message) => {
    const baseUrl = await serve((_req, res) => json(res, status, body));
    const result = await createAdvisorClient({ baseUrl, timeoutMs: 2000 }).ask({ question: '甲' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    if (message) expect(result.error.message).toBe(message);
  });

  it('posts the contract’s request and returns the parsed answer', async () => {
    let received: unknown;
    const baseUrl = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received = { url: req.url, body: JSON.parse(body) };
        json(res, 200, { answer: '好', kind: 'smalltalk', citations: [], calculations: [], asOf: '2026-06-01', extra: 'ignored' });
      });
    });
    const result = await createAdvisorClient({ baseUrl: `${baseUrl}/`, timeoutMs: 2000 }).ask({
      question: '你好',
      sessionId: 's1',
      channel: 'wechat',
    });
    expect(received).toEqual({ url: '/v1/ask', body: { question: '你好', sessionId: 's1', channel: 'wechat' } });
    // Fields the bot does not read pass through untouched (a tolerant reader: the service may add fields).
    expect(result).toEqual({
      ok: true,
      value: { answer: '好', kind: 'smalltalk', citations: [], calculations: [], asOf: '2026-06-01', extra: 'ignored' },
    });
  });
});
