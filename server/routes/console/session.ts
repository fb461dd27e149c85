import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { chinaToday } from '../../answering/advisor.js';
import { AdvisorError } from '../../errors.js';
import type { StaffSession } from '../../plugins/auth.js';
import { ErrorBody } from '../../schemas.js';

export const SignInRequest = z
  .strictObject({
    username: z.string().max(64, { message: 'username 不能超过 64 个字符' }).optional(),
    password: z.string().max(256, { message: 'password 不能超过 256 个字符' }).optional(),
    token: z.string().max(512, { message: 'token 不能超过 512 个字符' }).optional(),
  })
  .describe('坐席登录：用户名和密码，或共享令牌');

export const StaffSessionBody = z.object({
  user: z.string(),
  via: z.enum(['password', 'token']),
  expiresAt: z.string().describe('会话到期时间（ISO 8601）'),
  sessionMinutes: z.number().int(),
  today: z.string().describe('服务按此日期答复与测算（YYYY-MM-DD，中国时间）'),
});

/** Sign-in, the current session and sign-out for the hotline console. */
const routes: FastifyPluginAsyncZod<{ today?: () => string }> = async (app, options) => {
  const today = options.today ?? (() => chinaToday());
  const body = (session: StaffSession) => ({
    user: session.user,
    via: session.via,
    expiresAt: new Date(session.expiresAt).toISOString(),
    sessionMinutes: Math.round(app.consoleAuth.sessionMs / 60_000),
    today: today(),
  });

  app.post(
    '/v1/staff/session',
    {
      schema: {
        tags: ['坐席控制台'],
        summary: '坐席登录（设置会话 Cookie）',
        body: SignInRequest,
        response: { 200: StaffSessionBody, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const { username, password, token } = request.body;
      if (token === undefined && (!username?.trim() || !password)) {
        throw new AdvisorError('invalid_request', '请输入用户名和密码，或输入共享令牌');
      }
      const result = await app.consoleAuth.signIn(request, reply, token !== undefined ? { token } : { username, password });
      if (!result.ok) return reply.code(result.statusCode).send({ error: { code: result.code, message: result.message } });
      return body(result.session);
    },
  );

  app.get(
    '/v1/staff/session',
    {
      onRequest: app.consoleAuth.requireStaff,
      schema: { tags: ['坐席控制台'], summary: '当前登录的坐席', response: { 200: StaffSessionBody, 401: ErrorBody } },
    },
    async (request) => body(request.staff!),
  );

  app.delete(
    '/v1/staff/session',
    {
      onRequest: app.consoleAuth.requireStaff,
      schema: { tags: ['坐席控制台'], summary: '退出登录', response: { 200: z.object({ signedOut: z.literal(true) }), 401: ErrorBody } },
    },
    async (request, reply) => {
      app.consoleAuth.signOut(request, reply);
      return { signedOut: true as const };
    },
  );
};

export default routes;
