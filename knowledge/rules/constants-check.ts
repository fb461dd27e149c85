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

export type ConstantKind = 'cap' | 'fixed' | 'award' | 'threshold' | 'percent' | 'count' | 'band' | 'date';

export interface ConstantViolation {
  ruleSetId: string;
  ruleId: string;
  docId: string;
  clauseId: string;
  /** Where the constant sits in the rules file, e.g. `rules[0].amount.capYuan`. */
  path: string;
  kind: ConstantKind | 'clause' | 'quote';
  value?: number | string;
  message: string;
}

export type ClauseLookup = (docId: string, clauseId: string) => { text: string; amountsYuan: number[] } | undefined;

interface Constant {
  path: string;
  kind: ConstantKind;
  /** A number, or a day (YYYY-MM-DD) for `date`. */
  value: number | string;
  /**
   * money: compared with the clause's amounts; number: must stand alone in the text; points: 2个百分点;
   * date: 2019年4月30日.
   */
  unit: 'money' | 'percent' | 'number' | 'places' | 'points' | 'date';
}

function constantsOf(ruleSet: RuleSet, rule: Rule, index: number): Constant[] {
  const out: Constant[] = [];
  const at = (...keys: (string | number)[]) => formatPath(['rules', index, ...keys]);
  const factType = new Map(ruleSet.facts.map((f) => [f.id, f.type]));
  rule.conditions.forEach((cond, j) => {
    if (cond.op === 'gt' || cond.op === 'gte' || cond.op === 'lt' || cond.op === 'lte' || cond.op === 'equals') {
      const type = factType.get(cond.fact);
      if (typeof cond.value === 'boolean') return;
      // A string compared with gt/lt is a day; `equals` a string is an enum option, no constant.
      if (typeof cond.value === 'string' && cond.op === 'equals') return;
      if (typeof cond.value === 'string') {
        out.push({ path: at('conditions', j, 'value'), kind: 'date', value: cond.value, unit: 'date' });
        return;
      }
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
    case 'bands': {
      const unit = factType.get(amount.fact) === 'money' ? 'money' : 'number';
      amount.bands.forEach((band, j) => {
        // A lowest band from 0 is the policy's 以下: no figure to find.
        if (band.from > 0) out.push({ path: at('amount', 'bands', j, 'from'), kind: 'band', value: band.from, unit });
        if (band.to !== undefined) out.push({ path: at('amount', 'bands', j, 'to'), kind: 'band', value: band.to, unit });
        if (band.percent !== undefined)
          out.push({ path: at('amount', 'bands', j, 'percent'), kind: 'percent', value: band.percent, unit: 'percent' });
        if (band.yuan !== undefined) out.push({ path: at('amount', 'bands', j, 'yuan'), kind: 'award', value: band.yuan, unit: 'money' });
      });
      for (const [key, percent] of Object.entries(amount.rateBy?.rates ?? {})) {
        out.push({ path: at('amount', 'rateBy', 'rates', key), kind: 'percent', value: percent, unit: 'percent' });
      }
      (amount.bonusPoints ?? []).forEach((bonus, j) => {
        if (bonus.points !== undefined)
          out.push({ path: at('amount', 'bonusPoints', j, 'points'), kind: 'percent', value: bonus.points, unit: 'points' });
        for (const [key, points] of Object.entries(bonus.table ?? {})) {
          out.push({ path: at('amount', 'bonusPoints', j, 'table', key), kind: 'percent', value: points, unit: 'points' });
        }
      });
      if (amount.capYuan !== undefined) out.push({ path: at('amount', 'capYuan'), kind: 'cap', value: amount.capYuan, unit: 'money' });
      break;
    }
    case 'perUnit':
      if (amount.unitYuan !== undefined)
        out.push({ path: at('amount', 'unitYuan'), kind: 'threshold', value: amount.unitYuan, unit: 'money' });
      if (amount.yuan !== undefined) out.push({ path: at('amount', 'yuan'), kind: 'award', value: amount.yuan, unit: 'money' });
      if (amount.shareOf)
        out.push({ path: at('amount', 'shareOf', 'percent'), kind: 'percent', value: amount.shareOf.percent, unit: 'percent' });
      for (const [key, perUnit] of Object.entries(amount.unitCapBy?.table ?? {}))
        out.push({ path: at('amount', 'unitCapBy', 'table', key), kind: 'cap', value: perUnit, unit: 'money' });
      if (amount.maxUnits !== undefined)
        out.push({ path: at('amount', 'maxUnits'), kind: 'threshold', value: amount.maxUnits, unit: 'number' });
      amount.byDate?.ranges.forEach((range, j) => {
        out.push({ path: at('amount', 'byDate', 'ranges', j, 'yuan'), kind: 'award', value: range.yuan, unit: 'money' });
        const day = range.onOrBefore ?? range.after!;
        out.push({
          path: at('amount', 'byDate', 'ranges', j, range.onOrBefore ? 'onOrBefore' : 'after'),
          kind: 'date',
          value: day,
          unit: 'date',
        });
      });
      if (amount.capYuan !== undefined) out.push({ path: at('amount', 'capYuan'), kind: 'cap', value: amount.capYuan, unit: 'money' });
      break;
    case 'staged':
      amount.stages.forEach((stage, j) => {
        out.push({ path: at('amount', 'stages', j, 'yuan'), kind: 'award', value: stage.yuan, unit: 'money' });
      });
      break;
  }
  return out;
}

/** 2019-04-30 as the policy writes it: 2019年4月30日 (also 2019.4.30 and 2019-04-30). */
function dateAppears(text: string, day: string): boolean {
  const [y, m, d] = day.split('-').map(Number);
  const compact = text.replace(/\s+/g, '');
  return compact.includes(`${y}年${m}月${d}日`) || compact.includes(`${y}.${m}.${d}`) || compact.includes(day);
}

function standsAlone(text: string, value: number): boolean {
  return new RegExp(`(?<![\\d.,])${value}(?!\\d|[.,]\\d)`).test(text);
}

function appears(constant: Constant, clause: { text: string; amountsYuan: number[] }): boolean {
  const text = normaliseInput(clause.text);
  if (typeof constant.value === 'string') return dateAppears(text, constant.value);
  switch (constant.unit) {
    case 'money':
      return (
        clause.amountsYuan.includes(constant.value) ||
        findMoneyMentions(text).some((m) => m.yuan === constant.value || m.upToYuan === constant.value)
      );
    case 'percent':
      return (
        new RegExp(`(?<![\\d.])${constant.value}\\s*%`).test(text) ||
        text.includes(`百分之${nzhcn.encodeS(constant.value)}`) ||
        inEnumeration(text, constant.value, '%')
      );
    case 'number':
      return standsAlone(text, constant.value);
    case 'places':
      // A count of awards reads 一等奖2名; a bare digit could be part of an amount (2万元).
      return new RegExp(`(?<![\\d.])${constant.value}\\s*[名家个项]`).test(text);
    case 'points':
      return (
        new RegExp(`(?<![\\d.])${constant.value}\\s*个?百分点`).test(text) ||
        text.includes(`${nzhcn.encodeS(constant.value)}个百分点`) ||
        inEnumeration(text, constant.value, '个?百分点')
      );
    case 'date':
      return false;
  }
}

/** A number in a list that shares one unit written after the last (分别提高3、2、1个百分点; 5、6、7、8%). */
function inEnumeration(text: string, value: number, unit: string): boolean {
  for (const m of text.matchAll(new RegExp(`((?:\\d+(?:\\.\\d+)?\\s*[、，,]\\s*)+\\d+(?:\\.\\d+)?)\\s*${unit}`, 'g'))) {
    if (m[1]!.split(/[、，,]/).some((n) => Number(n.trim()) === value)) return true;
  }
  return false;
}

function describe(constant: Constant): string {
  if (typeof constant.value === 'string') return constant.value;
  switch (constant.unit) {
    case 'money':
      return `${constant.value} yuan (${formatYuan(constant.value)})`;
    case 'percent':
      return `${constant.value}%`;
    case 'points':
      return `${constant.value}个百分点`;
    case 'number':
    case 'places':
    case 'date':
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
