import { matchAnyFrame } from '../../../knowledge/rules/frames.js';
import { factsOfRule, statedAmounts } from '../../../knowledge/rules/rule-facts.js';
import type { Rule, RuleSet } from '../../../knowledge/rules/rules-schema.js';
import { formatYuan } from '../../../knowledge/text/money.js';
import type { Clause } from '../../../knowledge/types.js';
import { evaluateRules, type RuleResult } from '../../calculator/engine.js';
import { displayFactValue, type FactValue } from '../../calculator/facts.js';
import { amountText, shortFormula, thresholdText, UPPER_BOUND_LINE, validitySentence, whoQualifies } from '../compose/award-text.js';
import type { CompiledTopic } from '../understand/base-terms.js';
import type { MoneyIssue } from '../understand/read-facts.js';
import { askFor, claimCorrection, citedClauses, factsUsedLines, validityClause } from './shared.js';
import type { KnownFact, Reply, TurnContext } from './context.js';

/**
 * Works out the awards of the topics asked about for the asker's company: the calculator on the facts the
 * conversation has, the base's declared defaults for what the user did not say (printed as assumptions),
 * and a question back only for a fact that decides the amount. Figures a clause cannot use (a pre-tax
 * price, a rough amount) are never computed on: the answer says why and asks for the right one.
 */
export function calculate(ctx: TurnContext): Reply {
  const rules = rulesOf(ctx.topics);
  const issue = ctx.issues.find((i) => rules.some(({ rule }) => factsOfRule(rule).has(i.factId)) && !ctx.facts.has(i.factId));
  if (issue?.kind === 'approximate' && sameAcrossRange(ctx, issue, rules)) {
    // A rough figure whose every plausible value gives the same amounts (大概一个半亿: far past the cap) is used.
    const facts = new Map(ctx.facts).set(issue.factId, {
      value: issue.yuan,
      said: `${issue.said}（${issue.upToYuan !== undefined ? `按${formatYuan(issue.yuan)}至${formatYuan(issue.upToYuan)}` : '在约数上下两成'}的范围内金额都相同）`,
      how: 'stated',
    });
    return calculate({ ...ctx, facts, issues: ctx.issues.filter((i) => i !== issue) });
  }
  if (issue) return moneyIssueReply(ctx, issue, rules);

  const byRuleSet = new Map<RuleSet, Rule[]>();
  for (const { rule, ruleSet } of rules) byRuleSet.set(ruleSet, [...(byRuleSet.get(ruleSet) ?? []), rule]);

  const results: RuleResult[] = [];
  const assumed = new Map<string, KnownFact>();
  const notes: string[] = [];
  const expired: RuleSet[] = [];
  for (const [ruleSet, ruleList] of byRuleSet) {
    const values: Record<string, FactValue> = {};
    for (const [id, fact] of ctx.facts) values[id] = fact.value;
    // The usual case for what the user did not say, as the base declares it, printed as an assumption.
    const report = evaluateRules(ruleSet, values, { asOf: ctx.asOf, ruleIds: ruleList.map((r) => r.id), defaults: true });
    for (const id of report.assumedFacts) {
      const decl = ruleSet.facts.find((f) => f.id === id)!;
      assumed.set(id, { value: decl.default!.value, said: decl.default!.assumption, how: 'default' });
    }
    if (report.expired) expired.push(ruleSet);
    notes.push(...report.notes);
    const wanted = new Set(ruleList.map((r) => r.id));
    results.push(...report.results.filter((r) => wanted.has(r.ruleId)));
  }

  if (expired.length === byRuleSet.size) return expiredReply(ctx, expired, rules, results);

  const topicOf = (ruleId: string) => ctx.topics.find((t) => t.topic.rules.includes(ruleId));
  const ruleById0 = new Map(rules.map(({ rule }) => [rule.id, rule]));
  // Raised to a higher grade of an award it was already paid for (附则：晋升只奖励差额): the amount less what the
  // company says it received for that award, in this message or earlier in the conversation.
  const setOf = new Map([...byRuleSet.keys()].map((rs) => [rs.id, rs]));
  for (const r of results) {
    const difference = setOf.get(r.policyId)?.upgradeDifference;
    const topic = topicOf(r.ruleId);
    const prior = topic ? ctx.received.get(topic.topic.id) : undefined;
    if (!difference || prior === undefined || !r.eligible || prior <= 0) continue;
    if (prior >= r.amountYuan) continue; // the same grade again: left to "already received" below
    const full = r.amountYuan;
    r.amountYuan = full - prior;
    r.formula = `${r.formula}；晋升只奖差额：${full.toLocaleString('en-US')} − 已获 ${prior.toLocaleString('en-US')} = ${r.amountYuan.toLocaleString('en-US')}`;
    r.assumptions = [...r.assumptions, difference];
  }
  // Eligible but worth nothing with the figures given (0平方米 × 3元): never "可申请…最高0元".
  const worthless = results.filter((r) => r.eligible && r.amountYuan === 0);
  // A one-off award the company says it already received (2025年评上省级已经领了50万): not offered again.
  const receivedAlready = results.filter((r) => r.eligible && r.amountYuan > 0 && saysReceived(ctx, ruleById0.get(r.ruleId)!));
  const eligible = results.filter((r) => r.eligible && r.amountYuan > 0 && !receivedAlready.includes(r));
  // An award whose exclusivity group already pays the company a higher one is not worth a question back.
  const groupOf = (id: string) => ruleById0.get(id)?.exclusivity?.group;
  const paidGroups = new Set(eligible.map((r) => groupOf(r.ruleId)).filter((g): g is string => g !== undefined));
  const waiting = results.filter((r) => r.status === 'needs-facts' && !paidGroups.has(groupOf(r.ruleId) ?? ''));
  // An award is worth mentioning as unavailable when its topic offers nothing else, or when it fails on
  // more than who the company is (a threshold, the validity, a subsidy already received, 从高不重复).
  const relevantIneligible = results.filter((r) => {
    if (r.status !== 'ineligible') return false;
    if (r.supersededBy) return true;
    const siblings = results.filter(
      (o) =>
        o !== r &&
        topicOf(o.ruleId) === topicOf(r.ruleId) &&
        (o.eligible || waiting.includes(o) || (o.status === 'needs-facts' && paidGroups.size > 0)),
    );
    return siblings.length === 0 || r.conditions.some((c) => c.met === false && c.role !== 'eligibility');
  });

  const ruleById = new Map(rules.map(({ rule }) => [rule.id, rule]));
  if (eligible.length === 0 && relevantIneligible.length === 0 && waiting.length > 0) {
    return clarifyReply(ctx, waiting, ruleById);
  }

  const valuesUsed = new Map<string, unknown>([...ctx.facts].map(([id, f]) => [id, f.value]));
  for (const [id, f] of assumed) valuesUsed.set(id, f.value);
  const lines: string[] = [];
  const hypothetical = [...ctx.facts.values()].some((f) => f.how === 'hypothetical');
  const lead = hypothetical ? '按您假设的情况，' : '';
  const total = eligible.reduce((sum, r) => sum + r.amountYuan, 0);
  if (eligible.length === 1) {
    const r = eligible[0]!;
    const formula = shortFormula(r, ruleById.get(r.ruleId)!, valuesUsed);
    lines.push(`${lead}可申请${r.title}，最高${formatYuan(r.amountYuan)}${formula ? `（${formula}）` : ''}。`);
  } else if (eligible.length > 1) {
    lines.push(
      `${lead}可申请${eligible.length}项，合计最高${formatYuan(total)}：${eligible.map((r) => `${r.title}${formatYuan(r.amountYuan)}`).join('；')}。`,
    );
  }
  // A status or prize the company names that no award of the topic pays at all (a lower grade of a status, 优秀奖): said as the
  // policy having nothing for it, not as an award the company cannot get yet (暂不能申请).
  const notRewarded = notRewardedOption(ctx, results, eligible.length + waiting.length === 0 ? relevantIneligible : []);
  if (notRewarded) lines.push(`${ctx.topics.length === 1 ? ctx.topics[0]!.topic.title : '本政策的奖补'}没有对“${notRewarded}”的规定，`);
  for (const r of relevantIneligible) {
    const reason = (r.reasons[0] ?? '').replace(/。$/, '');
    if (notRewarded) {
      lines.push(`${reason}。`);
      continue;
    }
    lines.push(`${eligible.length === 0 && lines.length === 0 ? lead : ''}暂不能申请${r.title}：${reason}。`);
  }
  // A figure worked out from the user's own (含税 less 税额, or ÷ the VAT rate) is said as such, so the owner
  // sees which number the amount rests on.
  for (const [id, f] of ctx.facts) {
    const decl = ctx.decls.get(id);
    if (decl?.type !== 'money' || f.how === 'default' || typeof f.value !== 'number' || !/[÷−]/.test(f.said ?? '')) continue;
    if (eligible.length + relevantIneligible.length === 0) continue;
    lines.push(
      `${decl.label.replace(/（.*?）/g, '')}按${decl.taxBasis === 'excluding-tax' ? '不含税' : ''}${formatYuan(f.value)}计（${f.said}）。`,
    );
  }
  for (const r of receivedAlready) lines.push(`${r.title}您说已经领取，不再计入。`);
  for (const r of worthless) lines.push(`${r.title}按您给的数字计算为0元，请核对所给的面积、数量或金额。`);
  const correction = claimCorrection(
    ctx,
    results.map((r) => r.amountYuan).concat(rules.flatMap(({ rule }) => statedAmounts(rule))),
    rules.map(({ rule }) => rule),
  );
  if (correction) lines.push(correction);
  const defaults =
    eligible.length > 0 ? [...assumed.keys()].filter((id) => eligible.some((r) => factsOfRule(ruleById.get(r.ruleId)!).has(id))) : [];
  const shorts = defaults.map((id) => ctx.decls.get(id)?.default?.short).filter((s): s is string => Boolean(s));
  if (shorts.length > 0) lines.push(`前提是${shorts.join('、')}，如不符请告诉我。`);
  let pending: string | undefined;
  const followUp: string[] = [];
  if (waiting.length > 0 && eligible.length + relevantIneligible.length > 0) {
    const next = firstMissing(ctx, waiting);
    if (next) {
      lines.push(`另外，${[...new Set(waiting.map((r) => r.title))].join('、')}还需要知道：${askFor(next)}`);
      pending = next.id;
      followUp.push(next.question);
    }
  } else if (defaults.length > 0) {
    // A bare "是的 / 没有" next answers the last assumption.
    pending = defaults.at(-1);
  }
  if (ctx.reading.injected.length > 0) lines.push('您消息中要求更改规则或金额的内容未被采纳，金额只按政策原文计算。');

  const reported = [...eligible, ...relevantIneligible, ...waiting.filter(() => eligible.length + relevantIneligible.length > 0)];
  const clauses = citedClauses(
    ctx,
    reported.map((r) => r.citation),
  );
  const details: string[] = [];
  for (const r of reported) {
    details.push(`【${r.title}】`);
    if (r.eligible || r.supersededBy) details.push(`计算：${r.formula}`);
    else details.push(r.reasons.join(''));
    const checks = r.conditions
      .filter((c) => c.met !== null)
      .map((c) => `${c.met ? '✓' : '✗'} ${c.description}${c.detail ? `（${c.detail}）` : ''}`);
    if (checks.length) details.push(`条件核对：${checks.join('；')}`);
  }
  const allFacts = new Map<string, KnownFact>([...ctx.facts, ...assumed]);
  details.push(...factsUsedLines(ctx, allFacts, reported));
  const assumptions = [...new Set(reported.flatMap((r) => r.assumptions))].filter((a) => !a.includes('以主管部门审核为准'));
  if (assumptions.length) details.push('说明：', ...assumptions.map((a) => `· ${a}`));
  details.push(...notes);
  for (const ruleSet of byRuleSet.keys()) {
    const meta = ctx.knowledge.getDocument(ruleSet.docId);
    const validity = meta ? validitySentence(meta, ctx.asOf) : undefined;
    if (validity) details.push(validity);
  }
  details.push(UPPER_BOUND_LINE);

  return {
    kind: 'calculation',
    intent: eligible.length > 0 ? 'calculation' : notRewarded ? 'calculation:not-rewarded' : 'calculation:ineligible',
    answer: lines.join(''),
    details: details.join('\n'),
    citations: clauses,
    calculations: reported,
    totalYuan: total,
    ...(followUp.length ? { followUp } : {}),
    ...(pending ? { pending } : {}),
    topics: ctx.topics.map((t) => t.topic.id),
  };
}

/** The rules of the topics, each once, with its rule set. */
export function rulesOf(topics: readonly CompiledTopic[]): { rule: Rule; ruleSet: RuleSet }[] {
  const seen = new Set<string>();
  const out: { rule: Rule; ruleSet: RuleSet }[] = [];
  for (const t of topics) {
    for (const id of t.topic.rules) {
      const rule = t.ruleSet.rules.find((r) => r.id === id);
      if (rule && !seen.has(id)) {
        seen.add(id);
        out.push({ rule, ruleSet: t.ruleSet });
      }
    }
  }
  return out;
}

/** The first fact, in conversation order, that the waiting awards still need. */
function firstMissing(ctx: TurnContext, waiting: readonly RuleResult[]) {
  const missing = new Set(waiting.flatMap((r) => r.missingFacts));
  const id = ctx.terms.factOrder.find((f) => missing.has(f));
  return id ? ctx.decls.get(id) : undefined;
}

/** Whether a figure the user says was received is this award's amount, said of the award itself. */
function saysReceived(ctx: TurnContext, rule: Rule): boolean {
  const topics = ctx.topics.filter((t) => t.topic.rules.includes(rule.id));
  const amounts = statedAmounts(rule);
  return ctx.reading.money.some(
    (m) =>
      m.role === 'received' &&
      amounts.includes(m.yuan) &&
      // Named in its own clause or the one before it (2024年评上省级，已经领了50万).
      [m.clause, m.clause - 1].some((i) => topics.some((t) => matchAnyFrame(ctx.reading.clauses[i]?.text ?? '', t.frames) !== undefined)),
  );
}

/** Characters the awards' terms may take in a clarification before only their names are given. */
const CLARIFY_TERMS_BUDGET = 80;

/** Answer first (the policy's amount for the award), then the one fact that decides it. */
function clarifyReply(ctx: TurnContext, waiting: readonly RuleResult[], ruleById: ReadonlyMap<string, Rule>): Reply {
  const next = firstMissing(ctx, waiting)!;
  const rules = [...new Map(waiting.map((r) => [r.ruleId, ruleById.get(r.ruleId)!])).values()];
  const shown = rules.slice(0, 3).map((rule) => {
    const threshold = thresholdText(rule, ctx.decls);
    return `${rule.title}${amountText(rule, ctx.decls)}${threshold ? `（${threshold}）` : ''}`;
  });
  // A clarification is short (one bubble, said in a breath): a long table of amounts goes to the details and
  // the answer names the awards only.
  const terms = shown.join('；');
  const lead =
    terms.length <= CLARIFY_TERMS_BUDGET
      ? terms
      : `可以测算${rules
          .slice(0, 3)
          .map((rule) => rule.title)
          .join('、')}（标准见详情）`;
  const answer = `${lead}。要帮您算，还需要知道：${askFor(next)}`;
  const clauses = citedClauses(
    ctx,
    waiting.map((r) => r.citation),
  );
  const details = [
    ...rules.map((rule) => `【${rule.title}】${amountText(rule, ctx.decls)}；${whoQualifies(rule)}`),
    ...factsUsedLines(ctx, ctx.facts, waiting),
    `还需要：${[...new Set(waiting.flatMap((r) => r.missingFacts))].map((id) => ctx.decls.get(id)?.label ?? id).join('、')}。`,
  ];
  return {
    kind: 'clarify',
    intent: 'clarify:missing-fact',
    answer,
    details: details.join('\n'),
    citations: clauses,
    calculations: [],
    followUp: [next.question],
    pending: next.id,
    topics: ctx.topics.map((t) => t.topic.id),
  };
}

/**
 * Whether a rough figure decides nothing: the awards come out the same at its lower and upper ends — the
 * range it names, or a fifth either side of a figure said roughly.
 */
function sameAcrossRange(ctx: TurnContext, issue: MoneyIssue, rules: readonly { rule: Rule; ruleSet: RuleSet }[]): boolean {
  const lo = issue.upToYuan !== undefined ? issue.yuan : Math.floor(issue.yuan * 0.8);
  const hi = issue.upToYuan ?? Math.ceil(issue.yuan * 1.2);
  const outcome = (yuan: number) =>
    rules
      .map(({ rule, ruleSet }) => {
        const values: Record<string, FactValue> = Object.fromEntries([...ctx.facts].map(([id, f]) => [id, f.value]));
        values[issue.factId] = yuan;
        const r = evaluateRules(ruleSet, values, { asOf: ctx.asOf, ruleIds: [rule.id], defaults: true }).results[0];
        return r ? `${r.status}:${r.amountYuan}` : '';
      })
      .join('|');
  const at = outcome(issue.yuan);
  return !at.includes('needs-facts') && outcome(lo) === at && outcome(hi) === at;
}

/**
 * The option of an enum fact the user stated (a lower grade of a status, 优秀奖) when every award reported fails only on who
 * qualifies, on that fact, and no award of the topics accepts that option: its label, else undefined.
 */
function notRewardedOption(ctx: TurnContext, results: readonly RuleResult[], ineligible: readonly RuleResult[]): string | undefined {
  if (ineligible.length === 0 || results.some((r) => r.eligible)) return undefined;
  const failing = ineligible.flatMap((r) => r.conditions.filter((c) => c.met === false));
  const facts = new Set(failing.map((c) => c.factId));
  if (facts.size !== 1 || failing.some((c) => c.role !== 'eligibility' && c.role !== undefined)) return undefined;
  const [factId] = facts;
  const decl = ctx.decls.get(factId!);
  const known = ctx.facts.get(factId!);
  if (decl?.type !== 'enum' || !known || known.how === 'default' || typeof known.value !== 'string') return undefined;
  // Any award of the topics that would take this option (its conditions on the fact allow the value) pays it.
  const topicRules = ctx.topics.flatMap((t) => t.topic.rules.map((id) => ctx.terms.rules.get(id)!.rule));
  const accepts = topicRules.some((rule) =>
    rule.conditions.every(
      (c) =>
        c.fact !== factId ||
        (c.op === 'in' ? c.values.includes(known.value as string) : c.op === 'equals' ? c.value === known.value : true),
    ),
  );
  if (accepts) return undefined;
  // In the user's own words when they are short (优秀奖), else the option's label.
  const said = known.said?.trim();
  return said && [...said].length <= 12 ? said : decl.options?.find((o) => o.value === known.value)?.label;
}

/** A figure the clause cannot use as it stands: say why, say the rule, ask for the right figure. */
function moneyIssueReply(ctx: TurnContext, issue: MoneyIssue, rules: readonly { rule: Rule }[]): Reply {
  const decl = ctx.decls.get(issue.factId)!;
  const label = decl.label.replace(/（.*?）/g, '');
  const basis = decl.taxBasis === 'excluding-tax' ? '税后（不含税）' : '含税';
  const why =
    issue.kind === 'pre-tax'
      ? `您给的${formatYuan(issue.yuan)}是含税金额，而政策按${basis}${label}计算，不能直接用含税价测算。`
      : issue.kind === 'invoice-basis'
        ? `您给的${formatYuan(issue.yuan)}是发票上的金额，没说明是价税合计（含税）还是不含税的金额，而政策按${basis}${label}计算。`
        : issue.kind === 'tax-only'
          ? `您给的${formatYuan(issue.yuan)}是税额，不是${label}。`
          : issue.kind === 'several'
            ? `您提到了${issue.said}几个金额，我不能确定${label}是其中哪一个、还是它们的合计。`
            : `“${issue.said}”不是确切金额，按约数算出的补助不准确。`;
  const relevant = rules.filter(({ rule }) => factsOfRule(rule).has(issue.factId)).map(({ rule }) => rule);
  const ruleText = relevant
    .slice(0, 2)
    .map((rule) => {
      const threshold = thresholdText(rule, ctx.decls);
      return `${rule.title}${amountText(rule, ctx.decls)}${threshold ? `，${threshold}` : ''}`;
    })
    .join('；');
  const answer = `${why}${ruleText ? `按政策，${ruleText}。` : ''}请告诉我${basis}的${label}，我再帮您算。`;
  return {
    kind: 'clarify',
    intent: `clarify:${issue.kind}`,
    answer,
    details: [...relevant.map((rule) => `【${rule.title}】${whoQualifies(rule)}`), ...factsUsedLines(ctx, ctx.facts, [])].join('\n'),
    citations: citedClauses(
      ctx,
      relevant.map((r) => r.citation),
    ),
    calculations: [],
    followUp: [decl.question],
    pending: issue.factId,
    topics: ctx.topics.map((t) => t.topic.id),
  };
}

/** After a document's validity no amount is given: say so, and cite where its validity is written. */
function expiredReply(
  ctx: TurnContext,
  expired: readonly RuleSet[],
  rules: readonly { rule: Rule; ruleSet: RuleSet }[],
  results: readonly RuleResult[],
): Reply {
  const lines: string[] = [];
  const clauses: Clause[] = [];
  for (const ruleSet of expired) {
    const meta = ctx.knowledge.getDocument(ruleSet.docId);
    if (meta) lines.push(validitySentence(meta, ctx.asOf) ?? `《${meta.title}》已过有效期。`);
    const clause = validityClause(ctx, ruleSet.docId);
    if (clause) clauses.push(clause);
  }
  const titles = [...new Set(rules.map(({ rule }) => `“${rule.title}”`))].join('、');
  lines.push(`您问到的${titles}属于该文件的奖补，到期后不再按它给出金额；请关注主管部门发布的后续政策。`);
  // No amount is worked out on an expired document: the answer is its validity, a look-up; each award is
  // still reported as the calculator sees it (status expired, no amount).
  return {
    kind: 'lookup',
    intent: 'calculation:expired',
    answer: lines.join(''),
    details: `如需了解现行政策，请拨打 ${ctx.hotline}。`,
    citations: clauses,
    // Each award as the calculator reports it: status expired, no amount.
    calculations: [...results],
    topics: ctx.topics.map((t) => t.topic.id),
  };
}

export { displayFactValue };
