import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import sensible from '@fastify/sensible';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AdvisorConfig } from './config.js';
import channelsPlugin, { channelLimitKey, OPERATIONS_ROUTES } from './channels/plugin.js';
import { AdvisorError } from './errors.js';
import advisorPlugin, { type AdvisorPluginOptions } from './plugins/advisor.js';
import authPlugin from './plugins/auth.js';
import clockPlugin from './plugins/clock.js';
import configPlugin from './plugins/config.js';
import knowledgePlugin from './plugins/knowledge.js';
import metricsPlugin from './plugins/metrics.js';
import qaLogPlugin from './plugins/qa-log.js';
import askRoutes from './routes/ask/index.js';
import calculatorRoutes from './routes/calculator/index.js';
import chatRoutes from './routes/chat/index.js';
import consoleRoutes from './routes/console/index.js';
import feedbackRoutes from './routes/feedback/index.js';
import healthRoutes from './routes/health/index.js';
import policiesRoutes from './routes/policies/index.js';
import searchRoutes from './routes/search/index.js';

export interface AppOptions extends AdvisorPluginOptions {
  config: AdvisorConfig;
  /** Today's date for every route and the advisor (tests); default: the system clock. */
  today?: () => string;
}

/** Request bodies larger than this are refused (413): a question is at most 2,000 characters. */
export const BODY_LIMIT_BYTES = 64 * 1024;

const TYPE_NAMES: Record<string, string> = { string: '字符串', number: '数字', boolean: '布尔值', object: '对象', array: '数组' };

/** One validation issue as a caller can act on it: the field and what is wrong, in Chinese. */
function describeIssue(
  issue: { code?: string; path?: PropertyKey[]; message?: string; expected?: string; keys?: string[] },
  part: string,
): string {
  const field = (issue.path ?? []).map(String).join('.') || part;
  switch (issue.code) {
    case 'unrecognized_keys':
      return `不支持的字段：${(issue.keys ?? []).join('、')}`;
    case 'invalid_type':
      return issue.message && /[\u4e00-\u9fff]/.test(issue.message)
        ? issue.message
        : `${field} ${issue.message?.includes('received undefined') ? '缺失' : `类型错误，应为${TYPE_NAMES[issue.expected ?? ''] ?? issue.expected}`}`;
    default:
      return issue.message && /[\u4e00-\u9fff]/.test(issue.message) ? issue.message : `${field}：${issue.message ?? '无效'}`;
  }
}

/** The whole service as one plugin: shared services, public routes, OpenAPI docs, one error handler. */
const app: FastifyPluginAsync<AppOptions> = async (instance, options) => {
  const { config } = options;
  instance.setValidatorCompiler(validatorCompiler);
  instance.setSerializerCompiler(serializerCompiler);
  // Only JSON bodies: a text/plain body would otherwise reach validation as a string.
  instance.removeContentTypeParser('text/plain');

  await instance.register(configPlugin, { config });
  await instance.register(clockPlugin, { today: options.today });
  await instance.register(sensible);
  await instance.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // The hotline console is often reached over plain HTTP on a call centre's LAN: no forced upgrade to HTTPS.
        upgradeInsecureRequests: null,
      },
    },
  });
  await instance.register(cors, { origin: config.corsOrigins.length > 0 ? config.corsOrigins : false });
  // With REDIS_URL the counters are shared, so a client cannot multiply its limit by the number of processes.
  const rateLimitRedis = config.sessions.redisUrl
    ? new Redis(config.sessions.redisUrl, { connectTimeout: 2000, maxRetriesPerRequest: 1 })
    : undefined;
  if (rateLimitRedis) instance.addHook('onClose', async () => void (await rateLimitRedis.quit().catch(() => rateLimitRedis.disconnect())));
  await instance.register(rateLimit, {
    ...(rateLimitRedis ? { redis: rateLimitRedis, nameSpace: 'advisor-rate-limit-' } : {}),
    // Without a channel key a caller is its IP address; with one (request.channel, set by the channels
    // plugin's onRequest hook, which runs before this plugin's route-level hook) it is the key, whose total
    // replaces the per-IP limit: a bot serves all its users from one address.
    max: (request) => (request.channel ? config.channels.keyPerMinute : config.rateLimitPerMinute),
    timeWindow: 60_000,
    // Enough entries that busy keyed clients and their end users are not evicted (and so reset) early.
    cache: 100_000,
    allowList: (request) => OPERATIONS_ROUTES.has(request.url),
    // The plugin's own key for IPs: IPv6 addresses grouped by subnet. Its IPv6 test is a long regular
    // expression run on every request; an IPv4 address (no colon) needs none of it.
    keyGenerator: (request) =>
      request.channel
        ? channelLimitKey(request.channel.name)
        : request.ip.includes(':')
          ? normalizeIP(request.ip)
          : request.ip.toLowerCase(),
    onExceeded: (request) =>
      instance.metrics.rateLimited.inc({ key: request.channel?.name ?? 'anonymous', scope: request.channel ? 'key' : 'ip' }),
    errorResponseBuilder: (request, context) => ({
      statusCode: 429,
      error: {
        code: 'rate_limited',
        message: request.channel
          ? `渠道 ${request.channel.name} 的请求总量已达上限（每分钟 ${context.max} 次），请 ${Math.ceil(context.ttl / 1000)} 秒后再试`
          : `请求过于频繁，请 ${Math.ceil(context.ttl / 1000)} 秒后再试`,
      },
    }),
  });
  await instance.register(swagger, {
    openapi: {
      info: { title: '政策咨询助手 API', description: '金额只来自计算器，或引用自条款原文。', version: '1.0.0' },
      tags: [{ name: '问答' }, { name: '条款' }, { name: '计算器' }, { name: '兼容接口' }, { name: '运维' }],
    },
    transform: jsonSchemaTransform,
  });
  await instance.register(swaggerUi, { routePrefix: '/docs' });

  await instance.register(metricsPlugin);
  await instance.register(channelsPlugin);
  await instance.register(knowledgePlugin);
  await instance.register(qaLogPlugin);
  await instance.register(advisorPlugin, { sessions: options.sessions });
  await instance.register(authPlugin);

  instance.setErrorHandler((error: FastifyError | AdvisorError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const part = error.validationContext ?? 'body';
      const message = error.validation
        .map((v) =>
          describeIssue(
            { ...(v.params as object), code: v.keyword, message: v.message, path: v.instancePath.split('/').filter(Boolean) },
            part,
          ),
        )
        .join('；');
      return reply.code(400).send({ error: { code: 'invalid_request', message } });
    }
    if (error instanceof AdvisorError) return reply.code(error.statusCode).send({ error: { code: error.code, message: error.message } });
    const status = error.statusCode ?? 500;
    if (status === 429) {
      const body = (error as unknown as { error?: { code: string; message: string } }).error;
      return reply.code(429).send({ error: body ?? { code: 'rate_limited', message: '请求过于频繁，请稍后再试' } });
    }
    if (status < 500) {
      const known: Record<string, [string, string]> = {
        FST_ERR_CTP_INVALID_JSON_BODY: ['invalid_json', '请求体不是有效的 JSON'],
        FST_ERR_CTP_EMPTY_JSON_BODY: ['invalid_json', '请求体为空，需要 JSON，例如 {"question":"…"}'],
        FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', `请求体过大（上限 ${BODY_LIMIT_BYTES / 1024} KB）`],
        FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', '只接受 application/json 请求体'],
        FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['invalid_request', '请求体长度与 Content-Length 不符'],
      };
      const [code, message] =
        known[error.code ?? ''] ??
        (error instanceof SyntaxError ? ['invalid_json', '请求体不是有效的 JSON'] : ['invalid_request', error.message]);
      return reply.code(status).send({ error: { code, message } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: { code: 'internal_error', message: '服务暂时出现问题，请稍后再试' } });
  });

  instance.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'not_found', message: `没有这个接口：${request.method} ${request.url.split('?')[0]}，接口说明见 /docs` } }),
  );

  await instance.register(healthRoutes);
  await instance.register(askRoutes);
  await instance.register(searchRoutes);
  await instance.register(policiesRoutes);
  await instance.register(calculatorRoutes);
  await instance.register(chatRoutes);
  await instance.register(feedbackRoutes);
  await instance.register(consoleRoutes);
};

export default app;

/** Pino options: secrets never logged, whatever the level. */
export function loggerOptions(config: AdvisorConfig): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
        '*.apiKey',
        '*.password',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
}

/** A Fastify instance with the whole service registered, not yet listening. */
export async function buildServer(options: AppOptions & { logger?: FastifyServerOptions['logger'] }): Promise<FastifyInstance> {
  const instance = Fastify({
    logger: options.logger ?? loggerOptions(options.config),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.config.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  // Registered without encapsulation so the service's decorators (qaLog, advisor…) are reachable from the
  // root instance, as tests and the start script need.
  await instance.register(fp(app, { name: 'advisor-app' }), options);
  await instance.ready();
  return instance;
}
