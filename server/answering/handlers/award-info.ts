import { matchFrame } from '../../../knowledge/rules/frames.js';
import type { Rule } from '../../../knowledge/rules/rules-schema.js';
import { formatYuan } from '../../../knowledge/text/money.js';
import { maxYuanOf } from '../../calculator/engine.js';
import { amountText, thresholdText, UPPER_BOUND_LINE, validitySentence, whoQualifies } from '../compose/award-text.js';
import { rulesOf } from './calculate.js';
import { statedAmounts } from '../../../knowledge/rules/rule-facts.js';
import type { Reply, TurnContext } from './context.js';
import { askFor, citedClauses, claimCorrection, validityClause } from './shared.js';

/** Options of enum facts a message names anywhere, questions included (三等奖奖金多少 → third). */
export function optionsNamed(ctx: TurnContext): Map<string, Set<string>> {
  const named = new Map<string, Set<string>>();
  for (const clause of ctx.reading.clauses) {
    if (clause.source === 'hidden' || clause.source === 'other-party') continue;
    for (const fact of ctx.terms.facts.values()) {
      for (const option of fact.options) {
        if (option.frames.some((f) => matchFrame(clause.text, f))) {
          const set = named.get(fact.decl.id) ?? new Set<string>();
          set.add(option.value);
          named.set(fact.decl.id, set);
        }
      }
    }
  }
  return named;
}

/**
 * The rules a question's named options point to: for each option named (国家级 → level national), the rules
 * that require exactly it, else those that admit it among others. With no option named, every rule.
 */
function rulesForNamed<T extends { rule: Rule }>(rules: readonly T[], named: ReadonlyMap<string, ReadonlySet<string>>): T[] {
  const kept = new Set<T>();
  let anyNamed = false;
  for (const [factId, values] of named) {
    for (const value of values) {
      const exact = rules.filter(({ rule }) => rule.conditions.some((c) => c.fact === factId && c.op === 'equals' && c.value === value));
      const admitting = rules.filter(({ rule }) =>
        rule.conditions.some((c) => c.fact === factId && c.op === 'in' && c.values.includes(value)),
      );
      const chosen = exact.length > 0 ? exact : admitting;
      if (chosen.length > 0) anyNamed = true;
      for (const r of chosen) kept.add(r);
    }
  }
  return anyNamed ? rules.filter((r) => kept.has(r)) : [...rules];
}

/**
 * The most the policy pays in the case a question names, per rule: a fixed amount, the table entry of the one
 * option named (一等奖 → 5万), or the cap of a rate, band or per-unit amount. Undefined where the amount
 * depends on what the question leaves open (a prize table with no tier named, a rate with no cap).
 */
export function policyMaximum(rule: Rule, only: ReadonlySet<string> | undefined): { yuan: number; basis: string }[] | undefined {
  const amount = rule.amount;
  switch (amount.kind) {
    case 'fixed':
      return [{ yuan: amount.yuan, basis: '政策定额（上限）' }];
    case 'byFact': {
      const rows = Object.entries(amount.table).filter(([value]) => only?.has(value));
      return rows.length > 0 ? rows.map(([, row]) => ({ yuan: row.yuan, basis: '政策所列该等次金额（上限）' })) : undefined;
    }
    case 'staged':
      return [{ yuan: amount.stages.reduce((sum, stage) => sum + stage.yuan, 0), basis: '各阶段合计（上限）' }];
    case 'percentOf':
    case 'bands':
      return amount.capYuan !== undefined ? [{ yuan: amount.capYuan, basis: '政策上限' }] : undefined;
    case 'perUnit': {
      const most = maxYuanOf(rule);
      return most !== null ? [{ yuan: most, basis: '政策上限' }] : undefined;
    }
  }
}

/**
 * A general question about an award (新认定国家级奖多少？设备补助最高多少？), or a rumour about it: the
 * policy's amount or cap and its conditions first, corrected where the user heard otherwise, then the one
 * fact that would let the advisor work out the company's own amount.
 */
export function awardInfo(ctx: TurnContext): Reply {
  const named = optionsNamed(ctx);
  const all = rulesOf(ctx.topics);
  const rules = rulesForNamed(all, named);
  const lines: string[] = [];
  const shown = rules.slice(0, 4);
  // "奖多少", "最高多少": the policy's amount for the case named is the answer, as data too — each marked as
  // what the policy allows at most, with the company's own eligibility still to be checked.
  // Not for a yes/no (是每年都给吗、改成500万了对吧) nor a rate or threshold asked for: those are look-ups.
  // Asked outright (有没有奖金？有的话多少、各给多少) the amount is wanted even beside a yes/no.
  const asks = ctx.reading.asks;
  const amountWanted = (asks.amount && (!asks.yesNo || /多少/.test(ctx.reading.text))) || (asks.limit && !asks.yesNo);
  const maxima =
    amountWanted && !asks.rateOrThreshold
      ? shown.map(({ rule, ruleSet }) => ({
          rule,
          ruleSet,
          maxima: policyMaximum(rule, 'fact' in rule.amount ? named.get(rule.amount.fact) : undefined),
        }))
      : [];
  const calculations = maxima.every((m) => m.maxima !== undefined)
    ? maxima.flatMap(({ rule, ruleSet, maxima }) =>
        maxima!.map((m) => ({
          policyId: ruleSet.id,
          ruleId: rule.id,
          title: rule.title,
          eligible: false,
          amountYuan: m.yuan,
          formula: `${m.basis}：${formatYuan(m.yuan)}`,
          citation: rule.citation,
          assumptions: [],
          status: 'needs-facts' as const,
          conditions: [],
          missingFacts: [],
          maxYuan: m.yuan,
          reasons: [`${whoQualifies(rule)}，贵企业是否符合尚待核对`],
        })),
      )
    : [];
  for (const { rule } of shown) {
    // 各、分别: the whole table; otherwise the entries the question names.
    const only = 'fact' in rule.amount && !ctx.reading.asks.each ? named.get(rule.amount.fact) : undefined;
    const threshold = thresholdText(rule, ctx.decls);
    lines.push(`${rule.title}：${amountText(rule, ctx.decls, only)}${threshold ? `（${threshold}）` : ''}。`);
  }
  // The amounts asked for make one first sentence, however many awards they are.
  if (lines.length > 1 && (ctx.reading.asks.amount || ctx.reading.asks.limit)) {
    lines.splice(0, lines.length, `${lines.map((l) => l.replace(/。$/, '')).join('；')}。`);
  }
  const correction = claimCorrection(
    ctx,
    all.flatMap(({ rule }) => statedAmounts(rule)),
    all.map(({ rule }) => rule),
  );
  if (correction) lines.push(correction);
  // A condition the question speaks of (省里已经给过补助了，还能补吗?) is answered in its own words.
  const touched = shown.flatMap(({ rule }) =>
    rule.conditions.filter((c) => ctx.facts.has(c.fact) && ctx.newFacts.has(c.fact) && c.role !== 'eligibility'),
  );
  const touchedText = touched.map((c) => {
    const value = ctx.facts.get(c.fact)!.value;
    const met = c.op === 'equals' ? c.value === value : c.op === 'in' ? c.values.includes(value as string | boolean) : true;
    return met ? c.description : (c.failReason ?? c.description);
  });
  const who = [...new Set(shown.map(({ rule }) => whoQualifies(rule)))];
  // 给谁的、谁能申请: who receives it is the answer, said first.
  if (ctx.reading.asks.recipient && who.length > 0)
    lines.unshift(`${shown.map(({ rule }) => rule.title).join('、')}发给：${who.join('；')}。`);
  else if (touchedText.length > 0) lines.push(`${touchedText.join('；').replace(/。$/, '')}。`);
  else if (who.length > 0 && shown.length <= 2) lines.push(`条件：${who.join('；')}。`);

  const docIds = [...new Set(rules.map(({ ruleSet }) => ruleSet.docId))];
  const expiredNotes = docIds
    .map((docId) => ctx.knowledge.getDocument(docId))
    .filter((meta) => meta?.validity.to !== undefined && ctx.asOf > meta.validity.to)
    .map((meta) => validitySentence(meta!, ctx.asOf)!);
  // A company that asks can have its own amount worked out: ask for the fact that decides it first.
  const deciding = ctx.terms.factOrder
    .filter(
      (id) =>
        !ctx.facts.has(id) &&
        rules.some(
          ({ rule }) =>
            rule.conditions.some((c) => c.fact === id && c.role === 'eligibility') || ('fact' in rule.amount && rule.amount.fact === id),
        ),
    )
    .map((id) => ctx.decls.get(id)!)
    .find((decl) => !decl.default);
  if (expiredNotes.length > 0) lines.unshift(...expiredNotes);
  else if (deciding) lines.push(`如需测算贵企业的金额，请告诉我${askFor(deciding).replace(/？$/, '')}。`);

  const clauses = citedClauses(
    ctx,
    rules.map(({ rule }) => rule.citation),
  );
  if (expiredNotes.length > 0) {
    for (const docId of docIds) {
      const validity = validityClause(ctx, docId);
      if (validity && !clauses.includes(validity)) clauses.unshift(validity);
    }
  }
  const details = [
    ...rules.map(({ rule }) => `【${rule.title}】${whoQualifies(rule)}；原文：“${rule.quote}”`),
    ...docIds.map((docId) => {
      const meta = ctx.knowledge.getDocument(docId);
      return meta ? validitySentence(meta, ctx.asOf) : undefined;
    }),
    UPPER_BOUND_LINE,
  ].filter((l): l is string => Boolean(l));
  const priced = calculations.length > 0 && expiredNotes.length === 0;
  return {
    kind: priced ? 'calculation' : 'lookup',
    intent: correction ? 'award-info:correction' : 'award-info',
    answer: lines.join(''),
    details: details.join('\n'),
    citations: clauses,
    calculations: priced ? calculations : [],
    ...(deciding && expiredNotes.length === 0 ? { followUp: [deciding.question], pending: deciding.id } : {}),
    topics: ctx.topics.map((t) => t.topic.id),
  };
}

/** The message hints at several awards (我们刚被认定了): the amounts of each, and which one is meant. */
export function whichTopic(ctx: TurnContext): Reply {
  const topics = ctx.hinted;
  const lines = topics.map((t) => {
    const rules = rulesOf([t]).map(({ rule }) => `${amountText(rule, ctx.decls)}`);
    return `${t.topic.title}（${rules.join('；')}）`;
  });
  const answer = `您说的是哪一项？${lines.join('；')}。请告诉我是哪一项、哪一级，我帮您测算。`;
  return {
    kind: 'clarify',
    intent: 'clarify:which-topic',
    answer,
    details: rulesOf(topics)
      .map(({ rule }) => `【${rule.title}】${whoQualifies(rule)}`)
      .concat(UPPER_BOUND_LINE)
      .join('\n'),
    citations: citedClauses(
      ctx,
      rulesOf(topics).map(({ rule }) => rule.citation),
    ),
    calculations: [],
    followUp: [`您说的是${topics.map((t) => t.topic.title).join('还是')}？`],
    topics: topics.map((t) => t.topic.id),
  };
}
