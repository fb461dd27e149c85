import nzhcn from 'nzh/cn';
import { findMoneyMentions, formatYuan } from '../text/money.js';
import { matchingKey, normaliseInput } from '../text/normalise.js';
import { formatPath } from './load-rules.js';
import type { Rule, RuleSet } from './rules-schema.js';

/**
 * A typo in a rules file must not invent money: every cap, fixed award, threshold, percentage and count in
 * a rule has to appear in the text of the clause the rule cites. The knowledge build runs this against the
 * clause index and fails on any violation.
 */

export type ConstantKind = 'cap' | 'fixed' | 'award' | 'threshold' | 'percent' | 'count';

export interface ConstantViolation {
  ruleSetId: string;
  ruleId: string;
  docId: string;
  clauseId: string;
  /** Where the constant sits in the rules file, e.g. `rules[0].amount.capYuan`. */
  path: string;
  kind: ConstantKind | 'clause' | 'quote';
  value?: number;
  message: string;
}

export type ClauseLookup = (docId: string, clauseId: string) => { text: string; amountsYuan: number[] } | undefined;

interface Constant {
  path: string;
  kind: ConstantKind;
  value: number;
  /** money: compared with the clause's amounts; number: must stand alone in the text. */
  unit: 'money' | 'percent' | 'number' | 'places';
}

function constantsOf(ruleSet: RuleSet, rule: Rule, index: number): Constant[] {
  const out: Constant[] = [];
  const at = (...keys: (string | number)[]) => formatPath(['rules', index, ...keys]);
  const factType = new Map(ruleSet.facts.map((f) => [f.id, f.type]));
  rule.conditions.forEach((cond, j) => {
    if (cond.op === 'gt' || cond.op === 'gte' || cond.op === 'lt' || cond.op === 'lte' || cond.op === 'equals') {
      if (typeof cond.value !== 'number') return;
      const type = factType.get(cond.fact);
      out.push({
        path: at('conditions', j, 'value'),
        kind: 'threshold',
        value: cond.value,
        unit: type === 'money' ? 'money' : 'number',
      });
    }
  });
  const amount = rule.amount;
  switch (amount.kind) {
    case 'fixed':
      out.push({ path: at('amount', 'yuan'), kind: 'fixed', value: amount.yuan, unit: 'money' });
      break;
    case 'percentOf':
      out.push({ path: at('amount', 'percent'), kind: 'percent', value: amount.percent, unit: 'percent' });
      if (amount.capYuan !== undefined) {
        out.push({ path: at('amount', 'capYuan'), kind: 'cap', value: amount.capYuan, unit: 'money' });
      }
      break;
    case 'byFact':
      for (const [key, entry] of Object.entries(amount.table)) {
        out.push({ path: at('amount', 'table', key, 'yuan'), kind: 'award', value: entry.yuan, unit: 'money' });
        if (entry.places !== undefined) {
          out.push({ path: at('amount', 'table', key, 'places'), kind: 'count', value: entry.places, unit: 'places' });
        }
      }
      break;
  }
  return out;
}

function standsAlone(text: string, value: number): boolean {
  return new RegExp(`(?<![\\d.,])${value}(?!\\d|[.,]\\d)`).test(text);
}

function appears(constant: Constant, clause: { text: string; amountsYuan: number[] }): boolean {
  const text = normaliseInput(clause.text);
  switch (constant.unit) {
    case 'money':
      return (
        clause.amountsYuan.includes(constant.value) ||
        findMoneyMentions(text).some((m) => m.yuan === constant.value || m.upToYuan === constant.value)
      );
    case 'percent':
      return new RegExp(`(?<![\\d.])${constant.value}\\s*%`).test(text) || text.includes(`百分之${nzhcn.encodeS(constant.value)}`);
    case 'number':
      return standsAlone(text, constant.value);
    case 'places':
      // A count of awards reads 一等奖2名; a bare digit could be part of an amount (2万元).
      return new RegExp(`(?<![\\d.])${constant.value}\\s*[名家个项]`).test(text);
  }
}

function describe(constant: Constant): string {
  switch (constant.unit) {
    case 'money':
      return `${constant.value} yuan (${formatYuan(constant.value)})`;
    case 'percent':
      return `${constant.value}%`;
    case 'number':
    case 'places':
      return String(constant.value);
  }
}

/** Every constant of every rule, checked against the text and amounts of the clause the rule cites. */
export function checkRuleConstants(ruleSet: RuleSet, lookupClause: ClauseLookup): ConstantViolation[] {
  const violations: ConstantViolation[] = [];
  ruleSet.rules.forEach((rule, index) => {
    const { docId, clauseId } = rule.citation;
    const base = { ruleSetId: ruleSet.id, ruleId: rule.id, docId, clauseId };
    const clause = lookupClause(docId, clauseId);
    if (!clause) {
      violations.push({
        ...base,
        path: formatPath(['rules', index, 'citation']),
        kind: 'clause',
        message: `rule ${rule.id} cites ${docId}#${clauseId}, which is not in the knowledge index`,
      });
      return;
    }
    if (!matchingKey(clause.text).includes(matchingKey(rule.quote))) {
      violations.push({
        ...base,
        path: formatPath(['rules', index, 'quote']),
        kind: 'quote',
        message: `the quote of rule ${rule.id} is not in the text of ${docId}#${clauseId}`,
      });
    }
    for (const constant of constantsOf(ruleSet, rule, index)) {
      if (appears(constant, clause)) continue;
      violations.push({
        ...base,
        path: constant.path,
        kind: constant.kind,
        value: constant.value,
        message: `${constant.kind} ${describe(constant)} of rule ${rule.id} does not appear in ${docId}#${clauseId}`,
      });
    }
  });
  return violations;
}
