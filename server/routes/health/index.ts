import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    { schema: { tags: ['运维'], summary: '进程存活', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['运维'],
        summary: '知识库已加载，可以答题',
        response: {
          200: z.object({
            status: z.literal('ready'),
            documents: z.number().int(),
            clauses: z.number().int(),
            index: z.enum(['loaded', 'built']),
            embedder: z.string(),
            sessions: z.string(),
            model: z.string().nullable(),
          }),
        },
      },
    },
    async () => ({
      status: 'ready' as const,
      documents: app.knowledge.documents.length,
      clauses: app.knowledge.clauses.length,
      index: app.knowledge.origin,
      embedder: app.knowledge.embedderId,
      sessions: app.sessions.kind,
      model: app.config.llm?.model ?? null,
    }),
  );
};

export default routes;
