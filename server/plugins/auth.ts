import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { StaffSession, StaffSessionStore } from '../store/record-store.js';

export type { StaffSession } from '../store/record-store.js';

/** The console's session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS. */
export const CONSOLE_SESSION_COOKIE = 'zz_console_session';
/** Failed sign-ins allowed per client IP within the window; further attempts get 429 until it ends. */
export const SIGN_IN_FAILURE_LIMIT = 5;
export const SIGN_IN_FAILURE_WINDOW_MS = 10 * 60_000;

/** scrypt cost for new hashes: N=2^15, r=8, p=1 (32 MiB, ~0.1 s), 16-byte salt, 32-byte key. */
const SCRYPT_DEFAULTS = { N: 2 ** 15, r: 8, p: 1, saltBytes: 16, keyBytes: 32 };

export type SignInResult = { ok: true; session: StaffSession } | { ok: false; statusCode: 401 | 429; code: string; message: string };

export interface ConsoleAuth {
  /** False when neither CONSOLE_USERS nor CONSOLE_TOKEN is set: nobody can sign in, staff routes refuse. */
  readonly configured: boolean;
  readonly methods: { password: boolean; token: boolean };
  readonly sessionMs: number;
  /** Checks credentials (with the per-IP failure limit) and, when they are right, sets the session cookie. */
  signIn(
    request: FastifyRequest,
    reply: FastifyReply,
    credentials: { username?: string; password?: string; token?: string },
  ): Promise<SignInResult>;
  /** Ends the request's session (if any) on every instance, and clears the cookie. */
  signOut(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** onRequest hook for staff routes: sets request.staff, or answers 401. */
  requireStaff(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
}

declare module 'fastify' {
  interface FastifyInstance {
    consoleAuth: ConsoleAuth;
  }
  interface FastifyRequest {
    /** The signed-in staff member, on routes guarded by consoleAuth.requireStaff. */
    staff: StaffSession | null;
  }
}

function scryptAsync(password: string, salt: Buffer, keyBytes: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const memoryFor = (N: number, r: number, p: number) => 128 * N * r * p + 2 * 1024 * 1024;

/** A password hash for CONSOLE_USERS: `scrypt$N$r$p$salt$key` (salt and key base64url). */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, saltBytes, keyBytes } = SCRYPT_DEFAULTS;
  const salt = randomBytes(saltBytes);
  const key = await scryptAsync(password.normalize('NFC'), salt, keyBytes, { N, r, p, maxmem: memoryFor(N, r, p) });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

/** Parses a `scrypt$…` hash, refusing costs out of bounds (a typo must not make sign-in hang or do nothing). */
export function parsePasswordHash(hash: string): ParsedHash | undefined {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((v) => (/^\d{1,8}$/.test(v!) ? Number(v) : NaN)) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  const powerOfTwo = Number.isInteger(Math.log2(N));
  if (!powerOfTwo || N < 2 ** 10 || N > 2 ** 20 || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16)) return undefined;
  if (salt.length < 8 || key.length < 16 || key.length > 128) return undefined;
  return { N, r, p, salt, key };
}

/** True when the password matches the hash; compared in constant time. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parsePasswordHash(hash);
  if (!parsed) return false;
  const { N, r, p, salt, key } = parsed;
  const candidate = await scryptAsync(password.normalize('NFC'), salt, key.length, { N, r, p, maxmem: memoryFor(N, r, p) });
  return timingSafeEqual(candidate, key);
}

/** Constant-time comparison of two strings of any length (compares their SHA-256 digests). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Sign-in for the hotline console: staff accounts from CONSOLE_USERS (scrypt hashes) or the shared
 * CONSOLE_TOKEN, server-side sessions behind an HttpOnly SameSite=Strict cookie that expire after
 * CONSOLE_SESSION_MINUTES, and a per-IP limit on failed sign-ins. With neither configured nobody can sign in.
 *
 * Sessions are kept where every instance sees them, so a sign-in on one instance is valid on all: in
 * PostgreSQL with DATABASE_URL (the shared record), else in Redis with REDIS_URL, else in the SQLite file
 * (one instance; sign-ins then also survive a restart). Failed sign-ins are counted per process.
 */
export default fp(
  async (app) => {
    const { users, token, sessionMs } = app.config.console;
    for (const user of users) {
      if (!parsePasswordHash(user.passwordHash)) {
        throw new Error(
          `CONSOLE_USERS: the password hash for "${user.name}" is not a valid scrypt$N$r$p$salt$key hash; make one with npm run console:hash`,
        );
      }
    }
    const methods = { password: users.length > 0, token: token !== undefined };
    const configured = methods.password || methods.token;

    if (!app.hasDecorator('parseCookie')) await app.register(cookie);
    app.decorateRequest('staff', null);

    let sessions: StaffSessionStore = app.qaLog.staffSessions;
    if (!app.config.databaseUrl && app.config.sessions.redisUrl) {
      const { createRedisStaffSessionStore } = await import('../store/redis-staff-sessions.js');
      const redisSessions = await createRedisStaffSessionStore(app.config.sessions.redisUrl);
      app.addHook('onClose', async () => redisSessions.close());
      sessions = redisSessions;
    }
    const failures = new Map<string, { count: number; resetAt: number }>();
    /** Hashed once, on first use, so an unknown name costs the same time as a wrong password. */
    let decoyHash: Promise<string> | undefined;

    const sweep = (now: number) => {
      for (const [ip, f] of failures) if (f.resetAt <= now) failures.delete(ip);
    };
    const sweeper = setInterval(() => {
      const now = Date.now();
      sweep(now);
      sessions.sweep(now).catch((error: unknown) => app.log.warn({ err: error }, 'expired console sessions not swept'));
    }, 60_000);
    sweeper.unref();
    app.addHook('onClose', async () => clearInterval(sweeper));

    const cookieOptions = (request: FastifyRequest) => ({
      path: '/',
      httpOnly: true,
      sameSite: 'strict' as const,
      secure: request.protocol === 'https',
    });

    const notConfigured = {
      ok: false as const,
      statusCode: 401 as const,
      code: 'console_not_configured',
      message: '坐席控制台尚未配置登录方式：请管理员设置 CONSOLE_USERS（坐席账号）或 CONSOLE_TOKEN（共享令牌）后重启服务',
    };

    async function checkCredentials(credentials: {
      username?: string;
      password?: string;
      token?: string;
    }): Promise<Omit<StaffSession, 'createdAt' | 'expiresAt'> | undefined> {
      if (credentials.token !== undefined) {
        return token !== undefined && sameSecret(credentials.token, token) ? { user: '共享令牌', via: 'token' } : undefined;
      }
      if (credentials.username === undefined || credentials.password === undefined || !methods.password) return undefined;
      const name = credentials.username.trim();
      const account = users.find((u) => u.name === name);
      if (!account) {
        decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
        await verifyPassword(credentials.password, await decoyHash);
        return undefined;
      }
      return (await verifyPassword(credentials.password, account.passwordHash)) ? { user: account.name, via: 'password' } : undefined;
    }

    const auth: ConsoleAuth = {
      configured,
      methods,
      sessionMs,
      async signIn(request, reply, credentials) {
        if (!configured) return notConfigured;
        const now = Date.now();
        if (failures.size > 10_000) sweep(now);
        const previous = failures.get(request.ip);
        const entry = previous && previous.resetAt > now ? previous : { count: 0, resetAt: now + SIGN_IN_FAILURE_WINDOW_MS };
        if (entry.count >= SIGN_IN_FAILURE_LIMIT) {
          const minutes = Math.max(1, Math.ceil((entry.resetAt - now) / 60_000));
          return { ok: false, statusCode: 429, code: 'too_many_sign_ins', message: `登录失败次数过多，请 ${minutes} 分钟后再试` };
        }
        // Counted before the (slow) check, so parallel attempts cannot slip past the limit.
        entry.count += 1;
        failures.set(request.ip, entry);
        const who = await checkCredentials(credentials);
        if (!who) {
          request.log.warn(
            {
              ip: request.ip,
              username: credentials.username,
              via: credentials.token !== undefined ? 'token' : 'password',
              failures: entry.count,
            },
            'console sign-in refused',
          );
          const left = SIGN_IN_FAILURE_LIMIT - entry.count;
          const retry =
            left > 0 ? `（还可尝试 ${left} 次）` : `（已达上限，请 ${Math.ceil(SIGN_IN_FAILURE_WINDOW_MS / 60_000)} 分钟后再试）`;
          return {
            ok: false,
            statusCode: 401,
            code: 'sign_in_failed',
            message: credentials.token !== undefined ? `令牌不正确${retry}` : `用户名或密码不正确${retry}`,
          };
        }
        failures.delete(request.ip);
        const id = randomBytes(32).toString('base64url');
        const session: StaffSession = { ...who, createdAt: now, expiresAt: now + sessionMs };
        await sessions.set(id, session);
        reply.setCookie(CONSOLE_SESSION_COOKIE, id, { ...cookieOptions(request), maxAge: Math.floor(sessionMs / 1000) });
        request.log.info({ user: session.user, via: session.via }, 'console sign-in');
        return { ok: true, session };
      },
      async signOut(request, reply) {
        const id = request.cookies[CONSOLE_SESSION_COOKIE];
        if (id) await sessions.delete(id);
        reply.clearCookie(CONSOLE_SESSION_COOKIE, cookieOptions(request));
      },
      async requireStaff(request, reply) {
        if (!configured) {
          return reply.code(401).send({ error: { code: notConfigured.code, message: notConfigured.message } });
        }
        const id = request.cookies[CONSOLE_SESSION_COOKIE];
        const session = id ? await sessions.get(id) : undefined;
        if (!session) {
          return reply.code(401).send({ error: { code: 'unauthorized', message: '请先登录坐席控制台' } });
        }
        if (session.expiresAt <= Date.now()) {
          await sessions.delete(id!);
          reply.clearCookie(CONSOLE_SESSION_COOKIE, cookieOptions(request));
          return reply.code(401).send({ error: { code: 'session_expired', message: '登录已过期，请重新登录' } });
        }
        request.staff = session;
        return undefined;
      },
    };
    app.decorate('consoleAuth', auth);
    if (!configured)
      app.log.warn('hotline console: neither CONSOLE_USERS nor CONSOLE_TOKEN is set; nobody can sign in and staff routes answer 401');
  },
  { name: 'console-auth', dependencies: ['config', 'qa-log'] },
);
