import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AdvisorError } from '../../errors.js';
import { ErrorBody, InsightsBody, InsightsQuery, type UnansweredReasonValue } from '../../schemas.js';

const DAY_MS = 86_400_000;

function reasonOf(intent: string): UnansweredReasonValue {
  if (intent.includes('no-clause')) return 'no_clause';
  if (intent.includes('other-region')) return 'other_region';
  if (intent.includes('other-topic')) return 'other_topic';
  if (intent.includes('refused')) return 'refused';
  return 'out_of_scope';
}

/** Staff-only: what callers ask, what the advisor could not answer, answers marked unhelpful (from the Q&A log). */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRequest', app.consoleAuth.requireStaff);

  app.get(
    '/v1/staff/insights',
    {
      schema: {
        tags: ['坐席控制台'],
        summary: '问答洞察：常问问题、未能回答的问题、被标记“没用”的答复（按中国时间的日期区间）',
        querystring: InsightsQuery,
        response: { 200: InsightsBody, 400: ErrorBody, 401: ErrorBody },
      },
    },
    async (request) => {
      const to = request.query.to ?? app.clock.today();
      const from = request.query.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 6 * DAY_MS).toISOString().slice(0, 10);
      if (from > to) throw new AdvisorError('invalid_request', `起始日期 ${from} 晚于截止日期 ${to}`);
      const range = { from: Date.parse(`${from}T00:00:00+08:00`), to: Date.parse(`${to}T23:59:59.999+08:00`), limit: request.query.limit };
      const iso = (at: number) => new Date(at).toISOString();
      const [topQuestions, unanswered, unhelpful] = await Promise.all([
        app.qaLog.topQuestions(range),
        app.qaLog.unanswered(range),
        app.qaLog.unhelpful(range),
      ]);
      return {
        from,
        to,
        topQuestions,
        unanswered: unanswered.map((r) => ({ ...r, at: iso(r.at), reason: reasonOf(r.intent) })),
        unhelpful: unhelpful.map((r) => ({ ...r, at: iso(r.at) })),
      };
    },
  );
};

export default routes;
