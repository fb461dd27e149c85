import type { DocumentMeta } from '../../../knowledge/types.js';
import type { FactDeclaration, Rule, RuleSet } from '../../../knowledge/rules/rules-schema.js';
import { formatYuan } from '../../../knowledge/text/money.js';
import { bandText, maxYuanOf, type RuleResult } from '../../calculator/engine.js';

/**
 * How an award is said in an answer, from its rule alone: the amount or cap, and the one line of who
 * qualifies. Every figure comes from the rule's data (checked against its clause at build time).
 */

/** 三（七）19 → "第19条（三（七）19）" for numbered items; the label itself otherwise. */
export function clauseName(clause: { id: string; label: string; kind: string }): string {
  const item = /^item-(\d+)$/.exec(clause.id);
  return item ? `第${item[1]}条（${clause.label}）` : clause.label;
}

function optionLabel(decls: ReadonlyMap<string, FactDeclaration>, factId: string, value: string): string {
  return decls.get(factId)?.options?.find((o) => o.value === value)?.label ?? value;
}

/**
 * The amount a rule gives, as the policy states it: 最高50万元; 一等奖5万元、二等奖3万元…; 按实际投资的10%，
 * 最高200万元. `only` narrows a table to the options the question names.
 */
export function amountText(rule: Rule, decls: ReadonlyMap<string, FactDeclaration>, only?: ReadonlySet<string>): string {
  const amount = rule.amount;
  switch (amount.kind) {
    case 'fixed':
      return `最高${formatYuan(amount.yuan)}`;
    case 'percentOf': {
      const base = decls.get(amount.fact)?.label.replace(/（.*?）/g, '') ?? amount.fact;
      const cap = amount.capYuan !== undefined ? `，最高${formatYuan(amount.capYuan)}` : '';
      return `按${base}的${amount.percent}%${cap}`;
    }
    case 'byFact': {
      const entries = Object.entries(amount.table).filter(([value]) => !only || only.size === 0 || only.has(value));
      const shown = entries.length > 0 ? entries : Object.entries(amount.table);
      return shown
        .map(
          ([value, e]) =>
            `${optionLabel(decls, amount.fact, value)}最高${formatYuan(e.yuan)}${e.places !== undefined ? `（${e.places}名）` : ''}`,
        )
        .join('、');
    }
    case 'bands': {
      const decl = decls.get(amount.fact);
      const base = decl?.label.replace(/（.*?）/g, '') ?? amount.fact;
      const bands = amount.bands
        .map(
          (band) =>
            `${decl ? bandText(band, decl) : ''}${band.percent !== undefined ? `按${band.percent}%` : `最高${formatYuan(band.yuan!)}`}`,
        )
        .join('；');
      const special = amount.rateBy
        ? `；${Object.entries(amount.rateBy.rates)
            .map(([value, percent]) => `${optionLabel(decls, amount.rateBy!.fact, value)}按${percent}%`)
            .join('、')}`
        : '';
      const bonus = (amount.bonusPoints ?? []).map((b) => `；${b.description}`).join('');
      const cap = amount.capYuan !== undefined ? `，最高${formatYuan(amount.capYuan)}` : '';
      return `按${base}分档：${bands}${special}${bonus}${cap}`;
    }
    case 'perUnit': {
      const decl = decls.get(amount.fact);
      const unit = amount.unitYuan !== undefined ? `每${formatYuan(amount.unitYuan)}` : `每${decl?.unit ?? '项'}`;
      const shareText = amount.shareOf
        ? `按${decls.get(amount.shareOf.fact)?.label.replace(/（.*?）/g, '') ?? amount.shareOf.fact}的${amount.shareOf.percent}%`
        : '';
      const unitCapText = amount.unitCapBy
        ? `，${unit}最高${Object.entries(amount.unitCapBy.table)
            .map(([value, yuan]) => `${optionLabel(decls, amount.unitCapBy!.fact, value)}${formatYuan(yuan)}`)
            .join('、')}`
        : '';
      const most = amount.maxUnits !== undefined ? `，最多${amount.maxUnits}${decl?.unit ?? '项'}` : '';
      const rate = amount.shareOf
        ? `${shareText}${unitCapText}${most}`
        : amount.yuan !== undefined
          ? `${unit}${formatYuan(amount.yuan)}${most}`
          : (amount.byDate?.ranges ?? [])
              .map(
                (r) =>
                  `${r.onOrBefore !== undefined ? `${dayText(r.onOrBefore)}前（含）` : `${dayText(r.after!)}后`}${unit}${formatYuan(r.yuan)}`,
              )
              .join('、');
      const actual = amount.actualRate ? '（不超过实际单价）' : '';
      const times = `${actual}${(amount.times ?? []).map((id) => `×${decls.get(id)?.label ?? id}`).join('')}`;
      const cap = amount.capYuan !== undefined ? `，最高${formatYuan(amount.capYuan)}` : '';
      return `${rate}${times}${cap}`;
    }
    case 'staged': {
      const total = amount.stages.reduce((sum, stage) => sum + stage.yuan, 0);
      const stages = amount.stages.map((stage) => `${optionLabel(decls, amount.fact, stage.value)}${formatYuan(stage.yuan)}`).join('、');
      return `分阶段：${stages}，合计最高${formatYuan(total)}`;
    }
  }
}

/** 2019-04-30 → 2019年4月30日. */
function dayText(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** The threshold a percentage award names (税后超100万元), as a short clause. */
/**
 * An award's amount in a few characters, for a list of many (an overview): the most it pays where the policy
 * says (最高200万元), the rate where it has no cap (按10%), else that it depends on the company's figures.
 */
export function shortAmountText(rule: Rule, decls: ReadonlyMap<string, FactDeclaration>): string {
  const amount = rule.amount;
  switch (amount.kind) {
    case 'fixed':
      return `最高${formatYuan(amount.yuan)}`;
    case 'byFact':
      // A short table (一、二、三等奖) is shown whole; a long one by its highest entry.
      return Object.keys(amount.table).length <= 3
        ? amountText(rule, decls)
        : `最高${formatYuan(Math.max(...Object.values(amount.table).map((row) => row.yuan)))}`;
    case 'staged':
      return `合计最高${formatYuan(amount.stages.reduce((sum, stage) => sum + stage.yuan, 0))}`;
    case 'percentOf':
      return amount.capYuan !== undefined ? `按${amount.percent}%，最高${formatYuan(amount.capYuan)}` : `按${amount.percent}%`;
    case 'bands':
      return amount.capYuan !== undefined ? `最高${formatYuan(amount.capYuan)}` : '按贵企业的数额计算';
    case 'perUnit': {
      const most = maxYuanOf(rule);
      return most !== null ? `最高${formatYuan(most)}` : '按贵企业的数额计算';
    }
  }
}

export function thresholdText(rule: Rule, decls: ReadonlyMap<string, FactDeclaration>): string | undefined {
  if (rule.amount.kind !== 'percentOf') return undefined;
  const fact = rule.amount.fact;
  const cond = rule.conditions.find((c) => c.fact === fact && (c.op === 'gt' || c.op === 'gte'));
  if (!cond || !('value' in cond) || typeof cond.value !== 'number') return undefined;
  const label = decls.get(fact)?.label.replace(/（.*?）/g, '') ?? fact;
  return `${label}${cond.op === 'gt' ? '须超过' : '须达到'}${formatYuan(cond.value)}`;
}

/** Who qualifies, in one line: the rule's summary, else its eligibility conditions. */
export function whoQualifies(rule: Rule): string {
  if (rule.summary) return rule.summary;
  const eligibility = rule.conditions.filter((c) => c.role === 'eligibility' || c.role === undefined).map((c) => c.description);
  return eligibility.join('；');
}

/** A rule's amount with its main condition, for overviews and general questions: "最高50万元（新认定的省级…）". */
export function ruleLine(rule: Rule, decls: ReadonlyMap<string, FactDeclaration>, only?: ReadonlySet<string>): string {
  const threshold = thresholdText(rule, decls);
  return `${rule.title}：${amountText(rule, decls, only)}${threshold ? `，${threshold}` : ''}`;
}

/** Declarations by id across the rule sets of a base. */
export function declarationsOf(ruleSets: readonly RuleSet[]): Map<string, FactDeclaration> {
  const decls = new Map<string, FactDeclaration>();
  for (const rs of ruleSets) for (const f of rs.facts) if (!decls.has(f.id)) decls.set(f.id, f);
  return decls;
}

/** The formula of an eligible result in short: 500万元×10%=50万元, or 超过上限按200万元计. */
export function shortFormula(result: RuleResult, rule: Rule, facts: ReadonlyMap<string, unknown>): string | undefined {
  if (!result.eligible) return undefined;
  const amount = rule.amount;
  if (amount.kind !== 'percentOf') return undefined;
  const base = facts.get(amount.fact);
  if (typeof base !== 'number') return undefined;
  const capped =
    amount.capYuan !== undefined && result.amountYuan === amount.capYuan && Math.floor((base * amount.percent) / 100) > amount.capYuan;
  return capped
    ? `${formatYuan(base)}×${amount.percent}%超过上限，按${formatYuan(amount.capYuan!)}计`
    : `${formatYuan(base)}×${amount.percent}%${amount.capYuan !== undefined ? `，上限${formatYuan(amount.capYuan)}` : ''}`;
}

const DAY_MS = 86_400_000;

function chineseDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** Whole days from `asOf` to `lastDay`. */
export function daysUntil(asOf: string, lastDay: string): number {
  return Math.round((Date.parse(`${lastDay}T00:00:00Z`) - Date.parse(`${asOf}T00:00:00Z`)) / DAY_MS);
}

/** The validity of a document on a date, as a sentence; undefined for documents without an end. */
export function validitySentence(meta: DocumentMeta, asOf: string): string | undefined {
  const to = meta.validity.to;
  if (!to) return undefined;
  if (asOf > to) return `《${meta.title}》有效期至${chineseDate(to)}，按${chineseDate(asOf)}计已过期，不再按该文件给出金额。`;
  if (asOf < meta.validity.from) return `《${meta.title}》自${chineseDate(meta.validity.from)}起实施，${chineseDate(asOf)}时尚未生效。`;
  const window = meta.applicationWindow?.to ? `，申报截止${chineseDate(meta.applicationWindow.to)}` : '';
  return `《${meta.title}》有效期至${chineseDate(to)}（截至${chineseDate(asOf)}还剩${daysUntil(asOf, to)}天${window}）。`;
}

export { chineseDate };

/** Every amount is the policy's upper bound: said once, in the details. */
export const UPPER_BOUND_LINE = '以上金额均为政策规定的上限（原文为“不超过”），实际金额以主管部门审核为准。';
