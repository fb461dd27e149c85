import { formatYuan, formatYuanDigits } from '../../knowledge/text/money.js';
import {
  coerceFacts,
  describeFacts,
  displayFactValue,
  type FactDescription,
  type FactInput,
  type FactValue,
  type InvalidFact,
} from './facts.js';
import { amountFacts, factsOfRule, optionalAmountFacts } from '../../knowledge/rules/rule-facts.js';
import type {
  Band,
  Citation,
  Condition,
  FactDeclaration,
  FactType,
  Rule,
  RuleSet,
  RuleValidity,
} from '../../knowledge/rules/rules-schema.js';

/**
 * The award calculator: pure functions from a rule set, facts and an evaluation date to amounts that are
 * explained (conditions, formula, assumptions) and cited. The advisor states no amount that does not come
 * from here.
 */

export type RuleStatus = 'eligible' | 'ineligible' | 'needs-facts' | 'expired';

export interface ConditionResult {
  factId: string;
  /** Chinese, as the rule file states it. */
  description: string;
  /** null: the fact is not known yet. */
  met: boolean | null;
  detail: string;
  role?: Condition['role'] | 'exclusivity';
  /** Checked on the rule set's declared default, not on what the user said. */
  assumed?: true;
}

export interface RuleResult {
  // Public contract (answering service, POST /v1/calculate).
  ruleId: string;
  title: string;
  eligible: boolean;
  /**
   * Integer yuan: the upper bound the policy allows (它写的是“不超过”) when eligible; 0 when not. A general
   * question's answer may carry a needs-facts result whose amount is the most the policy pays in the case named.
   */
  amountYuan: number;
  formula: string;
  citation: Citation;
  assumptions: string[];
  // For the console and follow-ups.
  policyId: string;
  status: RuleStatus;
  conditions: ConditionResult[];
  /** Fact ids still needed to decide, in conversation order. */
  missingFacts: string[];
  /** Chinese: why eligible / not / undetermined. */
  reasons: string[];
  /** The most this rule can ever pay (its cap or largest fixed award); null when uncapped. */
  maxYuan: number | null;
  /** Set when an exclusivity group gave the year to a higher award of the group. */
  supersededBy?: string;
}

export interface FollowUpQuestion {
  factId: string;
  question: string;
  label: string;
  type: FactType;
  options?: { value: string; label: string }[];
  /** The rules waiting for this fact. */
  ruleIds: string[];
}

export interface CalculationReport {
  policyId: string;
  docId: string;
  title: string;
  asOf: string;
  validity: RuleValidity;
  applicationWindow?: RuleValidity;
  /** The evaluation date is after the policy's validity: no amounts. */
  expired: boolean;
  results: RuleResult[];
  /** Sum of eligible amounts after exclusivity groups (同一年度从高、不重复). */
  totalYuan: number;
  followUpQuestions: FollowUpQuestion[];
  /** Values that could not be read; the facts count as missing and are asked again. */
  invalidFacts: InvalidFact[];
  /** Report-level remarks in Chinese (application window, expiry). */
  notes: string[];
  /** Facts filled with their declared default (`defaults: true`), each printed as an assumption. */
  assumedFacts: string[];
}

export interface EvaluateOptions {
  /** Evaluation date, YYYY-MM-DD (China time). */
  asOf: string;
  /**
   * Only these rules, plus the other members of their exclusivity groups (which decide between them).
   * Each evaluated rule's result is the same as in a full evaluation; the report covers only these.
   */
  ruleIds?: readonly string[];
  /**
   * Fill a fact the caller left out with the rule set's declared default (资质在有效期内), when an evaluated
   * rule reads it. Every result that relies on one says so in its assumptions.
   */
  defaults?: boolean;
}

const OP_TEXT: Record<'gt' | 'gte' | 'lt' | 'lte', string> = {
  gt: '须大于',
  gte: '须不低于',
  lt: '须小于',
  lte: '须不超过',
};

function assertDate(asOf: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(`${asOf}T00:00:00Z`))) {
    throw new RangeError(`asOf must be a date as YYYY-MM-DD, got ${JSON.stringify(asOf)}`);
  }
}

function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

function digits(yuan: number): string {
  return formatYuanDigits(yuan);
}

/** A money value as shown in details: 5,000,000 元（500万元）. */
function moneyText(yuan: number): string {
  return yuan >= 10_000 ? `${digits(yuan)} 元（${formatYuan(yuan)}）` : `${digits(yuan)} 元`;
}

interface Context {
  ruleSet: RuleSet;
  decls: Map<string, FactDeclaration>;
  values: Map<string, FactValue>;
  asOf: string;
  validity: RuleValidity;
}

interface ConditionOutcome {
  result: ConditionResult;
  failReason?: string;
  assumptions: string[];
}

function declOf(ctx: Context, factId: string): FactDeclaration {
  const decl = ctx.decls.get(factId);
  // load-rules rejects a rule set that references an undeclared fact; reaching this is a programming error.
  if (!decl) throw new Error(`rule set ${ctx.ruleSet.id} references undeclared fact ${factId}`);
  return decl;
}

function display(decl: FactDeclaration, value: FactValue): string {
  return displayFactValue(decl, value, moneyText);
}

function constantText(decl: FactDeclaration, value: number | string): string {
  if (typeof value === 'string') return value;
  return decl.type === 'money' ? moneyText(value) : decl.type === 'year' ? `${value}年` : String(value);
}

function conditionResult(cond: Condition, met: boolean | null, detail: string): ConditionResult {
  const result: ConditionResult = { factId: cond.fact, description: cond.description, met, detail };
  if (cond.role) result.role = cond.role;
  return result;
}

/** A day fact known only by its year: 2020. */
const YEAR_ONLY = /^\d{4}$/;

function compareText(op: 'gt' | 'gte' | 'lt' | 'lte', a: string, b: string): boolean {
  return compare(op, a < b ? -1 : a > b ? 1 : 0, 0);
}

function compare(op: 'gt' | 'gte' | 'lt' | 'lte', n: number, limit: number): boolean {
  switch (op) {
    case 'gt':
      return n > limit;
    case 'gte':
      return n >= limit;
    case 'lt':
      return n < limit;
    case 'lte':
      return n <= limit;
  }
}

function evaluateCondition(cond: Condition, ctx: Context): ConditionOutcome {
  const decl = declOf(ctx, cond.fact);
  const value = ctx.values.get(cond.fact);
  if (value === undefined) {
    return { result: conditionResult(cond, null, `待确认：${decl.label}`), assumptions: [] };
  }
  const shown = display(decl, value);
  const assumptions = cond.note ? [cond.note] : [];
  let met: boolean;
  let detail = `当前：${shown}`;
  switch (cond.op) {
    case 'in':
      met = cond.values.includes(value as string | boolean);
      break;
    case 'equals':
      met = value === cond.value;
      break;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      // A day known only by its year (今年授权的) decides only when the whole year is on one side.
      if (typeof value === 'string' && YEAR_ONLY.test(value)) {
        const first = compareText(cond.op, `${value}-01-01`, String(cond.value));
        if (first !== compareText(cond.op, `${value}-12-31`, String(cond.value))) {
          return { result: conditionResult(cond, null, `待确认：${decl.label}（只知是${value}年）`), assumptions: [] };
        }
      }
      // Numbers compare as numbers, days (YYYY-MM-DD) as text, which orders them by date.
      met =
        typeof value === 'number' && typeof cond.value === 'number'
          ? compare(cond.op, value, cond.value)
          : compareText(cond.op, String(value), String(cond.value));
      detail = `当前：${shown}；${OP_TEXT[cond.op]} ${constantText(decl, cond.value)}`;
      if (value === cond.value && cond.boundaryAssumption) assumptions.push(cond.boundaryAssumption);
      break;
    }
    case 'yearWithinValidity': {
      const year = value as number;
      const from = yearOf(ctx.validity.from);
      const to = Math.min(yearOf(ctx.validity.to), yearOf(ctx.asOf));
      met = year >= from && year <= to;
      detail = `当前：${year}年；须在方案有效期内年度（${from}—${yearOf(ctx.validity.to)}年）`;
      if (year > yearOf(ctx.asOf)) detail += `，且不晚于评估日期所在的${yearOf(ctx.asOf)}年`;
      break;
    }
  }
  const outcome: ConditionOutcome = { result: conditionResult(cond, met, detail), assumptions };
  if (!met) outcome.failReason = cond.failReason ?? `不满足：${cond.description}（当前：${shown}）`;
  return outcome;
}

/** The most a rule pays whatever the facts: a fixed amount, the top of a table, a cap, or so many units at most at the most per unit. */
export function maxYuanOf(rule: Rule): number | null {
  const amount = rule.amount;
  switch (amount.kind) {
    case 'fixed':
      return amount.yuan;
    case 'percentOf':
      return amount.capYuan ?? null;
    case 'byFact':
      return Math.max(...Object.values(amount.table).map((e) => e.yuan));
    case 'bands':
      return amount.capYuan ?? (amount.bands.every((b) => b.yuan !== undefined) ? Math.max(...amount.bands.map((b) => b.yuan!)) : null);
    case 'perUnit': {
      // A bounded number of units at a bounded amount each: their product is the most the rule pays.
      const perUnit = amount.unitCapBy ? Math.max(...Object.values(amount.unitCapBy.table)) : amount.yuan;
      const most = amount.maxUnits !== undefined && perUnit !== undefined && !amount.times?.length ? amount.maxUnits * perUnit : undefined;
      return most !== undefined && amount.capYuan !== undefined ? Math.min(most, amount.capYuan) : (amount.capYuan ?? most ?? null);
    }
    case 'staged':
      return amount.stages.reduce((sum, stage) => sum + stage.yuan, 0);
  }
}

/** Whether a figure lies in a band, with the band's own inclusive or exclusive ends. */
export function inBand(value: number, band: Band): boolean {
  const aboveFrom = band.fromExclusive ? value > band.from : value >= band.from;
  const belowTo = band.to === undefined || (band.toInclusive ? value <= band.to : value < band.to);
  return aboveFrom && belowTo;
}

/** A band as the policy words it: 500万元以上至1000万元以下. */
export function bandText(band: Band, decl: FactDeclaration): string {
  const unit = (n: number) => (decl.type === 'money' ? formatYuan(n) : String(n));
  const from = `${unit(band.from)}${band.fromExclusive ? '以上（不含）' : '以上'}`;
  return band.to === undefined ? from : `${from}至${unit(band.to)}${band.toInclusive ? '（含）' : '以下'}`;
}

interface AmountOutcome {
  amountYuan: number;
  formula: string;
  assumptions: string[];
  failReason?: string;
}

/** Percent of a base, rounded down to whole yuan, in integer arithmetic (no float ever touches money). */
export function percentOfFloor(baseYuan: number, percent: number): number {
  return Number((BigInt(baseYuan) * BigInt(percent)) / 100n);
}

const ROUND_DOWN = '按元取整：比例计算结果只保留整元，小数部分舍去（向下取整），不超过政策允许的金额。';

function computeAmount(rule: Rule, ctx: Context): AmountOutcome | 'missing' {
  const amount = rule.amount;
  switch (amount.kind) {
    case 'bands': {
      const base = ctx.values.get(amount.fact);
      if (typeof base !== 'number') return 'missing';
      const decl = declOf(ctx, amount.fact);
      const band = amount.bands.find((b) => inBand(base, b));
      if (!band) {
        return {
          amountYuan: 0,
          formula: '',
          assumptions: [],
          failReason: `${decl.label}${display(decl, base)}不在任何一档（最低一档：${bandText(amount.bands[0]!, decl)}）`,
        };
      }
      if (band.yuan !== undefined) {
        return {
          amountYuan: band.yuan,
          formula: `${display(decl, base)}属于“${bandText(band, decl)}”一档：不超过 ${digits(band.yuan)}`,
          assumptions: [],
        };
      }
      // The rate: the band's, or the special case's; then every bonus that holds, added up.
      const special = amount.rateBy ? ctx.values.get(amount.rateBy.fact) : undefined;
      const specialRate = amount.rateBy && special !== undefined ? amount.rateBy.rates[String(special)] : undefined;
      let percent = specialRate ?? band.percent!;
      const parts = [
        specialRate !== undefined
          ? `${display(declOf(ctx, amount.rateBy!.fact), special!)} ${specialRate}%`
          : `“${bandText(band, decl)}”一档 ${band.percent}%`,
      ];
      for (const bonus of amount.bonusPoints ?? []) {
        const v = ctx.values.get(bonus.fact);
        const points = bonus.table
          ? v !== undefined
            ? bonus.table[String(v)]
            : undefined
          : v !== undefined && v === (bonus.value ?? true)
            ? bonus.points
            : undefined;
        if (points === undefined) continue;
        percent += points;
        parts.push(`${bonus.description} +${points}个百分点`);
      }
      const raw = percentOfFloor(base, percent);
      const rateText = parts.length > 1 ? `（${parts.join('，')}，合计 ${percent}%）` : `（${parts[0]}）`;
      if (amount.capYuan !== undefined && raw > amount.capYuan) {
        return {
          amountYuan: amount.capYuan,
          formula: `${digits(base)} × ${percent}%${rateText} 超过上限，按上限 ${digits(amount.capYuan)} 计`,
          assumptions: [ROUND_DOWN],
        };
      }
      const cap = amount.capYuan !== undefined ? `（上限 ${digits(amount.capYuan)}）` : '';
      return { amountYuan: raw, formula: `${digits(base)} × ${percent}% = ${digits(raw)}${rateText}${cap}`, assumptions: [ROUND_DOWN] };
    }
    case 'perUnit': {
      const raw = ctx.values.get(amount.fact);
      if (typeof raw !== 'number') return 'missing';
      const decl = declOf(ctx, amount.fact);
      const units = amount.unitYuan !== undefined ? Math.floor(raw / amount.unitYuan) : raw;
      let rate = amount.yuan;
      let rateNote = '';
      if (amount.byDate) {
        const day = ctx.values.get(amount.byDate.fact);
        if (typeof day !== 'string') return 'missing';
        const rangeOf = (d: string) => amount.byDate!.ranges.find((r) => (r.onOrBefore !== undefined ? d <= r.onOrBefore : d > r.after!));
        // Known only by its year: the rate of that year, when the whole year has one.
        const range = YEAR_ONLY.test(day) ? rangeOf(`${day}-01-01`) : rangeOf(day);
        if (YEAR_ONLY.test(day) && range !== rangeOf(`${day}-12-31`)) return 'missing';
        if (!range)
          return {
            amountYuan: 0,
            formula: '',
            assumptions: [],
            failReason: `${declOf(ctx, amount.byDate.fact).label}${day}不在政策规定的任何时段`,
          };
        rate = range.yuan;
        rateNote = `（${declOf(ctx, amount.byDate.fact).label}${day}，${range.onOrBefore !== undefined ? `${range.onOrBefore}前（含）` : `${range.after}后`}每单位 ${digits(range.yuan)}）`;
      }
      // A share of a money fact spread over the units (a fee × 80% ÷ the units), at most an amount per unit by an
      // enum fact (赴境外每个展位不超过15000元).
      if (amount.shareOf) {
        const fee = ctx.values.get(amount.shareOf.fact);
        if (typeof fee !== 'number') return 'missing';
        if (units <= 0) return { amountYuan: 0, formula: '', assumptions: [], failReason: `${decl.label}为0` };
        rate = Number((BigInt(fee) * BigInt(amount.shareOf.percent)) / (100n * BigInt(units)));
        rateNote = `（${display(declOf(ctx, amount.shareOf.fact), fee)} × ${amount.shareOf.percent}%${units > 1 ? ` ÷ ${units}` : ''} = 每单位 ${digits(rate)}`;
      }
      if (amount.unitCapBy) {
        const key = ctx.values.get(amount.unitCapBy.fact);
        if (key === undefined) return 'missing';
        const capDecl = declOf(ctx, amount.unitCapBy.fact);
        const perUnitCap = typeof key === 'string' ? amount.unitCapBy.table[key] : undefined;
        if (perUnitCap === undefined)
          return { amountYuan: 0, formula: '', assumptions: [], failReason: `“${display(capDecl, key)}”不在本项奖励的范围内` };
        const capped = rate === undefined || rate > perUnitCap;
        rateNote = `${rateNote ? `${rateNote}，` : '（'}${display(capDecl, key)}每单位不超过 ${digits(perUnitCap)}${capped && rate !== undefined ? `，按 ${digits(perUnitCap)} 计` : ''}）`;
        rate = Math.min(rate ?? perUnitCap, perUnitCap);
      } else if (amount.shareOf) rateNote += '）';
      // Never above the actual price of a unit (但不超过实际租赁成本); unknown, the standard is the upper bound.
      let actualNote: string | undefined;
      if (amount.actualRate && rate !== undefined) {
        const actual = ctx.values.get(amount.actualRate);
        const actualDecl = declOf(ctx, amount.actualRate);
        if (typeof actual === 'number' && actual < rate) {
          rateNote += `（${actualDecl.label} ${digits(actual)} 低于标准 ${digits(rate)}，按实际计）`;
          rate = actual;
        } else if (actual === undefined) actualNote = `按标准每单位 ${digits(rate)} 计；${actualDecl.label}低于标准的，按实际计。`;
      }
      // At most so many units (同一活动最多奖励4个).
      let counted = units;
      let unitsNote = '';
      if (amount.maxUnits !== undefined && units > amount.maxUnits) {
        counted = amount.maxUnits;
        unitsNote = `（${units} 超过最多 ${amount.maxUnits}，按 ${amount.maxUnits} 计）`;
      }
      let multiplier = 1;
      const factors: string[] = [];
      for (const id of amount.times ?? []) {
        const m = ctx.values.get(id);
        if (typeof m !== 'number') return 'missing';
        multiplier *= m;
        factors.push(`${display(declOf(ctx, id), m)}`);
      }
      const unitText =
        amount.unitYuan !== undefined ? `${display(decl, raw)} 按每 ${digits(amount.unitYuan)} 计 ${units} 份` : `${counted}${unitsNote}`;
      const total = Number(BigInt(counted) * BigInt(rate ?? 0) * BigInt(multiplier));
      const product = `${unitText} × ${digits(rate ?? 0)}${factors.map((f) => ` × ${f}`).join('')}${rateNote}`;
      if (amount.capYuan !== undefined && total > amount.capYuan) {
        return {
          amountYuan: amount.capYuan,
          formula: `${product} 超过上限，按上限 ${digits(amount.capYuan)} 计`,
          assumptions: actualNote ? [actualNote] : [],
        };
      }
      const cap = amount.capYuan !== undefined ? `（上限 ${digits(amount.capYuan)}）` : '';
      return {
        amountYuan: total,
        formula: `${product} = ${digits(total)}${cap}`,
        assumptions: [...(amount.unitYuan !== undefined ? ['不足一份的部分不计。'] : []), ...(actualNote ? [actualNote] : [])],
      };
    }
    case 'staged': {
      const reached = ctx.values.get(amount.fact);
      if (reached === undefined) return 'missing';
      const decl = declOf(ctx, amount.fact);
      const at = amount.stages.findIndex((stage) => stage.value === reached);
      if (at < 0) return { amountYuan: 0, formula: '', assumptions: [], failReason: `“${display(decl, reached)}”尚未到达任何可奖励的阶段` };
      const done = amount.stages.slice(0, at + 1);
      const total = done.reduce((sum, stage) => sum + stage.yuan, 0);
      return {
        amountYuan: total,
        formula: `${done.map((stage) => `${display(decl, stage.value)} ${digits(stage.yuan)}`).join(' + ')} = ${digits(total)}`,
        assumptions: ['分阶段奖励按已到达的各阶段累计；此前已领取的阶段奖励不再重复领取。'],
      };
    }
    case 'fixed': {
      const label = amount.label ?? rule.title;
      return { amountYuan: amount.yuan, formula: `${label}：不超过 ${digits(amount.yuan)}`, assumptions: [] };
    }
    case 'percentOf': {
      const base = ctx.values.get(amount.fact);
      if (typeof base !== 'number') return 'missing';
      const raw = percentOfFloor(base, amount.percent);
      const assumptions = [ROUND_DOWN];
      const product = `${digits(base)} × ${amount.percent}% = ${digits(raw)}`;
      if (amount.capYuan !== undefined && raw > amount.capYuan) {
        // The uncapped product is left out: a figure the company will not get is easily misread as its award.
        return {
          amountYuan: amount.capYuan,
          formula: `${digits(base)} × ${amount.percent}% 超过上限，按上限 ${digits(amount.capYuan)} 计`,
          assumptions,
        };
      }
      const cap = amount.capYuan !== undefined ? `（上限 ${digits(amount.capYuan)}）` : '';
      return { amountYuan: raw, formula: `${product}${cap}`, assumptions };
    }
    case 'byFact': {
      const key = ctx.values.get(amount.fact);
      if (key === undefined) return 'missing';
      const decl = declOf(ctx, amount.fact);
      const entry = amount.table[String(key)];
      if (!entry) {
        return { amountYuan: 0, formula: '', assumptions: [], failReason: `“${display(decl, key)}”没有对应的奖励金额` };
      }
      const places = entry.places !== undefined ? `（共${entry.places}名）` : '';
      return {
        amountYuan: entry.yuan,
        formula: `${display(decl, key)}${places}：不超过 ${digits(entry.yuan)}`,
        assumptions: [],
      };
    }
  }
}

/** Per rule set, worked out once: declarations by id and the conversation order of facts. */
const indexes = new WeakMap<RuleSet, { decls: Map<string, FactDeclaration>; order: Map<string, number> }>();
function indexOf(ruleSet: RuleSet) {
  let index = indexes.get(ruleSet);
  if (!index) {
    index = { decls: new Map(ruleSet.facts.map((f) => [f.id, f])), order: new Map(ruleSet.facts.map((f, i) => [f.id, i])) };
    indexes.set(ruleSet, index);
  }
  return index;
}

function factOrder(ruleSet: RuleSet): Map<string, number> {
  return indexOf(ruleSet).order;
}

function evaluateRule(rule: Rule, ctx: Context): RuleResult {
  const validity = rule.validity ?? ctx.ruleSet.validity;
  const ruleCtx: Context = { ...ctx, validity };
  const outcomes = rule.conditions.map((c) => evaluateCondition(c, ruleCtx));
  const conditions = outcomes.map((o) => o.result);
  const assumptions = [...ctx.ruleSet.assumptions, ...rule.assumptions, ...outcomes.flatMap((o) => o.assumptions)];
  const result: RuleResult = {
    ruleId: rule.id,
    title: rule.title,
    eligible: false,
    amountYuan: 0,
    formula: '',
    citation: { ...rule.citation },
    assumptions,
    policyId: ctx.ruleSet.id,
    status: 'ineligible',
    conditions,
    missingFacts: [],
    reasons: [],
    maxYuan: maxYuanOf(rule),
  };

  if (ctx.asOf > validity.to) {
    result.status = 'expired';
    result.formula = '政策已过有效期，不计算金额';
    result.reasons.push(`本政策有效期至${validity.to}，评估日期${ctx.asOf}已过期，不再给出金额。`);
    return result;
  }
  if (ctx.asOf < validity.from) {
    result.formula = '政策尚未施行，不计算金额';
    result.reasons.push(`本政策自${validity.from}起施行，评估日期${ctx.asOf}尚未生效。`);
    return result;
  }

  const failures = outcomes.flatMap((o) => (o.failReason ? [o.failReason] : []));
  if (failures.length > 0) {
    result.reasons.push(...failures);
    result.formula = '不符合条件，不计算金额';
    return result;
  }

  const order = factOrder(ctx.ruleSet);
  const missing = new Set(conditions.filter((c) => c.met === null).map((c) => c.factId));
  // The amount's own facts, except what only raises or replaces its rate (a bonus not stated does not apply).
  const optional = optionalAmountFacts(rule);
  for (const id of amountFacts(rule)) if (!optional.has(id) && !ctx.values.has(id)) missing.add(id);
  // The exclusivity group needs the year to know which awards compete.
  if (rule.exclusivity?.yearFact && !ctx.values.has(rule.exclusivity.yearFact)) missing.add(rule.exclusivity.yearFact);
  if (missing.size > 0) {
    result.status = 'needs-facts';
    result.missingFacts = [...missing].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    const labels = result.missingFacts.map((id) => declOf(ctx, id).label);
    result.reasons.push(`尚缺以下信息，暂无法判断：${labels.join('；')}。`);
    result.formula = '待补充信息后计算';
    return result;
  }

  const amount = computeAmount(rule, ruleCtx);
  if (amount === 'missing') {
    // Every amount fact is known, so one of them is a day known only by a year that the rate splits (2019,
    // with one rate up to 30 April and another after): its exact day is needed.
    const vague = [...amountFacts(rule)].filter((id) => {
      const value = ctx.values.get(id);
      return typeof value === 'string' && YEAR_ONLY.test(value);
    });
    if (vague.length === 0) throw new Error(`unreachable: amount fact of ${rule.id} is known`);
    result.status = 'needs-facts';
    result.missingFacts = vague;
    result.reasons.push(`尚缺以下信息，暂无法判断：${vague.map((id) => `${declOf(ctx, id).label}（具体日期）`).join('；')}。`);
    result.formula = '待补充信息后计算';
    return result;
  }
  result.assumptions.push(...amount.assumptions);
  if (amount.failReason) {
    result.reasons.push(amount.failReason);
    result.formula = '不符合条件，不计算金额';
    return result;
  }
  result.status = 'eligible';
  result.eligible = true;
  result.amountYuan = amount.amountYuan;
  result.formula = amount.formula;
  result.reasons.push(`符合全部条件，最高可获 ${formatYuan(amount.amountYuan)}。`);
  return result;
}

/** The named rules and every rule sharing an exclusivity group with one of them, in rule-set order. */
function rulesWithTheirGroups(ruleSet: RuleSet, ruleIds: readonly string[]): Rule[] {
  const wanted = new Set(ruleIds);
  const groups = new Set(ruleSet.rules.filter((r) => wanted.has(r.id) && r.exclusivity).map((r) => r.exclusivity!.group));
  return ruleSet.rules.filter((r) => wanted.has(r.id) || (r.exclusivity && groups.has(r.exclusivity.group)));
}

/**
 * 从高、不重复: within an exclusivity group, in one year only the highest eligible award counts; the others
 * are marked superseded. Awards of the group in different years all count, and the reading is surfaced.
 */
function applyExclusivity(rules: readonly Rule[], results: RuleResult[], values: Map<string, FactValue>): void {
  const groups = new Map<string, { rule: Rule; result: RuleResult }[]>();
  rules.forEach((rule, i) => {
    if (!rule.exclusivity) return;
    const members = groups.get(rule.exclusivity.group) ?? [];
    members.push({ rule, result: results[i]! });
    groups.set(rule.exclusivity.group, members);
  });

  for (const members of groups.values()) {
    const eligible = members.filter((m) => m.result.status === 'eligible');
    // Awards compete within one year when the group names a year fact, otherwise always.
    const periodOf = (m: { rule: Rule }): number | 'any' => {
      const yearFact = m.rule.exclusivity!.yearFact;
      return yearFact ? (values.get(yearFact) as number) : 'any';
    };
    const byYear = new Map<number | 'any', typeof eligible>();
    for (const m of eligible) byYear.set(periodOf(m), [...(byYear.get(periodOf(m)) ?? []), m]);

    for (const [year, sameYear] of byYear) {
      const ranked = [...sameYear].sort((a, b) => b.result.amountYuan - a.result.amountYuan);
      const kept = ranked[0]!;
      const description = kept.rule.exclusivity!.description;
      const chooseOne = kept.rule.exclusivity!.principle === 'chooseOne';
      const when = year === 'any' ? '' : `同一年度（${year}年）`;
      const principle = chooseOne ? '“择一享受”' : year === 'any' ? '“执行最高额、不重复享受”' : '“从高、不重复”';
      const factOf = (m: { rule: Rule }) => m.rule.exclusivity!.yearFact ?? m.rule.amount.kind;
      for (const m of ranked.slice(1)) {
        const r = m.result;
        r.status = 'ineligible';
        r.eligible = false;
        r.supersededBy = kept.rule.id;
        r.conditions.push({
          factId: factOf(m),
          description,
          met: false,
          detail: `${when}已按「${kept.result.title}」计 ${digits(kept.result.amountYuan)}`,
          role: 'exclusivity',
        });
        r.reasons = [
          chooseOne
            ? `与「${kept.result.title}」${formatYuan(kept.result.amountYuan)}只能${principle}，按金额较高的一项计；如企业选择本项，则为 ${formatYuan(r.amountYuan)}。`
            : `${when}已可享受「${kept.result.title}」${formatYuan(kept.result.amountYuan)}，按${principle}原则不再重复享受本项 ${formatYuan(r.amountYuan)}。`,
        ];
        r.formula = `${when}${principle}：本项 ${digits(r.amountYuan)} 不计入，按 ${digits(kept.result.amountYuan)} 计`;
        r.amountYuan = 0;
      }
      if (ranked.length > 1) {
        kept.result.assumptions.push(
          `${year === 'any' ? '' : `${year}年`}同时符合${ranked.map((m) => `「${m.result.title}」`).join('、')}，按${principle}原则只计较高的一项${chooseOne ? '（选择哪一项由企业决定）' : ''}。`,
        );
      }
      kept.result.conditions.push({
        factId: factOf(kept),
        description,
        met: true,
        detail: year === 'any' ? '只计本项' : `${year}年只计本项`,
        role: 'exclusivity',
      });
    }

    const years = [...byYear.keys()].filter((y): y is number => y !== 'any').sort((a, b) => a - b);
    if (years.length > 1) {
      const titles = eligible.map((m) => `「${m.result.title}」`).join('、');
      for (const m of eligible) {
        if (m.result.status !== 'eligible') continue;
        m.result.assumptions.push(
          `${titles}分属不同年度（${years.map((y) => `${y}年`).join('、')}）：原文“从高、不重复”限定于“同一年度”，故按各自年度分别计算；如主管部门理解为同一企业只享受一次，则只计较高的一项。`,
        );
      }
    }
    const pending = members.filter((m) => m.result.status === 'needs-facts');
    if (pending.length > 0) {
      for (const m of eligible) {
        if (m.result.status !== 'eligible') continue;
        m.result.assumptions.push(
          `如同一年度还符合${pending.map((p) => `「${p.result.title}」`).join('、')}，按“从高、不重复”原则只计较高的一项。`,
        );
      }
    }
  }
}

function followUps(ruleSet: RuleSet, results: RuleResult[]): FollowUpQuestion[] {
  const questions: FollowUpQuestion[] = [];
  for (const decl of ruleSet.facts) {
    const waiting = results.filter((r) => r.status === 'needs-facts' && r.missingFacts.includes(decl.id));
    if (waiting.length === 0) continue;
    const q: FollowUpQuestion = {
      factId: decl.id,
      question: decl.question,
      label: decl.label,
      type: decl.type,
      ruleIds: waiting.map((r) => r.ruleId),
    };
    if (decl.options) q.options = decl.options.map((o) => ({ value: o.value, label: o.label }));
    questions.push(q);
  }
  return questions;
}

/** Evaluates every rule of one policy for one company on one date. */
export function evaluateRules(ruleSet: RuleSet, facts: FactInput, options: EvaluateOptions): CalculationReport {
  assertDate(options.asOf);
  const { values, invalid } = coerceFacts(ruleSet, facts);
  const ctx: Context = {
    ruleSet,
    decls: indexOf(ruleSet).decls,
    values,
    asOf: options.asOf,
    validity: ruleSet.validity,
  };
  const rules = options.ruleIds ? rulesWithTheirGroups(ruleSet, options.ruleIds) : ruleSet.rules;
  const assumedFacts: string[] = [];
  if (options.defaults) {
    for (const decl of ruleSet.facts) {
      if (!decl.default || values.has(decl.id) || !rules.some((r) => factsOfRule(r).has(decl.id))) continue;
      values.set(decl.id, decl.default.value);
      assumedFacts.push(decl.id);
    }
  }
  const results = rules.map((rule) => evaluateRule(rule, ctx));
  for (const [i, rule] of rules.entries()) {
    const result = results[i]!;
    for (const id of assumedFacts) {
      if (!factsOfRule(rule).has(id)) continue;
      result.assumptions.unshift(ctx.decls.get(id)!.default!.assumption);
      for (const c of result.conditions) if (c.factId === id) c.assumed = true;
    }
  }
  applyExclusivity(rules, results, values);

  const expired = options.asOf > ruleSet.validity.to;
  const notes: string[] = [];
  if (expired) {
    notes.push(`《${ruleSet.title}》有效期至${ruleSet.validity.to}，评估日期${options.asOf}已过期，各项奖补不再给出金额。`);
  }
  const window = ruleSet.applicationWindow;
  if (!expired && window && options.asOf < window.from && options.asOf >= ruleSet.validity.from) {
    notes.push(`申报窗口自${window.from}开启，此前暂不受理申报。`);
  }
  if (!expired && window && options.asOf > window.to) {
    notes.push(`申报窗口已于${window.to}关闭。`);
  }

  const report: CalculationReport = {
    policyId: ruleSet.id,
    docId: ruleSet.docId,
    title: ruleSet.title,
    asOf: options.asOf,
    validity: { ...ruleSet.validity },
    expired,
    results,
    totalYuan: results.reduce((sum, r) => sum + (r.eligible ? r.amountYuan : 0), 0),
    followUpQuestions: expired ? [] : followUps(ruleSet, results),
    invalidFacts: invalid,
    notes,
    assumedFacts,
  };
  if (window) report.applicationWindow = { ...window };
  return report;
}

export interface MatchReport {
  asOf: string;
  /** One report per policy. */
  reports: CalculationReport[];
  /** Awards the company can get, across policies, after exclusivity. */
  eligible: RuleResult[];
  /** Awards that may apply once the missing facts are known. */
  undetermined: RuleResult[];
  totalYuan: number;
  /** Merged across policies, each fact once, in conversation order. */
  followUpQuestions: FollowUpQuestion[];
  invalidFacts: InvalidFact[];
  /** Every policy evaluated had expired on asOf. */
  expired: boolean;
}

/** Every award a company may be eligible for across policies, what is missing to decide, and the total. */
export function matchPolicies(ruleSets: readonly RuleSet[], facts: FactInput, options: EvaluateOptions): MatchReport {
  const reports = ruleSets.map((rs) => evaluateRules(rs, facts, options));
  const questions = new Map<string, FollowUpQuestion>();
  for (const q of reports.flatMap((r) => r.followUpQuestions)) {
    const seen = questions.get(q.factId);
    if (seen) seen.ruleIds.push(...q.ruleIds);
    else questions.set(q.factId, { ...q, ruleIds: [...q.ruleIds] });
  }
  const invalid = new Map<string, InvalidFact>();
  for (const f of reports.flatMap((r) => r.invalidFacts)) if (!invalid.has(f.factId)) invalid.set(f.factId, f);
  const all = reports.flatMap((r) => r.results);
  return {
    asOf: options.asOf,
    reports,
    eligible: all.filter((r) => r.status === 'eligible'),
    undetermined: all.filter((r) => r.status === 'needs-facts'),
    totalYuan: reports.reduce((sum, r) => sum + r.totalYuan, 0),
    followUpQuestions: [...questions.values()],
    invalidFacts: [...invalid.values()],
    expired: reports.length > 0 && reports.every((r) => r.expired),
  };
}

/** The declared facts for `GET /v1/calculator/inputs`. */
export function describeCalculatorInputs(ruleSets: readonly RuleSet[]): FactDescription[] {
  return describeFacts(ruleSets);
}

export type { FactDescription, FactInput, FactValue, InvalidFact };
