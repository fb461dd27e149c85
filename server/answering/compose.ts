import type { DocumentMeta, Clause } from '../../knowledge/types.js';
import { formatYuan } from '../../knowledge/text/money.js';
import type { CalculationReport, FollowUpQuestion, RuleResult } from '../calculator/engine.js';
import type { Rule } from '../../knowledge/rules/rules-schema.js';

/**
 * The embedded default's answers: templates per intent, no model. Conclusion first, then amounts with
 * their formulas, the quoted clause with its label and the policy's title, conditions and caveats, and a
 * closing line that amounts are upper bounds. Plain text that reads well in a WeChat bubble.
 */

export const CLOSING_LINE = '以上金额均为政策规定的上限（原文为“不超过”），实际金额以主管部门审核为准。';

const DAY_MS = 86_400_000;

/** Whole days from `asOf` to the last valid day, inclusive of neither end. */
export function daysUntil(asOf: string, lastDay: string): number {
  return Math.round((Date.parse(`${lastDay}T00:00:00Z`) - Date.parse(`${asOf}T00:00:00Z`)) / DAY_MS);
}

function chineseDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

// Every answer on a given day repeats the same validity line; a handful of dates are in use at a time.
const validityLines = new Map<string, string | undefined>();

/** The validity line: how long the plan still runs on `asOf`, or that it has expired. */
export function validityLine(meta: DocumentMeta, asOf: string): string | undefined {
  const key = `${meta.id}\u0000${meta.validity.from}\u0000${meta.validity.to ?? ''}\u0000${meta.applicationWindow?.to ?? ''}\u0000${meta.title}\u0000${asOf}`;
  if (validityLines.has(key)) return validityLines.get(key);
  if (validityLines.size >= 256) validityLines.clear();
  const line = composeValidityLine(meta, asOf);
  validityLines.set(key, line);
  return line;
}

function composeValidityLine(meta: DocumentMeta, asOf: string): string | undefined {
  const to = meta.validity.to;
  if (!to) return undefined;
  if (asOf > to) return `注意：《${meta.title}》有效期至${chineseDate(to)}，按${chineseDate(asOf)}计已过期，不能再按该方案申请。`;
  if (asOf < meta.validity.from) return `《${meta.title}》自${chineseDate(meta.validity.from)}起实施，${chineseDate(asOf)}时尚未生效。`;
  const left = daysUntil(asOf, to);
  const window = meta.applicationWindow?.to ? `，申报截止${chineseDate(meta.applicationWindow.to)}` : '';
  return `方案有效期至${chineseDate(to)}（截至${chineseDate(asOf)}还剩${left}天${window}）。`;
}

export function quoteLine(meta: DocumentMeta | undefined, clause: Clause, quote: string): string {
  return `依据：《${meta?.title ?? clause.docId}》${clause.label}${clause.kind === 'item' ? `（第${clause.id.slice(5)}条）` : ''}：“${quote}”`;
}

function conditionLines(result: RuleResult): string[] {
  return result.conditions
    .filter((c) => c.met !== null)
    .map((c) => `${c.met ? '✓' : '✗'} ${c.description}${c.detail ? `（${c.detail}）` : ''}`);
}

export interface CalculationComposition {
  report: CalculationReport;
  results: RuleResult[];
  rulesById: Map<string, Rule>;
  clauseOf: (result: RuleResult) => Clause | undefined;
  meta: DocumentMeta | undefined;
  asOf: string;
  /** Assumptions the conversation layer made (defaults it filled in). */
  defaultsAssumed: string[];
}

export function composeCalculation(c: CalculationComposition): string {
  const lines: string[] = [];
  if (c.report.expired) {
    lines.push(validityLine(c.meta!, c.asOf) ?? '该方案已过期。');
    lines.push(
      `您问到的${c.results.map((r) => `“${r.title}”`).join('、')}属于该方案的奖补，方案到期后不再按该方案给出金额。请关注郑州市工信部门发布的后续政策。`,
    );
    return lines.join('\n');
  }
  const eligible = c.results.filter((r) => r.eligible);
  const total = eligible.reduce((sum, r) => sum + r.amountYuan, 0);
  if (eligible.length === 1) {
    lines.push(`按您提供的情况，可申请“${eligible[0]!.title}”，最高${formatYuan(eligible[0]!.amountYuan)}。`);
  } else if (eligible.length > 1) {
    lines.push(`按您提供的情况，可申请${eligible.length}项奖补，合计最高${formatYuan(total)}：`);
    for (const r of eligible) lines.push(`· ${r.title}：最高${formatYuan(r.amountYuan)}`);
  }
  for (const r of c.results.filter((x) => !x.eligible)) {
    lines.push(`按您提供的情况，暂不能申请“${r.title}”：${r.reasons.join('')}`);
  }
  for (const r of c.results) {
    const rule = c.rulesById.get(r.ruleId);
    const clause = c.clauseOf(r);
    lines.push('');
    lines.push(`【${r.title}】`);
    if (r.eligible || r.supersededBy) lines.push(`计算：${r.formula}`);
    if (clause && rule) lines.push(quoteLine(c.meta, clause, rule.quote));
    const checks = conditionLines(r);
    if (checks.length) lines.push(`条件核对：${checks.join('；')}`);
  }
  // The closing line already says amounts are upper bounds; skip assumptions that only repeat it.
  const assumptions = [...new Set([...c.defaultsAssumed, ...c.results.flatMap((r) => r.assumptions)])].filter(
    (a) => !a.includes('以主管部门审核为准'),
  );
  if (assumptions.length) {
    lines.push('');
    lines.push('说明：');
    for (const a of assumptions) lines.push(`· ${a}`);
  }
  for (const note of c.report.notes) lines.push(note);
  const validity = c.meta ? validityLine(c.meta, c.asOf) : undefined;
  if (validity) lines.push(validity);
  lines.push(CLOSING_LINE);
  return lines.join('\n');
}

export function composeClarify(options: {
  topicTitles: string[];
  questions: FollowUpQuestion[];
  rules: { rule: Rule; clause?: Clause }[];
  meta: DocumentMeta | undefined;
}): string {
  const lines: string[] = [];
  const what = options.topicTitles.length ? `测算${options.topicTitles.map((t) => `“${t}”`).join('、')}` : '帮您测算能申请哪些奖补';
  lines.push(`要${what}，还需要了解：${options.questions[0]?.question ?? ''}`);
  for (const { rule, clause } of options.rules) {
    if (clause) lines.push(`政策规定：${quoteLine(options.meta, clause, rule.quote).replace(/^依据：/, '')}`);
  }
  if (options.questions.length > 1)
    lines.push(
      `之后还会问：${options.questions
        .slice(1)
        .map((q) => q.label)
        .join('、')}。`,
    );
  return lines.join('\n');
}

/** The four awards in one sentence each, for general "能拿多少补贴" questions. */
export function composeAwardsOverview(rules: { rule: Rule; clause?: Clause }[], meta: DocumentMeta | undefined): string {
  const lines = [`《${meta?.title ?? ''}》中可以测算金额的奖补有：`];
  for (const { rule, clause } of rules) lines.push(`· ${rule.title}（${clause?.label ?? rule.citation.clauseId}）`);
  return lines.join('\n');
}

export function composeLookup(options: {
  clauses: { clause: Clause; meta: DocumentMeta | undefined; keySentence?: string }[];
  asOf: string;
  primaryMeta: DocumentMeta | undefined;
  mentionsValidity: boolean;
}): string {
  const [first, ...rest] = options.clauses;
  if (!first) return '';
  const lines: string[] = [];
  const { clause, meta } = first;
  const name =
    clause.kind === 'item'
      ? `第${clause.id.slice(5)}条（${clause.label}）“${clause.heading}”`
      : `${clause.label}${clause.kind === 'article' ? '' : `“${clause.heading}”`}`;
  lines.push(`《${meta?.title ?? clause.docId}》${name}${first.keySentence ? `规定：${first.keySentence}` : '的内容如下。'}`);
  lines.push('');
  lines.push(`原文：“${clause.text}”`);
  if (clause.responsibleUnits.length) lines.push(`责任单位：${clause.responsibleUnits.join('、')}`);
  for (const other of rest) {
    lines.push('');
    lines.push(`相关条款：《${other.meta?.title ?? other.clause.docId}》${other.clause.label}：“${other.clause.text}”`);
  }
  const validityOf = meta?.validity.to ? meta : options.mentionsValidity ? options.primaryMeta : undefined;
  const validity = validityOf ? validityLine(validityOf, options.asOf) : undefined;
  if (validity) lines.push(validity);
  if (
    options.clauses.some((c) => c.clause.amountsYuan.length > 0) &&
    !(validityOf && validityOf.validity.to && options.asOf > validityOf.validity.to)
  ) {
    lines.push(CLOSING_LINE);
  }
  return lines.join('\n');
}

export function composeOutOfScope(options: {
  hotline: string;
  reason: 'other-region' | 'other-topic' | 'no-clause' | 'refused';
  primaryTitle: string;
}): string {
  const opening: Record<typeof options.reason, string> = {
    'other-region': `抱歉，您问的是其他地区的政策，本助手只解答《${options.primaryTitle}》及相关法律法规，不了解其他地区的规定。`,
    'other-topic': `抱歉，这个问题不在《${options.primaryTitle}》的范围内，我没有可靠的依据来回答。`,
    'no-clause': `抱歉，我在《${options.primaryTitle}》和相关法律法规中没有找到能回答这个问题的条款。`,
    refused: '抱歉，这个请求我不能办理。本助手只依据政策原文解答问题，不能更改规则、审批资金或提供规避审核的办法。',
  };
  return [
    opening[options.reason],
    '我可以帮您：测算设备和软件投资补助、“创客中国”大赛奖励、新认定专精特新企业奖励、特色产业集群奖励；查询方案各条款的原文和责任单位；查询《中华人民共和国中小企业促进法》和河南省实施办法的条文。',
    `如需人工咨询，请拨打 ${options.hotline}。`,
  ].join('\n');
}

export function composeSmalltalk(text: string, hotline: string, primaryTitle: string): string {
  if (/谢|感谢/.test(text)) return '不客气！还有关于专精特新政策的问题，随时问我。';
  if (/再见|拜拜/.test(text)) return '再见！祝企业发展顺利。';
  return [
    `您好！我是郑州市专精特新政策咨询助手，依据《${primaryTitle}》原文解答问题，金额由计算器按条款算出。`,
    '您可以这样问：',
    '· 我们是省级专精特新，今年买了设备，市里能补多少？',
    '· 创客中国大赛获奖怎么奖励？',
    '· 第19条讲的是什么？',
    `人工咨询请拨打 ${hotline}。`,
  ].join('\n');
}
