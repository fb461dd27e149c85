import type { Rule, RuleSet } from './rules-schema.js';

const factsOf = new WeakMap<Rule, ReadonlySet<string>>();

/**
 * The facts a rule reads: its conditions', its amount's and its exclusivity year's, in that order. The one
 * answer to "which facts does this award depend on", worked out once per rule.
 */
export function factsOfRule(rule: Rule): ReadonlySet<string> {
  let facts = factsOf.get(rule);
  if (facts) return facts;
  const ids = new Set<string>(rule.conditions.map((c) => c.fact));
  for (const id of amountFacts(rule)) ids.add(id);
  if (rule.exclusivity?.yearFact) ids.add(rule.exclusivity.yearFact);
  facts = ids;
  factsOf.set(rule, facts);
  return facts;
}

/**
 * The facts a rule's amount reads: its base, and what sets or raises its rate (a date, a special case, the
 * bonuses that stack) or multiplies it (months).
 */
export function amountFacts(rule: Rule): string[] {
  const amount = rule.amount;
  switch (amount.kind) {
    case 'fixed':
      return [];
    case 'percentOf':
    case 'byFact':
    case 'staged':
      return [amount.fact];
    case 'bands':
      return [amount.fact, ...(amount.rateBy ? [amount.rateBy.fact] : []), ...(amount.bonusPoints ?? []).map((b) => b.fact)];
    case 'perUnit':
      return [
        amount.fact,
        ...(amount.byDate ? [amount.byDate.fact] : []),
        ...(amount.shareOf ? [amount.shareOf.fact] : []),
        ...(amount.unitCapBy ? [amount.unitCapBy.fact] : []),
        ...(amount.actualRate ? [amount.actualRate] : []),
        ...(amount.times ?? []),
      ];
  }
}

/** Of an amount's facts, those it can do without: a bonus or a special rate the user has not claimed, an actual price per unit. */
export function optionalAmountFacts(rule: Rule): Set<string> {
  const amount = rule.amount;
  // An actual price per unit only lowers the standard rate: without it the standard is the upper bound.
  if (amount.kind === 'perUnit') return new Set(amount.actualRate ? [amount.actualRate] : []);
  if (amount.kind !== 'bands') return new Set();
  return new Set([...(amount.rateBy ? [amount.rateBy.fact] : []), ...(amount.bonusPoints ?? []).map((b) => b.fact)]);
}

/**
 * The rule set an answer reads by default: the one for the base's primary document, else the first. The
 * one place this choice is made.
 */
export function primaryRuleSet(ruleSets: readonly RuleSet[], primaryDocId: string): RuleSet | undefined {
  return ruleSets.find((rs) => rs.docId === primaryDocId) ?? ruleSets[0];
}

/**
 * Every amount a rule states outright: a fixed award, table entries, fixed band amounts, running totals of
 * stages, per-unit rates and caps. What a claimed figure (上限是50万吗) is checked against, and what a
 * golden case may expect as a constant of the rule.
 */
export function statedAmounts(rule: Rule): number[] {
  const amount = rule.amount;
  const cap = 'capYuan' in amount && amount.capYuan !== undefined ? [amount.capYuan] : [];
  switch (amount.kind) {
    case 'fixed':
      return [amount.yuan];
    case 'byFact':
      return Object.values(amount.table).map((row) => row.yuan);
    case 'staged':
      // Stages add up to the one reached: every running total is an amount the rule states.
      return amount.stages.map((_, i) => amount.stages.slice(0, i + 1).reduce((sum, stage) => sum + stage.yuan, 0));
    case 'bands':
      return [...amount.bands.flatMap((band) => (band.yuan !== undefined ? [band.yuan] : [])), ...cap];
    case 'perUnit':
      return [
        ...(amount.yuan !== undefined ? [amount.yuan] : []),
        ...(amount.byDate?.ranges.map((r) => r.yuan) ?? []),
        ...Object.values(amount.unitCapBy?.table ?? {}),
        ...cap,
      ];
    case 'percentOf':
      return cap;
  }
}
