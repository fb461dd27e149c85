import { firstSentenceCheck, type FirstSentenceCheck } from './answer-form.js';
import { evaluateAnswerFormTargets, type Metrics, type TargetResult } from './metrics.js';
import { categoryLabel, kindLabel, ms, num, rateText, yuan } from './labels.js';
import type { CaseRecord } from './record.js';
import type { RunReport } from './run.js';

/** The overall metrics as label/value rows, shared by the Markdown and HTML reports. */
export function metricRows(m: Metrics): [string, string][] {
  return [
    ['通过率', rateText(m.pass)],
    ['答复类型正确', rateText(m.kind)],
    ['金额召回率（计算结果与正文都有）', rateText(m.amountRecall)],
    [
      '含无依据金额的答复',
      `${rateText(m.unsupportedAmounts)}${m.unsupportedAmounts.amounts.length ? `：${m.unsupportedAmounts.amounts.join('、')}` : ''}`,
    ],
    ['出现禁止金额', rateText(m.forbiddenAmounts)],
    ['引用精确率', rateText(m.citationPrecision)],
    ['引用召回率', rateText(m.citationRecall)],
    [
      `检索召回率@1 / @3 / MRR（${m.retrieval.cases} 题）`,
      `${num(m.retrieval.recallAt['1'])} / ${num(m.retrieval.recallAt['3'])} / ${num(m.retrieval.mrr)}`,
    ],
    ['拒答准确率（超出范围的问题）', rateText(m.refusalAccuracy)],
    ['误拒率（可回答的问题）', rateText(m.falseRefusal)],
    ['关键词覆盖率', rateText(m.keywordCoverage)],
    ['耗时 p50 / p95（最后一轮）', `${ms(m.latency.p50)} / ${ms(m.latency.p95)}`],
    ['未得到答复', String(m.errors)],
  ];
}

/** What a case expected, in one line. */
export function expectedText(r: CaseRecord): string[] {
  const e = r.expect;
  const parts: string[] = [];
  if (e.kind) parts.push(`类型 ${kindLabel(e.kind)}`);
  if (e.amounts) parts.push(`金额 ${e.amounts.map(yuan).join('、')}`);
  if (e.forbiddenAmounts) parts.push(`不得出现 ${e.forbiddenAmounts.map(yuan).join('、')}`);
  if (e.citations) parts.push(`引用 ${e.citations.map((c) => `${c.docId}:${c.clauseId}`).join('、')}`);
  if (e.containsAny) parts.push(`包含其一：${e.containsAny.join(' / ')}`);
  if (e.containsAll) parts.push(`全部包含：${e.containsAll.join('、')}`);
  if (e.notContains) parts.push(`不得包含：${e.notContains.join('、')}`);
  return parts;
}

/** What a case got, in one line (without the text). */
export function gotText(r: CaseRecord): string[] {
  if (!r.answer) return [`没有答复：${r.error ?? ''}`];
  const a = r.answer;
  const parts = [`类型 ${kindLabel(a.kind)}`];
  if (a.calculations.length) {
    parts.push(`计算 ${a.calculations.map((c) => `${c.ruleId} ${c.eligible ? yuan(c.amountYuan) : `不符合（${c.status}）`}`).join('；')}`);
  }
  if (a.totalYuan !== undefined) parts.push(`合计 ${yuan(a.totalYuan)}`);
  if (a.statedYuan.length) parts.push(`正文金额 ${a.statedYuan.join('、')}`);
  parts.push(`引用 ${a.citations.map((c) => `${c.docId}:${c.clauseId}`).join('、') || '无'}`);
  return parts;
}

/** ✅ met, ❌ missed, — nothing to measure. */
export const targetMark = (t: TargetResult) => (t.pass === null ? '—' : t.pass ? '✅' : '❌');

/** How the 答复形式 figures are measured, for both reports. */
export const ANSWER_FORM_NOTES = [
  '首句：答复开头到第一个“。！？”或换行为止（与护栏检查模型措辞用的是同一定义）；金额按任何写法识别（50万元、500,000元）。',
  '期望金额的用例要求首句写出全部期望金额；其余用例中有期望关键词的，要求首句含其中之一。',
  '长度按字符计（答复字段 answer，不含详情 details）。',
  '一条气泡：按微信机器人自己的排版计算（条款原文留待“回复 1”，附上“回复 1 看依据”等提示）。',
];

/** Cases whose answer's first sentence misses what they expect, with that sentence. */
export function firstSentenceMisses(report: RunReport): { record: CaseRecord; check: FirstSentenceCheck }[] {
  return report.cases.flatMap((record) => {
    const check = firstSentenceCheck(record.expect, record.answer?.text);
    return check && !check.held ? [{ record, check }] : [];
  });
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown summary: overall, gates, per category, latency by kind, failures. */
export function renderMarkdown(report: RunReport): string {
  const o = report.metrics.overall;
  const lines: string[] = [];
  lines.push(`# 评测报告 ${report.startedAt}`, '');
  lines.push(
    `- 对象：${report.target.mode === 'http' ? `运行中的服务 ${report.target.label}` : '进程内顾问'}；措辞：${report.target.composer}` +
      (Object.keys(report.composerCounts).length
        ? `（${Object.entries(report.composerCounts)
            .map(([k, v]) => `${k} ${v}`)
            .join('，')}）`
        : ''),
  );
  lines.push(
    `- 用例：${o.cases}${report.filter ? `（筛选：${report.filter.join(', ')}）` : ''}；未注明日期的用例按 ${report.defaultAsOf} 作答；用时 ${ms(report.durationMs)}`,
  );
  lines.push(`- 检索指标：${report.retrievalNote}`, '');

  lines.push(`## 门槛：${report.gatesPassed ? '全部通过 ✅' : '未通过 ❌'}`, '', '| 门槛 | 要求 | 实际 | 结果 |', '|---|---|---|---|');
  for (const g of report.gates) lines.push(`| ${g.label} | ${g.threshold} | ${cell(g.actual)} | ${g.pass ? '✅' : '❌'} |`);
  lines.push('');

  lines.push('## 总体', '', '| 指标 | 数值 |', '|---|---|');
  for (const [label, value] of metricRows(o)) lines.push(`| ${label} | ${cell(value)} |`);
  lines.push('');

  lines.push('## 按类别', '');
  lines.push(
    '| 类别 | 用例 | 通过率 | 金额召回 | 无依据金额 | 引用精确率 | 引用召回率 | 召回@3 | MRR | 拒答准确 | 误拒 | 关键词覆盖 | p50 | p95 |',
  );
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const [category, m] of Object.entries(report.metrics.byCategory)) {
    lines.push(
      `| ${categoryLabel(category)}（${category}） | ${m.cases} | ${rateText(m.pass)} | ${rateText(m.amountRecall)} | ${m.unsupportedAmounts.num} | ${rateText(m.citationPrecision)} | ${rateText(m.citationRecall)} | ${num(m.retrieval.recallAt['3'])} | ${num(m.retrieval.mrr)} | ${rateText(m.refusalAccuracy)} | ${rateText(m.falseRefusal)} | ${rateText(m.keywordCoverage)} | ${ms(m.latency.p50)} | ${ms(m.latency.p95)} |`,
    );
  }
  lines.push('');

  lines.push('## 按答复类型的耗时（最后一轮）', '', '| 类型 | 答复数 | p50 | p95 | 最长 |', '|---|--:|--:|--:|--:|');
  for (const [kind, s] of Object.entries(o.latency.byKind))
    lines.push(`| ${kindLabel(kind)} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} |`);
  lines.push('');

  const form = o.answerForm;
  lines.push('## 答复形式', '', '| 目标 | 要求 | 实际 | 结果 |', '|---|---|---|---|');
  for (const t of evaluateAnswerFormTargets(form)) lines.push(`| ${t.label} | ${t.threshold} | ${cell(t.actual)} | ${targetMark(t)} |`);
  lines.push('');
  lines.push(`- 首句含期望关键词（未期望金额的用例）：${rateText(form.firstSentenceKeyword)}`);
  lines.push(`- 首句含期望金额或关键词（合计）：${rateText(form.firstSentence)}`);
  for (const note of ANSWER_FORM_NOTES) lines.push(`- ${note}`);
  lines.push('', '| 类型 | 答复数 | 长度中位数 | p95 | 最长 |', '|---|--:|--:|--:|--:|');
  for (const [kind, s] of Object.entries(form.lengthByKind))
    lines.push(`| ${kindLabel(kind)} | ${s.n} | ${s.median ?? '—'} | ${s.p95 ?? '—'} | ${s.max ?? '—'} |`);
  const misses = firstSentenceMisses(report);
  lines.push('', `### 首句未含期望内容的用例（${misses.length}）`, '');
  if (misses.length === 0) lines.push('无。');
  else {
    lines.push('| 用例 | 期望 | 首句 |', '|---|---|---|');
    for (const { record, check } of misses) {
      const wanted =
        check.measure === 'amount'
          ? `金额 ${record.expect.amounts!.map(yuan).join('、')}`
          : `其一：${[...(record.expect.containsAny ?? []), ...(record.expect.containsAll ?? [])].join(' / ')}`;
      lines.push(`| ${record.id} | ${cell(wanted)} | ${cell(check.sentence || '（没有答复）')} |`);
    }
  }
  lines.push('');

  const failures = report.cases.filter((r) => !r.score.pass);
  lines.push(`## 未通过的用例（${failures.length}）`, '');
  if (failures.length === 0) lines.push('无。');
  for (const r of failures) {
    lines.push(`### ${r.id}（${categoryLabel(r.category)}）`, '');
    lines.push(`- 问：${r.turns.map((t, i) => (r.turns.length > 1 ? `${i + 1}. ${t}` : t)).join(' ／ ')}`);
    lines.push(`- 期望：${expectedText(r).join('；')}`);
    lines.push(`- 实际：${gotText(r).join('；')}`);
    lines.push(`- 原因：${r.score.failures.join('；')}`);
    if (r.answer) lines.push(`- 答复摘录：${cell(r.answer.text.slice(0, 160))}${r.answer.text.length > 160 ? '…' : ''}`);
    lines.push('');
  }
  return lines.join('\n');
}
