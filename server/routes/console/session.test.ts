import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONSOLE_SESSION_COOKIE, hashPassword, SIGN_IN_FAILURE_LIMIT, verifyPassword } from '../../plugins/auth.js';
import { buildTestApp } from '../../testing/build-test-app.js';

const PASSWORD = 'correct horse battery';
const TOKEN = 'shared-token-0123456789';
const SESSION_MINUTES = 5;

let app: FastifyInstance;
let open: FastifyInstance;
beforeAll(async () => {
  const hash = await hashPassword(PASSWORD);
  app = await buildTestApp({
    env: {
      CONSOLE_USERS: `alice:${hash},bob:${await hashPassword('another password')}`,
      CONSOLE_TOKEN: TOKEN,
      CONSOLE_SESSION_MINUTES: String(SESSION_MINUTES),
    },
  });
  open = await buildTestApp();
});
afterAll(async () => {
  await app.close();
  await open.close();
});
afterEach(() => {
  vi.useRealTimers();
});

let nextIp = 1;
/** A fresh client address per sign-in, so the per-IP failure limit of one test does not leak into another. */
const ip = () => `10.1.0.${nextIp++}`;

const signIn = (payload: object, remoteAddress = ip(), target = app) =>
  target.inject({ method: 'POST', url: '/v1/staff/session', payload, remoteAddress });

function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === CONSOLE_SESSION_COOKIE);
  expect(cookie, 'session cookie set').toBeDefined();
  return `${CONSOLE_SESSION_COOKIE}=${cookie!.value}`;
}

/** Every route under /v1/staff that the service has, from Fastify's own route table. */
function staffRoutes(target: FastifyInstance): { method: string; url: string }[] {
  const routes: { method: string; url: string }[] = [];
  for (const match of target.printRoutes({ commonPrefix: false }).matchAll(/(\/v1\/staff\/[\w/:-]+) \(([A-Z, ]+)\)/g)) {
    for (const method of match[2]!.split(', ')) {
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, url: match[1]! });
    }
  }
  return routes;
}

describe('console sign-in', () => {
  it('signs a staff member in with name and password: session cookie HttpOnly, SameSite=Strict, expiring with the session', async () => {
    const response = await signIn({ username: 'alice', password: PASSWORD });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ user: 'alice', via: 'password', sessionMinutes: SESSION_MINUTES, today: '2026-06-01' });
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).toContain(`Max-Age=${SESSION_MINUTES * 60}`);
    expect(setCookie).not.toContain('Secure'); // plain HTTP here; set when the request came over HTTPS
    const expiresAt = Date.parse(response.json().expiresAt);
    expect(expiresAt - Date.now()).toBeGreaterThan((SESSION_MINUTES - 1) * 60_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(SESSION_MINUTES * 60_000);

    const me = await app.inject({ method: 'GET', url: '/v1/staff/session', headers: { cookie: sessionCookie(response) } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user).toBe('alice');
  });

  it('sets the cookie Secure when the request came over HTTPS (behind a TLS proxy with TRUST_PROXY)', async () => {
    const proxied = await buildTestApp({ env: { CONSOLE_TOKEN: TOKEN, TRUST_PROXY: 'true' } });
    try {
      const response = await proxied.inject({
        method: 'POST',
        url: '/v1/staff/session',
        payload: { token: TOKEN },
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(response.statusCode).toBe(200);
      expect(String(response.headers['set-cookie'])).toContain('Secure');
    } finally {
      await proxied.close();
    }
  });

  it('refuses a wrong password, and an unknown name, with the same 401 and message', async () => {
    const wrong = await signIn({ username: 'alice', password: 'not the password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toMatchObject({ code: 'sign_in_failed' });
    expect(wrong.json().error.message).toContain('用户名或密码不正确');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const unknown = await signIn({ username: 'mallory', password: PASSWORD });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
    // one account's password does not open another
    expect((await signIn({ username: 'bob', password: PASSWORD })).statusCode).toBe(401);
    expect((await signIn({ username: 'bob', password: 'another password' })).statusCode).toBe(200);
  });

  it('signs in with the shared token; a wrong token is refused', async () => {
    const ok = await signIn({ token: TOKEN });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ via: 'token', user: '共享令牌' });
    const me = await app.inject({ method: 'GET', url: '/v1/staff/session', headers: { cookie: sessionCookie(ok) } });
    expect(me.statusCode).toBe(200);

    const wrong = await signIn({ token: `${TOKEN}x` });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toContain('令牌不正确');
  });

  it('asks for credentials when none are given (400), without counting it as a failed sign-in', async () => {
    const response = await signIn({ username: 'alice' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain('请输入用户名和密码');
    expect((await signIn({ extra: 1 })).statusCode).toBe(400);
  });

  it(`limits failed sign-ins per IP: after ${SIGN_IN_FAILURE_LIMIT} failures even the right password gets 429, other IPs are unaffected`, async () => {
    const attacker = ip();
    for (let i = 1; i <= SIGN_IN_FAILURE_LIMIT; i++) {
      const response = await signIn({ username: 'alice', password: `guess-${i}` }, attacker);
      expect(response.statusCode).toBe(401);
    }
    const locked = await signIn({ username: 'alice', password: PASSWORD }, attacker);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error).toMatchObject({ code: 'too_many_sign_ins' });
    expect(locked.json().error.message).toMatch(/登录失败次数过多，请 \d+ 分钟后再试/);
    expect((await signIn({ token: TOKEN }, attacker)).statusCode).toBe(429);
    expect((await signIn({ username: 'alice', password: PASSWORD }, ip())).statusCode).toBe(200);
  });

  it('counts parallel attempts before checking them, so a burst cannot slip past the limit', async () => {
    const attacker = ip();
    const responses = await Promise.all(
      Array.from({ length: SIGN_IN_FAILURE_LIMIT + 4 }, (_, i) => signIn({ username: 'alice', password: `burst-${i}` }, attacker)),
    );
    expect(responses.filter((r) => r.statusCode === 401)).toHaveLength(SIGN_IN_FAILURE_LIMIT);
    expect(responses.filter((r) => r.statusCode === 429)).toHaveLength(4);
  });
});

describe('staff routes', () => {
  it('answer 401 on every route under /v1/staff without a session, or with a made-up one', async () => {
    const routes = staffRoutes(app).filter((r) => !(r.method === 'POST' && r.url === '/v1/staff/session'));
    expect(routes).toEqual(
      expect.arrayContaining([
        { method: 'GET', url: '/v1/staff/insights' },
        { method: 'GET', url: '/v1/staff/session' },
        { method: 'DELETE', url: '/v1/staff/session' },
      ]),
    );
    for (const route of routes) {
      for (const headers of [{}, { cookie: `${CONSOLE_SESSION_COOKIE}=forged-session-id` }]) {
        const response = await app.inject({ method: route.method as 'GET', url: route.url, headers });
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
        expect(response.json().error).toEqual({ code: 'unauthorized', message: '请先登录坐席控制台' });
      }
    }
  });

  it('keep the public question route open', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/ask', payload: { question: '创客中国一等奖能奖多少？' } });
    expect(response.statusCode).toBe(200);
  });

  it('end a session after CONSOLE_SESSION_MINUTES', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-06-01T09:00:00+08:00'));
    const response = await signIn({ username: 'alice', password: PASSWORD });
    const cookie = sessionCookie(response);
    expect(response.json().expiresAt).toBe('2026-06-01T01:05:00.000Z');

    vi.setSystemTime(new Date('2026-06-01T09:04:59+08:00'));
    expect((await app.inject({ method: 'GET', url: '/v1/staff/insights', headers: { cookie } })).statusCode).toBe(200);

    vi.setSystemTime(new Date('2026-06-01T09:05:00+08:00'));
    const expired = await app.inject({ method: 'GET', url: '/v1/staff/insights', headers: { cookie } });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error).toEqual({ code: 'session_expired', message: '登录已过期，请重新登录' });
    expect(String(expired.headers['set-cookie'])).toMatch(
      new RegExp(`${CONSOLE_SESSION_COOKIE}=;.*Max-Age=0|${CONSOLE_SESSION_COOKIE}=;.*Expires=Thu, 01 Jan 1970`),
    );
    // gone for good, not only stale
    expect((await app.inject({ method: 'GET', url: '/v1/staff/session', headers: { cookie } })).json().error.code).toBe('unauthorized');
  });

  it('end a session on sign-out', async () => {
    const cookie = sessionCookie(await signIn({ username: 'alice', password: PASSWORD }));
    const out = await app.inject({ method: 'DELETE', url: '/v1/staff/session', headers: { cookie } });
    expect(out.statusCode).toBe(200);
    expect(out.json()).toEqual({ signedOut: true });
    expect((await app.inject({ method: 'GET', url: '/v1/staff/session', headers: { cookie } })).statusCode).toBe(401);
  });
});

describe('console page', () => {
  it('serves the console with its script and stylesheet from the service, under the strict CSP', async () => {
    const page = await app.inject({ method: 'GET', url: '/console' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('data-sign-in="password token"');
    expect(page.body).toContain('<script type="module" src="/console/app.js"></script>');
    // no inline script and nothing from another origin
    expect(page.body.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');

    const script = await app.inject({ method: 'GET', url: '/console/app.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
    expect(script.body.length).toBeGreaterThan(5_000);
    expect(script.body).not.toMatch(/\binnerHTML\b/);
    const again = await app.inject({ method: 'GET', url: '/console/app.js', headers: { 'if-none-match': String(script.headers.etag) } });
    expect(again.statusCode).toBe(304);

    const css = await app.inject({ method: 'GET', url: '/console/assets/console.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
  });

  it('explains how to configure access when neither CONSOLE_USERS nor CONSOLE_TOKEN is set, and keeps staff data closed', async () => {
    const page = await open.inject({ method: 'GET', url: '/console' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('坐席控制台尚未配置登录方式');
    expect(page.body).toContain('npm run console:hash');
    expect(page.body).toContain('CONSOLE_TOKEN');
    expect(page.body).not.toContain('/console/app.js');
    for (const route of staffRoutes(open)) {
      const response = await open.inject({
        method: route.method as 'GET',
        url: route.url,
        payload: route.method === 'POST' ? { token: 'x'.repeat(20) } : undefined,
      });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(response.json().error.code).toBe('console_not_configured');
    }
    expect((await open.inject({ method: 'POST', url: '/v1/ask', payload: { question: '你好' } })).statusCode).toBe(200);
  });
});

describe('password hashes', () => {
  it('are scrypt with a random salt, verified in constant time; malformed hashes never verify', async () => {
    const a = await hashPassword('密码也可以是中文');
    const b = await hashPassword('密码也可以是中文');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('密码也可以是中文', a)).toBe(true);
    expect(await verifyPassword('密码也可以是中文 ', a)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$16$8$1$c2FsdA$a2V5')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$nope')).toBe(false);
  });

  it('that are malformed in CONSOLE_USERS stop the service from starting, naming the user', async () => {
    await expect(buildTestApp({ env: { CONSOLE_USERS: 'carol:scrypt$not-a-hash' } })).rejects.toThrow(/carol.*npm run console:hash/);
  });
});
