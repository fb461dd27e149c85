import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, FeedbackRequest } from '../../schemas.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/feedback',
    {
      schema: {
        tags: ['问答'],
        summary: '对一条答复的反馈（有用 / 没用，可附意见）',
        body: FeedbackRequest,
        response: { 200: z.object({ ok: z.literal(true) }), 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const stored = await app.qaLog.recordFeedback({ ...request.body, at: app.clock.now() });
      if (!stored)
        return reply.code(404).send({ error: { code: 'answer_not_found', message: `没有编号为 ${request.body.answerId} 的答复记录` } });
      return { ok: true as const };
    },
  );
};

export default routes;
