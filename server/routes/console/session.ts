import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AdvisorError } from '../../errors.js';
import type { StaffSession } from '../../plugins/auth.js';
import { ErrorBody, SignedOutBody, SignInRequest, StaffSessionBody } from '../../schemas.js';

/** Sign-in, the current session and sign-out for the hotline console. */
const routes: FastifyPluginAsyncZod = async (app) => {
  const body = (session: StaffSession) => ({
    user: session.user,
    via: session.via,
    expiresAt: new Date(session.expiresAt).toISOString(),
    sessionMinutes: Math.round(app.consoleAuth.sessionMs / 60_000),
    today: app.clock.today(),
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
      schema: { tags: ['坐席控制台'], summary: '退出登录', response: { 200: SignedOutBody, 401: ErrorBody } },
    },
    async (request, reply) => {
      await app.consoleAuth.signOut(request, reply);
      return { signedOut: true as const };
    },
  );
};

export default routes;
