import type { Rule, RuleSet } from '../../../knowledge/rules/rules-schema.js';
import { formatYuan } from '../../../knowledge/text/money.js';
import { evaluateRules, type RuleResult } from '../../calculator/engine.js';
import type { FactValue } from '../../calculator/facts.js';
import { amountText, shortAmountText, UPPER_BOUND_LINE, validitySentence, whoQualifies } from '../compose/award-text.js';
import type { Reply, TurnContext } from './context.js';
import { citedClauses, factsUsedLines } from './shared.js';

/** Awards an overview lists one by one; beyond this it names their kinds and leaves the list to the details. */
const OVERVIEW_LIST_MAX = 8;
/** Kinds of award named as examples when there are too many to list. */
const OVERVIEW_EXAMPLES = 5;

/**
 * Which awards can we get (我们能申请哪些补贴): every award of the base's documents in force, each with its
 * amount and one line of who qualifies. With facts about the company, the awards are worked out: those it
 * can get with their amounts first, those still undecided with their caps, and what is missing.
 */
export function overview(ctx: TurnContext): Reply {
  const live = ctx.knowledge.ruleSets.filter((rs) => ctx.asOf <= rs.validity.to && ctx.asOf >= rs.validity.from);
  if (live.length === 0) {
    const notes = ctx.knowledge.ruleSets
      .map((rs) => ctx.knowledge.getDocument(rs.docId))
      .map((meta) => (meta ? validitySentence(meta, ctx.asOf) : undefined))
      .filter((l): l is string => Boolean(l));
    return {
      kind: 'lookup',
      intent: 'overview:expired',
      answer: `${notes.join('')}到期后不再按这些文件给出金额，请关注主管部门发布的后续政策。`,
      details: `如需了解现行政策，请拨打 ${ctx.hotline}。`,
      citations: [],
      calculations: [],
    };
  }
  const knowsCompany = ctx.facts.size > 0;
  const lines: string[] = [];
  const results: RuleResult[] = [];
  const ruleById = new Map<string, Rule>();
  for (const ruleSet of live) {
    for (const rule of ruleSet.rules) ruleById.set(rule.id, rule);
    if (knowsCompany) results.push(...evaluate(ctx, ruleSet).results);
  }
  const title = live.length === 1 ? `《${live[0]!.title}》` : '本知识库的政策';
  if (!knowsCompany) {
    const all = live.flatMap((ruleSet) => ruleSet.rules);
    if (all.length <= OVERVIEW_LIST_MAX) {
      lines.push(`${title}中可以测算金额的奖补有：`);
      for (const rule of all) lines.push(`· ${rule.title}：${shortAmountText(rule, ctx.decls)}`);
    } else {
      // Too many to list in one bubble: how many each document has and a few kinds, the rest in the details.
      const perDocument = live.map((rs) => `《${ctx.knowledge.getDocument(rs.docId)?.shortTitle ?? rs.title}》${rs.rules.length}项`);
      const topics = [...new Set(ctx.terms.topics.filter((t) => live.includes(t.ruleSet)).map((t) => t.topic.title))];
      lines.push(
        `${title}中可以测算金额的奖补共${all.length}项（${perDocument.join('、')}），如${topics.slice(0, OVERVIEW_EXAMPLES).join('、')}等。`,
      );
    }
    lines.push('告诉我贵企业的情况，我帮您逐项测算。');
  } else {
    const eligible = results.filter((r) => r.eligible);
    const open = results.filter((r) => r.status === 'needs-facts');
    const total = eligible.reduce((sum, r) => sum + r.amountYuan, 0);
    if (eligible.length > 0) {
      lines.push(`按您说的情况，可申请${eligible.length}项，合计最高${formatYuan(total)}：`);
      for (const r of eligible) lines.push(`· ${r.title}：最高${formatYuan(r.amountYuan)}`);
    }
    if (open.length > 0) {
      lines.push(eligible.length > 0 ? '还可能申请（需补充情况）：' : '以下奖补还需了解贵企业的情况才能测算：');
      for (const r of open.slice(0, OVERVIEW_LIST_MAX)) lines.push(`· ${r.title}：${shortAmountText(ruleById.get(r.ruleId)!, ctx.decls)}`);
      if (open.length > OVERVIEW_LIST_MAX) lines.push(`· 另有${open.length - OVERVIEW_LIST_MAX}项，见详情`);
    }
    if (eligible.length === 0 && open.length === 0) lines.push(`按您说的情况，${title}中暂无可以申请的奖补。`);
  }
  const citations = citedClauses(
    ctx,
    live.flatMap((rs) => rs.rules.map((r) => r.citation)),
  );
  const details = [
    ...live.flatMap((rs) => rs.rules.map((rule) => `【${rule.title}】${amountText(rule, ctx.decls)}；${whoQualifies(rule)}`)),
    ...factsUsedLines(ctx, ctx.facts, results),
    ...live.map((rs) => ctx.knowledge.getDocument(rs.docId)).map((meta) => (meta ? validitySentence(meta, ctx.asOf) : undefined)),
    UPPER_BOUND_LINE,
  ].filter((l): l is string => Boolean(l));
  return {
    // Asked about the company's own awards with nothing known yet: the list, and a question back.
    kind: knowsCompany && results.some((r) => r.eligible) ? 'calculation' : ctx.reading.own ? 'clarify' : 'lookup',
    intent: knowsCompany ? 'overview:company' : 'overview',
    answer: lines.join('\n'),
    details: details.join('\n'),
    citations,
    calculations: results.filter((r) => r.eligible),
    ...(knowsCompany ? { totalYuan: results.filter((r) => r.eligible).reduce((s, r) => s + r.amountYuan, 0) } : {}),
    topics: [],
  };
}

function evaluate(ctx: TurnContext, ruleSet: RuleSet) {
  const values: Record<string, FactValue> = {};
  for (const [id, f] of ctx.facts) values[id] = f.value;
  return evaluateRules(ruleSet, values, { asOf: ctx.asOf, defaults: true });
}
