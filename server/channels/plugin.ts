import type {} from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AdvisorError } from '../errors.js';
import { CHANNEL_KEY_PREFIX, createKeyVerifier } from './channel-keys.js';

/** What a request with a valid channel key carries. */
export interface ChannelIdentity {
  /** The key's name from CHANNEL_KEYS. */
  name: string;
  /** The opaque end-user id from X-End-User, when the client named one. */
  endUser?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for requests with a valid channel key; null for anonymous callers. */
    channel: ChannelIdentity | null;
  }
}

export const END_USER_HEADER = 'x-end-user';
export const END_USER_MAX_LENGTH = 128;

/** Operations routes: never rate-limited, never asked for a key (probes and scrapers carry none). */
export const OPERATIONS_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The OpenAI-compatible route: OpenAI client libraries cannot call without an API key, so there a bearer
 * token that is not shaped like a channel key (ck_…) is the client's placeholder, not a claim to be a
 * channel, and the caller is anonymous. A ck_… token that is wrong is refused there as everywhere.
 */
const OPENAI_COMPATIBLE_ROUTE = '/v1/chat/completions';

/** The rate-limit key of a channel's total; the end-user limit adds the user after it. */
export const channelLimitKey = (name: string) => `channel:${name}`;

function readEndUser(request: FastifyRequest): string | undefined {
  const value = request.headers[END_USER_HEADER];
  if (value === undefined) return undefined;
  const id = Array.isArray(value) ? value.join(',') : value;
  if (id.length === 0 || id.length > END_USER_MAX_LENGTH) {
    throw new AdvisorError(
      'invalid_end_user',
      `X-End-User 应为 1 到 ${END_USER_MAX_LENGTH} 个字符的用户标识（建议发送用户编号的哈希），收到 ${id.length} 个字符`,
    );
  }
  if (!/^[\x21-\x7e]+$/.test(id)) {
    throw new AdvisorError('invalid_end_user', 'X-End-User 只能包含可见的 ASCII 字符（字母、数字、符号），建议发送用户编号的哈希');
  }
  return id;
}

/**
 * Channel keys (`Authorization: Bearer <key>`, CHANNEL_KEYS) and the per-end-user limit. A request with a
 * key that is not known gets 401 — never served as anonymous, or a client with a mistyped key would silently
 * fall back to the per-IP limit its users then share. A keyed request may name its end user (X-End-User):
 * that user gets CHANNEL_END_USER_LIMIT_PER_MINUTE, checked here; the key's total and the anonymous per-IP
 * limit are the rate-limit plugin's own hook (server/app.ts), which runs after this one because instance
 * hooks run before route-level hooks.
 */
export default fp(
  async (app) => {
    const { keys, endUserPerMinute } = app.config.channels;
    const verify = createKeyVerifier(keys);
    app.decorateRequest('channel', null);

    // Same store as the plugin's own limits, so with REDIS_URL every instance counts a user's requests together.
    const endUserLimit = app.createRateLimit({
      max: endUserPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => `${channelLimitKey(request.channel!.name)}:user:${request.channel!.endUser}`,
      allowList: () => false,
    });
    // Every key's refusal counters exist from the start, at 0, so a dashboard shows a key before its first refusal.
    for (const { name } of keys) for (const scope of ['key', 'end_user']) app.metrics.rateLimited.inc({ key: name, scope }, 0);

    app.addHook('onRequest', async (request, reply) => {
      if (OPERATIONS_ROUTES.has(request.url)) return;
      const authorization = request.headers.authorization;
      if (authorization === undefined) return;
      const refuse = (message: string) => {
        app.metrics.channelKeyRejections.inc();
        reply.header('www-authenticate', 'Bearer');
        return new AdvisorError('invalid_channel_key', message, 401);
      };
      const presented = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization)?.[1];
      if (request.routeOptions.url === OPENAI_COMPATIBLE_ROUTE && !presented?.startsWith(CHANNEL_KEY_PREFIX)) return;
      if (!presented) throw refuse('Authorization 请求头应为“Bearer <渠道密钥>”；不使用渠道密钥时请不要发送该请求头');
      const name = keys.length > 0 ? verify(presented) : undefined;
      if (!name) {
        request.log.warn({ ip: request.ip }, 'request with an unknown channel key refused');
        throw refuse(
          keys.length > 0
            ? '渠道密钥无效：请核对 Authorization 中的密钥（由 npm run channel:key 生成，其条目须在服务的 CHANNEL_KEYS 中）'
            : '本服务未配置渠道密钥（CHANNEL_KEYS），不接受 Authorization 请求头；请去掉该请求头，或请管理员配置渠道密钥',
        );
      }
      const endUser = readEndUser(request);
      request.channel = endUser === undefined ? { name } : { name, endUser };
      if (endUser === undefined) return;
      const limit = await endUserLimit(request);
      if (!limit.isAllowed && limit.isExceeded) {
        app.metrics.rateLimited.inc({ key: name, scope: 'end_user' });
        reply.header('retry-after', limit.ttlInSeconds);
        throw new AdvisorError(
          'rate_limited',
          `这位用户的请求过于频繁（每分钟最多 ${limit.max} 次），请 ${limit.ttlInSeconds} 秒后再试`,
          429,
        );
      }
    });
  },
  { name: 'channels', dependencies: ['config', 'metrics', '@fastify/rate-limit'] },
);
