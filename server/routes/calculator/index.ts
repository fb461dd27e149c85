import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { chinaToday } from '../../answering/advisor.js';
import { describeCalculatorInputs, matchPolicies } from '../../calculator/engine.js';
import { formatYuan } from '../../../knowledge/text/money.js';
import { CalculateRequest, ErrorBody } from '../../schemas.js';

const Condition = z.object({ factId: z.string(), description: z.string(), met: z.boolean().nullable(), detail: z.string() });
const RuleResultBody = z.object({
  ruleId: z.string(),
  title: z.string(),
  policyId: z.string(),
  eligible: z.boolean(),
  status: z.enum(['eligible', 'ineligible', 'needs-facts', 'expired']),
  amountYuan: z.number().int().nonnegative(),
  maxYuan: z.number().int().nullable(),
  formula: z.string(),
  citation: z.object({ docId: z.string(), clauseId: z.string() }),
  conditions: z.array(Condition),
  assumptions: z.array(z.string()),
  reasons: z.array(z.string()),
  missingFacts: z.array(z.string()),
  supersededBy: z.string().optional(),
});
const CalculateResponse = z.object({
  asOf: z.string(),
  expired: z.boolean(),
  totalYuan: z.number().int().nonnegative().describe('可叠加的合计上限（已按同一年度从高、不重复处理）'),
  results: z.array(RuleResultBody),
  followUp: z.array(z.object({ factId: z.string(), question: z.string(), label: z.string() })),
  invalidFacts: z.array(z.object({ factId: z.string(), problem: z.string() })),
  notes: z.array(z.string()),
  summary: z.string().describe('可读给来电者听的一段话'),
});
const FactInputBody = z.object({
  id: z.string(),
  type: z.string(),
  label: z.string(),
  question: z.string(),
  help: z.string().optional(),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
});

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/calculator/inputs',
    { schema: { tags: ['计算器'], summary: '计算器需要的企业情况（用于生成表单）', response: { 200: z.object({ inputs: z.array(FactInputBody) }) } } },
    async () => ({
      inputs: describeCalculatorInputs(app.ruleSets).map((f) => ({
        id: f.id,
        type: f.type,
        label: f.label,
        question: f.question,
        ...(f.help ? { help: f.help } : {}),
        ...(f.options ? { options: f.options.map((o) => ({ value: o.value, label: o.label })) } : {}),
      })),
    }),
  );

  app.post(
    '/v1/calculate',
    {
      schema: {
        tags: ['计算器'],
        summary: '按企业情况测算可申请的全部奖补',
        body: CalculateRequest,
        response: { 200: CalculateResponse, 400: ErrorBody },
      },
    },
    async (request) => {
      const { facts, asOf = chinaToday(), policyId } = request.body;
      const ruleSets = policyId ? app.ruleSets.filter((rs) => rs.id === policyId) : app.ruleSets;
      const report = matchPolicies(ruleSets, facts, { asOf });
      const results = report.reports.flatMap((r) => r.results);
      const eligible = results.filter((r) => r.eligible);
      const summary = report.expired
        ? `该方案已过有效期（${asOf}），不再按该方案测算金额。`
        : eligible.length > 0
          ? `按所填情况，可申请${eligible.map((r) => `${r.title}（最高${formatYuan(r.amountYuan)}）`).join('，')}，合计最高${formatYuan(report.totalYuan)}。金额为政策上限，以主管部门审核为准。`
          : report.followUpQuestions.length > 0
            ? `还需要了解：${report.followUpQuestions.map((q) => q.label).join('、')}。`
            : '按所填情况，暂不符合本方案可测算奖补的条件。';
      return {
        asOf,
        expired: report.expired,
        totalYuan: report.totalYuan,
        results: results.map((r) => ({
          ruleId: r.ruleId,
          title: r.title,
          policyId: r.policyId,
          eligible: r.eligible,
          status: r.status,
          amountYuan: r.amountYuan,
          maxYuan: r.maxYuan,
          formula: r.formula,
          citation: r.citation,
          conditions: r.conditions.map(({ factId, description, met, detail }) => ({ factId, description, met, detail })),
          assumptions: r.assumptions,
          reasons: r.reasons,
          missingFacts: r.missingFacts,
          ...(r.supersededBy ? { supersededBy: r.supersededBy } : {}),
        })),
        followUp: report.followUpQuestions.map(({ factId, question, label }) => ({ factId, question, label })),
        invalidFacts: report.invalidFacts.map(({ factId, problem }) => ({ factId, problem })),
        notes: report.reports.flatMap((r) => r.notes),
        summary,
      };
    },
  );
};

export default routes;
