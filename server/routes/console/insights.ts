import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { chinaToday } from '../../answering/advisor.js';
import { AdvisorError } from '../../errors.js';
import { AnswerKind, ErrorBody } from '../../schemas.js';

const DAY_MS = 86_400_000;

const day = (field: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: `${field} 必须是 YYYY-MM-DD 格式的日期` })
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), { message: `${field} 不是有效日期` });

export const InsightsQuery = z.strictObject({
  from: day('from').optional().describe('起始日期（含），中国时间；默认为 to 之前 6 天'),
  to: day('to').optional().describe('截止日期（含），中国时间；默认今天'),
  limit: z.coerce.number({ message: 'limit 必须是 1 到 200 的整数' }).int().min(1).max(200).default(20),
});

/** Why a question counts as unanswered, from the advisor's intent (`out_of_scope:<reason>`). */
export const UnansweredReason = z.enum(['no_clause', 'other_region', 'other_topic', 'refused', 'out_of_scope']);

export const InsightsBody = z.object({
  from: z.string(),
  to: z.string(),
  topQuestions: z.array(z.object({ question: z.string(), count: z.number().int(), lastKind: z.string() })),
  unanswered: z.array(z.object({ id: z.string(), at: z.string(), question: z.string(), reason: UnansweredReason, intent: z.string(), channel: z.string() })),
  unhelpful: z.array(z.object({ answerId: z.string(), at: z.string(), question: z.string(), kind: AnswerKind.or(z.string()), comment: z.string().nullable() })),
});

export type InsightsResponse = z.infer<typeof InsightsBody>;

function reasonOf(intent: string): z.infer<typeof UnansweredReason> {
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
      const to = request.query.to ?? chinaToday();
      const from = request.query.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 6 * DAY_MS).toISOString().slice(0, 10);
      if (from > to) throw new AdvisorError('invalid_request', `起始日期 ${from} 晚于截止日期 ${to}`);
      const range = { from: Date.parse(`${from}T00:00:00+08:00`), to: Date.parse(`${to}T23:59:59.999+08:00`), limit: request.query.limit };
      const iso = (at: number) => new Date(at).toISOString();
      return {
        from,
        to,
        topQuestions: app.qaLog.topQuestions(range),
        unanswered: app.qaLog.unanswered(range).map((r) => ({ ...r, at: iso(r.at), reason: reasonOf(r.intent) })),
        unhelpful: app.qaLog.unhelpful(range).map((r) => ({ ...r, at: iso(r.at) })),
      };
    },
  );
};

export default routes;
