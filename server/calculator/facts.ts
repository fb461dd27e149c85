import { parseMoney } from '../../knowledge/text/money.js';
import { normaliseInput } from '../../knowledge/text/normalise.js';
import { factsOfRule } from '../../knowledge/rules/rule-facts.js';
import type { FactDeclaration, FactType, RuleSet } from '../../knowledge/rules/rules-schema.js';

/** A fact value after coercion: enum option value, boolean, or integer (money in yuan, year, count). */
export type FactValue = string | number | boolean;

/** Facts as they arrive from a channel or the conversation: typed values or the user's own words. */
export type FactInput = Record<string, unknown>;

export type CoercedFact = { ok: true; value: FactValue } | { ok: false; problem: string };

export interface InvalidFact {
  factId: string;
  value: unknown;
  /** Chinese, shown to the user before asking again. */
  problem: string;
}

const YES = new Set(['是', '有', '对', '已', '已经', '已获得', '已领取', '拿过', '获得过', 'y', 'yes', 'true', '1']);
const NO = new Set(['否', '不是', '没有', '无', '未', '没', '还没有', '未获得', 'n', 'no', 'false', '0']);

function isMissing(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

function coerceInteger(raw: unknown, type: FactType): number | null {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : null;
  if (typeof raw !== 'string') return null;
  const text = normaliseInput(raw).replace(/\s+/g, '');
  if (type === 'money') return parseMoney(text);
  const match = type === 'year' ? /^(\d{4})年?(?:度)?$/.exec(text) : /^(-?\d+)$/.exec(text);
  return match ? Number(match[1]) : null;
}

const enumNamesOf = new WeakMap<FactDeclaration, Map<string, string>>();

/**
 * Every name an enum option answers to (value, label, normalised aliases) → its value, made once per
 * declaration. Earlier options win, as a search in declaration order would.
 */
function enumNames(decl: FactDeclaration): Map<string, string> {
  let names = enumNamesOf.get(decl);
  if (names) return names;
  names = new Map();
  for (const o of decl.options ?? []) {
    for (const name of [o.value, o.label, ...(o.aliases ?? []).map((a) => normaliseInput(a))])
      if (!names.has(name)) names.set(name, o.value);
  }
  enumNamesOf.set(decl, names);
  return names;
}

/** A day written 2019-04-30, 2019/4/30 or 2019年4月30日, as YYYY-MM-DD; null when it is not a real day. */
export function parseDay(text: string): string | null {
  const m = /^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?$/.exec(text);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

/** Turns one raw value into the declared type, or says in Chinese why it cannot. */
export function coerceFact(decl: FactDeclaration, raw: unknown): CoercedFact {
  // Objects, arrays and the like come from callers' mistakes; String() on them can even throw.
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    return { ok: false, problem: `“${decl.label}”的值无法识别，请填写文字或数字` };
  }
  switch (decl.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const text = typeof raw === 'string' ? normaliseInput(raw).toLowerCase() : String(raw);
      if (YES.has(text)) return { ok: true, value: true };
      if (NO.has(text)) return { ok: true, value: false };
      return { ok: false, problem: `“${decl.label}”需要回答“是”或“否”` };
    }
    case 'enum': {
      const text = typeof raw === 'string' ? normaliseInput(raw) : String(raw);
      const value = enumNames(decl).get(text);
      if (value !== undefined) return { ok: true, value };
      return { ok: false, problem: `“${decl.label}”应为以下之一：${(decl.options ?? []).map((o) => o.label).join('、')}` };
    }
    case 'money': {
      const value = coerceInteger(raw, 'money');
      if (value !== null && value >= 0) return { ok: true, value };
      return { ok: false, problem: `“${decl.label}”无法识别为金额，请填写如“500万元”或“5,000,000元”` };
    }
    case 'year': {
      const value = coerceInteger(raw, 'year');
      if (value !== null && value >= 1900 && value <= 2100) return { ok: true, value };
      return { ok: false, problem: `“${decl.label}”应为四位年份，如 2025` };
    }
    case 'integer': {
      const value = coerceInteger(raw, 'integer');
      if (value !== null) return { ok: true, value };
      return { ok: false, problem: `“${decl.label}”应为整数` };
    }
    case 'date': {
      const text = typeof raw === 'string' ? normaliseInput(raw).replace(/\s+/g, '') : typeof raw === 'number' ? String(raw) : '';
      const day = parseDay(text);
      if (day) return { ok: true, value: day };
      // Only the year (2020、2020年): the calculator decides with it where the whole year falls one way.
      const year = /^(\d{4})年?$/.exec(text);
      if (year) return { ok: true, value: year[1]! };
      return { ok: false, problem: `“${decl.label}”应为日期，如 2019-04-30 或 2019年4月30日（只知年份时可填 2020）` };
    }
  }
}

/** Coerces the facts a rule set declares; unknown keys are ignored, invalid values reported (and treated as missing). */
export function coerceFacts(ruleSet: RuleSet, input: FactInput): { values: Map<string, FactValue>; invalid: InvalidFact[] } {
  const values = new Map<string, FactValue>();
  const invalid: InvalidFact[] = [];
  for (const decl of ruleSet.facts) {
    const raw = input[decl.id];
    if (isMissing(raw)) continue;
    const result = coerceFact(decl, raw);
    if (result.ok) values.set(decl.id, result.value);
    else invalid.push({ factId: decl.id, value: raw, problem: result.problem });
  }
  return { values, invalid };
}

/** A fact value as a user should read it: option label, 是/否, money in both forms. */
export function displayFactValue(decl: FactDeclaration, value: FactValue, formatMoney: (yuan: number) => string): string {
  switch (decl.type) {
    case 'boolean':
      return value === true ? '是' : '否';
    case 'enum':
      return decl.options?.find((o) => o.value === value)?.label ?? String(value);
    case 'money':
      return typeof value === 'number' ? formatMoney(value) : String(value);
    case 'year':
      return `${value}年`;
    case 'integer':
      return `${value}${decl.unit ?? ''}`;
    case 'date': {
      const [y, m, d] = String(value).split('-').map(Number);
      // A day known only by its year.
      if (m === undefined) return `${y}年`;
      return `${y}年${m}月${d}日`;
    }
  }
}

export interface FactDescription {
  id: string;
  type: FactType;
  label: string;
  question: string;
  help?: string;
  options?: { value: string; label: string }[];
  /** 元 for money (integer yuan; `parseMoney` also accepts 500万, 五百万 …), 年 for years, what a count counts. */
  unit?: string;
  /** Rules that use this fact, as `policyId/ruleId`. */
  usedBy: string[];
}

/**
 * The declared facts of every rule set, for `GET /v1/calculator/inputs`, in conversation order.
 * A fact declared by several rule sets (same id) is listed once, from the first declaration.
 */
export function describeFacts(ruleSets: readonly RuleSet[]): FactDescription[] {
  const byId = new Map<string, FactDescription>();
  for (const ruleSet of ruleSets) {
    for (const decl of ruleSet.facts) {
      if (byId.has(decl.id)) continue;
      const description: FactDescription = {
        id: decl.id,
        type: decl.type,
        label: decl.label,
        question: decl.question,
        usedBy: [],
      };
      if (decl.help) description.help = decl.help;
      if (decl.options) description.options = decl.options.map((o) => ({ value: o.value, label: o.label }));
      if (decl.type === 'money') description.unit = '元';
      if (decl.type === 'year') description.unit = '年';
      if (decl.type === 'integer' && decl.unit) description.unit = decl.unit;
      byId.set(decl.id, description);
    }
    for (const rule of ruleSet.rules) {
      for (const factId of factsOfRule(rule)) {
        byId.get(factId)?.usedBy.push(`${ruleSet.id}/${rule.id}`);
      }
    }
  }
  return [...byId.values()];
}
