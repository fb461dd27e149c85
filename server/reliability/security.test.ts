import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../testing/build-test-app.js';

describe('security headers, CORS and rate limits', () => {
  it('sends helmet headers, including a same-origin content security policy', async () => {
    const app = await buildTestApp();
    const response = await app.inject({ url: '/healthz' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    await app.close();
  });

  it('allows cross-origin calls only from configured origins', async () => {
    const app = await buildTestApp({ env: { CORS_ORIGINS: 'https://mp.example.cn,https://console.example.cn' } });
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/v1/ask',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    expect((await preflight('https://mp.example.cn')).headers['access-control-allow-origin']).toBe('https://mp.example.cn');
    expect((await preflight('https://evil.example.com')).headers['access-control-allow-origin']).toBeUndefined();
    await app.close();
    const closed = await buildTestApp();
    const none = await closed.inject({
      method: 'OPTIONS',
      url: '/v1/ask',
      headers: { origin: 'https://mp.example.cn', 'access-control-request-method': 'POST' },
    });
    expect(none.headers['access-control-allow-origin']).toBeUndefined();
    await closed.close();
  });

  it('limits each client IP on the public routes, with a clear 429, and leaves health checks alone', async () => {
    const app = await buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await app.inject({ method: 'POST', url: '/v1/ask', payload: { question: '你好' }, remoteAddress: '10.1.1.1' })).statusCode,
      );
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await app.inject({ method: 'POST', url: '/v1/ask', payload: { question: '你好' }, remoteAddress: '10.1.1.1' });
    expect(limited.json().error).toMatchObject({ code: 'rate_limited' });
    expect(limited.json().error.message).toMatch(/秒后再试/);
    expect(
      (await app.inject({ method: 'POST', url: '/v1/ask', payload: { question: '你好' }, remoteAddress: '10.2.2.2' })).statusCode,
    ).toBe(200);
    for (let i = 0; i < 5; i++) expect((await app.inject({ url: '/healthz', remoteAddress: '10.1.1.1' })).statusCode).toBe(200);
    await app.close();
  });

  it('counts IPv6 clients by /64 subnet, and an IPv4-mapped address as its IPv4 client', async () => {
    const app = await buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '2' } });
    const ask = (remoteAddress: string) => app.inject({ method: 'POST', url: '/v1/ask', payload: { question: '你好' }, remoteAddress });
    expect((await ask('2001:db8:0:1::10')).statusCode).toBe(200);
    expect((await ask('2001:db8:0:1::20')).statusCode).toBe(200);
    expect((await ask('2001:db8:0:1:ffff::30')).statusCode).toBe(429);
    expect((await ask('2001:db8:0:2::10')).statusCode).toBe(200);
    expect((await ask('::ffff:10.3.3.3')).statusCode).toBe(200);
    expect((await ask('10.3.3.3')).statusCode).toBe(200);
    expect((await ask('::ffff:10.3.3.3')).statusCode).toBe(429);
    expect((await ask('10.3.3.4')).statusCode).toBe(200);
    await app.close();
  });

  it('refuses to start with a bad configuration value, naming the variable', async () => {
    await expect(buildTestApp({ env: { PORT: 'eighty' } })).rejects.toThrow(/PORT/);
    await expect(buildTestApp({ env: { LLM_BASE_URL: 'not a url' } })).rejects.toThrow(/LLM_BASE_URL/);
    await expect(buildTestApp({ env: { LLM_BASE_URL: 'http://127.0.0.1:1/v1' } })).rejects.toThrow(/LLM_MODEL/);
    await expect(buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } })).rejects.toThrow(/RATE_LIMIT_PER_MINUTE/);
  });
});
