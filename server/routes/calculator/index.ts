import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { describeCalculatorInputs, matchPolicies } from '../../calculator/engine.js';
import { formatYuan } from '../../../knowledge/text/money.js';
import { CalculateRequest, CalculateResponse, CalculatorInputsResponse, ErrorBody } from '../../schemas.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/calculator/inputs',
    {
      schema: {
        tags: ['计算器'],
        summary: '计算器需要的企业情况（用于生成表单）',
        response: { 200: CalculatorInputsResponse },
      },
    },
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
      const { facts, asOf = app.clock.today(), policyId } = request.body;
      const ruleSets = policyId ? app.ruleSets.filter((rs) => rs.id === policyId) : app.ruleSets;
      // Facts left blank take the policy's declared usual case, which each result prints as an assumption.
      const report = matchPolicies(ruleSets, facts, { asOf, defaults: true });
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
