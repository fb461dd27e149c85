import type { Clause } from '../../knowledge/types.js';
import type { Rule } from '../../knowledge/rules/rules-schema.js';
import { statedAmounts } from '../../knowledge/rules/rule-facts.js';

/**
 * What an expected amount of a golden case may be, given the clause it cites (the hygiene rule of the
 * golden set): an amount written in the clause's text, a constant of a calculator rule that cites the
 * clause (a fixed award, a table amount, a cap), or an amount such a rule can produce.
 *
 * The last matters for percentage awards ("10% of the investment, at most 200万"): 10% of 1,234,560 is
 * neither in the clause nor a constant of the rule. Whether the rule produces it for that case's facts
 * would need the case's facts, which the golden data does not carry (they are in the question's words), so
 * the check accepts any amount the rule can produce for some integer base within its conditions:
 * floor(x × percent / 100) for integer x above the threshold (`gt` → x ≥ value + 1, `gte` → x ≥ value) and
 * below any upper bound, at most the cap. With percent ≤ 100 consecutive x move the result by at most one
 * yuan, so that set is exactly the integers between the smallest and the largest value. What the runner
 * then checks is that the answer's calculation gives this amount for the question's facts.
 */
export interface SupportedAmounts {
  /** Amounts written in the clause or constants of its rules. */
  exact: Set<number>;
  /** Inclusive ranges a percentage rule citing the clause can produce. */
  ranges: { ruleId: string; min: number; max: number }[];
}

/** The integer bounds the rule's conditions put on `fact` (a `gt` 1000 means at least 1001). */
function factBounds(rule: Rule, fact: string): { lowest: number; highest: number } {
  let lowest = 0;
  let highest = Number.MAX_SAFE_INTEGER;
  for (const condition of rule.conditions) {
    if (condition.fact !== fact || !('value' in condition) || typeof condition.value !== 'number') continue;
    if (condition.op === 'gt') lowest = Math.max(lowest, condition.value + 1);
    if (condition.op === 'gte') lowest = Math.max(lowest, condition.value);
    if (condition.op === 'lt') highest = Math.min(highest, condition.value - 1);
    if (condition.op === 'lte') highest = Math.min(highest, condition.value);
  }
  return { lowest, highest };
}

/**
 * The inclusive range of amounts a percentage or per-unit rule can produce, or undefined for rules whose
 * amounts are all constants. For bands the range spans every percentage band with its bonus points; for
 * per-unit rules it runs from one unit's award to the cap (a superset: only multiples occur).
 */
export function percentRange(rule: Rule): { min: number; max: number } | undefined {
  const amount = rule.amount;
  if (amount.kind === 'perUnit') {
    const rates = amount.yuan !== undefined ? [amount.yuan] : (amount.byDate?.ranges.map((r) => r.yuan) ?? []);
    return { min: Math.min(...rates), max: amount.capYuan ?? Number.MAX_SAFE_INTEGER };
  }
  if (amount.kind === 'bands') {
    const percents = amount.bands.flatMap((band) => (band.percent !== undefined ? [band] : []));
    if (percents.length === 0) return undefined;
    const bonus = (amount.bonusPoints ?? []).reduce((sum, b) => sum + (b.points ?? Math.max(...Object.values(b.table ?? {}))), 0);
    const topRate = Math.max(...percents.map((b) => b.percent ?? 0), ...Object.values(amount.rateBy?.rates ?? {})) + bonus;
    const lowestBand = Math.min(...percents.map((b) => b.from + (b.fromExclusive ? 1 : 0)));
    const lowRate = Math.min(...percents.map((b) => b.percent ?? 100), ...Object.values(amount.rateBy?.rates ?? {}));
    const max = amount.capYuan ?? Number.MAX_SAFE_INTEGER;
    return { min: Math.min(Math.floor((lowestBand * lowRate) / 100), max), max: Math.min(max, topRate > 0 ? max : 0) };
  }
  if (amount.kind !== 'percentOf') return undefined;
  const { lowest, highest } = factBounds(rule, amount.fact);
  const produce = (x: number) => Math.floor((x * amount.percent) / 100);
  const max = Math.min(
    amount.capYuan ?? Number.MAX_SAFE_INTEGER,
    highest === Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : produce(highest),
  );
  const min = Math.min(produce(lowest), max);
  return { min, max };
}

/** The amounts a case citing `clause` may expect, from the clause and the rules that cite it. */
export function supportedAmounts(clause: Clause, rules: Rule[]): SupportedAmounts {
  const citing = rules.filter((r) => r.citation.docId === clause.docId && r.citation.clauseId === clause.id);
  const exact = new Set<number>([...clause.amountsYuan, ...citing.flatMap(statedAmounts)]);
  const ranges = citing.flatMap((rule) => {
    const range = percentRange(rule);
    return range ? [{ ruleId: rule.id, ...range }] : [];
  });
  return { exact, ranges };
}

export function isSupported(amount: number, supported: SupportedAmounts): boolean {
  return supported.exact.has(amount) || supported.ranges.some((r) => Number.isInteger(amount) && amount >= r.min && amount <= r.max);
}
