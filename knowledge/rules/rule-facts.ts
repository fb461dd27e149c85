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
  if ('fact' in rule.amount) ids.add(rule.amount.fact);
  if (rule.exclusivity) ids.add(rule.exclusivity.yearFact);
  facts = ids;
  factsOf.set(rule, facts);
  return facts;
}

/**
 * The rule set an answer reads by default: the one for the base's primary document, else the first. The
 * one place this choice is made.
 */
export function primaryRuleSet(ruleSets: readonly RuleSet[], primaryDocId: string): RuleSet | undefined {
  return ruleSets.find((rs) => rs.docId === primaryDocId) ?? ruleSets[0];
}
