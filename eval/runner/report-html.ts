import type { Metrics, Rate } from './metrics.js';
import { evaluateAnswerFormTargets, PASS_RATE_GATE, percentile } from './metrics.js';
import { categoryLabel, kindLabel, KIND_LABELS, ms, num, pct, rateText } from './labels.js';
import type { CaseRecord } from './record.js';
import { ANSWER_FORM_NOTES, expectedText, firstSentenceMisses, gotText, metricRows } from './report-md.js';
import type { RunReport } from './run.js';

/** Escapes text for HTML element content and attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const KIND_COLOURS: Record<string, string> = {
  calculation: '#2563eb',
  lookup: '#059669',
  clarify: '#d97706',
  out_of_scope: '#6b7280',
  smalltalk: '#8b5cf6',
  error: '#dc2626',
};
const kindColour = (kind: string) => KIND_COLOURS[kind] ?? '#0ea5e9';

/** A rate as a table cell: the percentage, the counts small beneath it. */
function rateCell(r: Rate, extraClass = ''): string {
  if (r.den === 0) return `<td class="n ${extraClass}">—</td>`;
  return `<td class="n ${extraClass}">${esc(pct(r.rate))}<small>${r.num}/${r.den}</small></td>`;
}

/** Rough rendered width of a label: CJK characters are about one em, others about half. */
function textWidth(text: string, fontSize: number): number {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f“”]/.test(ch) ? fontSize : fontSize * 0.58;
  return w;
}

/** Horizontal bars of the pass rate per category, with the 95% gate drawn as a line. */
export function passRateChart(byCategory: Record<string, Metrics>): string {
  const rows = Object.entries(byCategory);
  const labelWidth = Math.ceil(Math.max(120, ...rows.map(([c]) => textWidth(categoryLabel(c), 13))) + 12);
  const barWidth = 420;
  const valueWidth = 130;
  const rowHeight = 26;
  const top = 24;
  const width = labelWidth + barWidth + valueWidth;
  const height = top + rows.length * rowHeight + 24;
  const x = (rate: number) => labelWidth + rate * barWidth;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="各类别通过率">`,
  );
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${x(tick)}" y1="${top - 6}" x2="${x(tick)}" y2="${height - 20}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${x(tick)}" y="${height - 6}" font-size="11" text-anchor="middle" fill="#6b7280">${tick * 100}%</text>`);
  }
  rows.forEach(([category, m], i) => {
    const y = top + i * rowHeight;
    const r = m.pass.rate ?? 0;
    const colour = r >= PASS_RATE_GATE ? '#16a34a' : r >= 0.8 ? '#f59e0b' : '#dc2626';
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 16}" font-size="13" text-anchor="end" fill="#111827">${esc(categoryLabel(category))}</text>`,
    );
    parts.push(`<rect x="${labelWidth}" y="${y + 4}" width="${barWidth}" height="16" rx="3" fill="#f3f4f6"/>`);
    parts.push(
      `<rect x="${labelWidth}" y="${y + 4}" width="${(r * barWidth).toFixed(1)}" height="16" rx="3" fill="${colour}"><title>${esc(category)}：${m.pass.num}/${m.pass.den}</title></rect>`,
    );
    parts.push(
      `<text x="${labelWidth + barWidth + 8}" y="${y + 16}" font-size="12" fill="#374151">${pct(m.pass.rate)}（${m.pass.num}/${m.pass.den}）</text>`,
    );
  });
  const gx = x(PASS_RATE_GATE);
  parts.push(`<line x1="${gx}" y1="${top - 10}" x2="${gx}" y2="${height - 20}" stroke="#111827" stroke-dasharray="4 3"/>`);
  parts.push(`<text x="${gx}" y="${top - 12}" font-size="11" text-anchor="middle" fill="#111827">门槛 ${PASS_RATE_GATE * 100}%</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/** A 1-2-5 step at least `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/**
 * Histogram of the scored turn's latency, stacked by the kind answered, with p50 and p95 marked. Values
 * beyond the 99th percentile go into a last "more than" bar so one slow answer does not flatten the rest.
 */
export function latencyHistogram(records: CaseRecord[]): string {
  const values = records.map((r) => r.latencyMs);
  if (values.length === 0) return '<p>无数据</p>';
  const p99 = percentile(values, 99) ?? 0;
  const max = Math.max(...values);
  const step = niceStep(Math.max(p99, 1e-3) / 16);
  const bins = Math.max(1, Math.ceil((p99 + 1e-9) / step));
  const overflow = values.some((v) => v >= bins * step) && max > p99;
  const binCount = bins + (overflow ? 1 : 0);
  const kinds = [...new Set(records.map((r) => r.answer?.kind ?? 'error'))].sort();
  const counts = Array.from({ length: binCount }, () => new Map<string, number>());
  for (const r of records) {
    const i = Math.min(Math.floor(r.latencyMs / step), binCount - 1);
    const kind = r.answer?.kind ?? 'error';
    counts[i]!.set(kind, (counts[i]!.get(kind) ?? 0) + 1);
  }
  const totals = counts.map((c) => [...c.values()].reduce((s, v) => s + v, 0));
  const yMax = Math.max(1, ...totals);
  const left = 44;
  const chartWidth = 640;
  const chartHeight = 220;
  const top = 30;
  const width = left + chartWidth + 20;
  const height = top + chartHeight + 70;
  const bw = chartWidth / binCount;
  const y = (v: number) => top + chartHeight - (v / yMax) * chartHeight;
  const xOf = (value: number) => left + Math.min(value / step, binCount) * bw;
  const unit = (v: number) => (step < 1 ? `${v.toFixed(step < 0.1 ? 2 : 1)}` : `${Math.round(v)}`);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="耗时分布">`,
  );
  const yStep = niceStep(yMax / 5);
  for (let v = 0; v <= yMax; v += yStep) {
    parts.push(`<line x1="${left}" y1="${y(v)}" x2="${left + chartWidth}" y2="${y(v)}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end" fill="#6b7280">${v}</text>`);
  }
  counts.forEach((byKind, i) => {
    let base = 0;
    for (const kind of kinds) {
      const n = byKind.get(kind) ?? 0;
      if (n === 0) continue;
      const label = i === bins ? `≥ ${unit(bins * step)} ms` : `${unit(i * step)}–${unit((i + 1) * step)} ms`;
      parts.push(
        `<rect x="${(left + i * bw + 1).toFixed(1)}" y="${y(base + n).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${(y(base) - y(base + n)).toFixed(1)}" fill="${kindColour(kind)}"><title>${esc(label)}：${esc(KIND_LABELS[kind] ?? kind)} ${n}</title></rect>`,
      );
      base += n;
    }
  });
  const labelEvery = Math.ceil(binCount / 8);
  for (let i = 0; i <= bins; i += labelEvery) {
    parts.push(
      `<text x="${left + i * bw}" y="${top + chartHeight + 14}" font-size="11" text-anchor="middle" fill="#6b7280">${unit(i * step)}</text>`,
    );
  }
  if (overflow)
    parts.push(
      `<text x="${left + (bins + 0.5) * bw}" y="${top + chartHeight + 14}" font-size="11" text-anchor="middle" fill="#6b7280">更慢</text>`,
    );
  parts.push(
    `<text x="${left + chartWidth / 2}" y="${top + chartHeight + 32}" font-size="12" text-anchor="middle" fill="#374151">耗时（毫秒，最后一轮）</text>`,
  );
  parts.push(
    `<text x="12" y="${top + chartHeight / 2}" font-size="12" text-anchor="middle" fill="#374151" transform="rotate(-90 12 ${top + chartHeight / 2})">答复数</text>`,
  );
  for (const [name, value, colour] of [
    ['p50', percentile(values, 50) ?? 0, '#111827'],
    ['p95', percentile(values, 95) ?? 0, '#dc2626'],
  ] as const) {
    const px = xOf(value);
    parts.push(`<line x1="${px}" y1="${top - 4}" x2="${px}" y2="${top + chartHeight}" stroke="${colour}" stroke-dasharray="4 3"/>`);
    parts.push(
      `<text x="${px + 3}" y="${name === 'p50' ? top - 8 : top + 6}" font-size="11" fill="${colour}">${name} ${esc(ms(value))}</text>`,
    );
  }
  let lx = left;
  for (const kind of kinds) {
    const label = KIND_LABELS[kind] ?? kind;
    parts.push(`<rect x="${lx}" y="${height - 18}" width="12" height="12" fill="${kindColour(kind)}"/>`);
    parts.push(`<text x="${lx + 16}" y="${height - 8}" font-size="12" fill="#374151">${esc(label)}</text>`);
    lx += 16 + textWidth(label, 12) + 18;
  }
  parts.push('</svg>');
  return parts.join('');
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:"PingFang SC","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","WenQuanYi Micro Hei",system-ui,sans-serif;color:#111827;background:#f9fafb;line-height:1.6}
main{max-width:1280px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:32px 0 12px;padding-bottom:6px;border-bottom:1px solid #e5e7eb}
.sub{color:#4b5563;font-size:13px;margin:0}
.gates{display:flex;gap:12px;flex-wrap:wrap;margin-top:16px}
.gate{border-radius:8px;padding:10px 14px;min-width:220px;border:1px solid}
.gate.ok{background:#f0fdf4;border-color:#86efac}
.gate.bad{background:#fef2f2;border-color:#fca5a5}
.gate b{display:block;font-size:13px;color:#374151}
.gate span{font-size:18px;font-weight:600}
.verdict{display:inline-block;margin-top:12px;padding:4px 12px;border-radius:999px;font-weight:600;font-size:14px}
.verdict.ok{background:#16a34a;color:#fff}.verdict.bad{background:#dc2626;color:#fff}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 14px}
.card b{display:block;font-size:12px;color:#6b7280;font-weight:500}
.card span{font-size:17px;font-weight:600}
.charts{display:flex;gap:24px;flex-wrap:wrap}
.chart{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px;overflow-x:auto}
.chart h3{margin:0 0 8px;font-size:14px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border:1px solid #e5e7eb;padding:6px 8px;vertical-align:top;text-align:left}
th{background:#f3f4f6;font-weight:600;white-space:nowrap}
td.n{text-align:right;white-space:nowrap}
td small{display:block;color:#6b7280;font-size:11px}
.scroll{overflow-x:auto}
tr.low td.rate{color:#b91c1c;font-weight:600}
.fail td{font-size:12.5px}
.fail ol{margin:0;padding-left:18px}
.fail ul{margin:0;padding-left:16px}
.reason{color:#b91c1c}
.excerpt{white-space:pre-wrap;background:#f9fafb;border-left:3px solid #d1d5db;padding:4px 8px;margin-top:4px;max-height:11em;overflow:auto}
details summary{cursor:pointer;color:#1d4ed8}
.cite+.cite{margin-top:8px}
.quote{white-space:pre-wrap;font-size:12px;color:#374151;background:#fffbeb;border-left:3px solid #f59e0b;padding:4px 8px;margin:4px 0}
.id{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;white-space:nowrap}
.tag{display:inline-block;background:#eef2ff;color:#3730a3;border-radius:4px;padding:0 6px;font-size:12px;white-space:nowrap}
.note{font-size:12.5px;color:#4b5563}
.gate.na{background:#f9fafb;border-color:#d1d5db}
`;

function failureRow(r: CaseRecord): string {
  const turns = `<ol>${r.turns.map((t) => `<li>${esc(t)}</li>`).join('')}</ol>`;
  const expected = `<ul>${expectedText(r)
    .map((p) => `<li>${esc(p)}</li>`)
    .join('')}</ul>`;
  const got = r.answer
    ? `<ul>${gotText(r)
        .map((p) => `<li>${esc(p)}</li>`)
        .join('')}</ul><div class="excerpt">${esc(r.answer.text.length > 400 ? `${r.answer.text.slice(0, 400)}…` : r.answer.text)}</div>`
    : `<span class="reason">${esc(r.error ?? '没有答复')}</span>`;
  const cited = r.answer?.citations.length
    ? r.answer.citations
        .map((c) => {
          const expected = r.score.citationsExpected.includes(`${c.docId}:${c.clauseId}`);
          const short = c.quote.length > 90 ? `${c.quote.slice(0, 90)}…` : c.quote;
          return `<div class="cite"><b>${esc(c.label)}</b> <span class="id">${esc(`${c.docId}:${c.clauseId}`)}</span>${expected ? ' <span class="tag">期望的</span>' : ''}<div class="quote">${esc(short)}</div>${c.quote.length > 90 ? `<details><summary>条款全文</summary><div class="quote">${esc(c.quote)}</div></details>` : ''}</div>`;
        })
        .join('')
    : '无';
  return `<tr><td><div class="id">${esc(r.id)}</div><span class="tag">${esc(categoryLabel(r.category))}</span><div class="note">日期 ${esc(r.asOf)}</div></td><td>${turns}</td><td>${expected}</td><td>${got}</td><td>${cited}</td><td class="reason"><ul>${r.score.failures.map((f) => `<li>${esc(f)}</li>`).join('')}</ul></td></tr>`;
}

/** 答复形式: the targets as cards, the notes, lengths by kind, and the cases whose first sentence misses. */
function answerFormSection(report: RunReport): string {
  const form = report.metrics.overall.answerForm;
  const targets = evaluateAnswerFormTargets(form)
    .map(
      (t) =>
        `<div class="gate ${t.pass === null ? 'na' : t.pass ? 'ok' : 'bad'}"><b>${esc(t.label)}（目标 ${esc(t.threshold)}）</b><span>${t.pass === null ? '—' : t.pass ? '✔' : '✘'} ${esc(t.actual)}</span></div>`,
    )
    .join('');
  const lengths = Object.entries(form.lengthByKind)
    .map(
      ([kind, s]) =>
        `<tr><td>${esc(kindLabel(kind))}</td><td class="n">${s.n}</td><td class="n">${s.median ?? '—'}</td><td class="n">${s.p95 ?? '—'}</td><td class="n">${s.max ?? '—'}</td></tr>`,
    )
    .join('');
  const misses = firstSentenceMisses(report);
  const missRows = misses
    .map(({ record, check }) => {
      const wanted =
        check.measure === 'amount'
          ? `金额 ${record.expect.amounts!.join('、')}`
          : `其一：${[...(record.expect.containsAny ?? []), ...(record.expect.containsAll ?? [])].join(' / ')}`;
      return `<tr><td class="id">${esc(record.id)}</td><td>${esc(wanted)}</td><td>${esc(check.sentence || '（没有答复）')}</td></tr>`;
    })
    .join('');
  return `<h2>答复形式</h2>
<div class="gates">${targets}</div>
<div class="cards" style="margin-top:12px">
<div class="card"><b>首句含期望关键词（未期望金额的用例）</b><span>${esc(rateText(form.firstSentenceKeyword))}</span></div>
<div class="card"><b>首句含期望金额或关键词（合计）</b><span>${esc(rateText(form.firstSentence))}</span></div>
</div>
<ul class="note">${ANSWER_FORM_NOTES.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
<table style="max-width:640px">
<thead><tr><th>类型</th><th>答复数</th><th>长度中位数（字）</th><th>p95</th><th>最长</th></tr></thead>
<tbody>${lengths}</tbody>
</table>
<h3>首句未含期望内容的用例（${misses.length}）</h3>
${misses.length === 0 ? '<p>无。</p>' : `<table><thead><tr><th style="width:12%">用例</th><th style="width:28%">期望</th><th>首句</th></tr></thead><tbody>${missRows}</tbody></table>`}`;
}

/** The self-contained HTML report (no external resources): gates, metrics, charts, tables, failures. */
export function renderHtml(report: RunReport): string {
  const o = report.metrics.overall;
  const failures = report.cases.filter((r) => !r.score.pass);
  const target = report.target.mode === 'http' ? `运行中的服务 ${report.target.label}` : '进程内顾问';
  const categoryRows = Object.entries(report.metrics.byCategory)
    .map(
      ([category, m]) =>
        `<tr class="${(m.pass.rate ?? 0) < PASS_RATE_GATE ? 'low' : ''}"><td>${esc(categoryLabel(category))}<small class="id">${esc(category)}</small></td><td class="n">${m.cases}</td>${rateCell(m.pass, 'rate')}${rateCell(m.amountRecall)}<td class="n">${m.unsupportedAmounts.num}</td>${rateCell(m.citationPrecision)}${rateCell(m.citationRecall)}<td class="n">${num(m.retrieval.recallAt['1'])}</td><td class="n">${num(m.retrieval.recallAt['3'])}</td><td class="n">${num(m.retrieval.mrr)}</td>${rateCell(m.refusalAccuracy)}${rateCell(m.falseRefusal)}${rateCell(m.keywordCoverage)}<td class="n">${esc(ms(m.latency.p50))}</td><td class="n">${esc(ms(m.latency.p95))}</td></tr>`,
    )
    .join('');
  const kindRows = Object.entries(o.latency.byKind)
    .map(
      ([kind, s]) =>
        `<tr><td>${esc(kindLabel(kind))}</td><td class="n">${s.n}</td><td class="n">${esc(ms(s.p50))}</td><td class="n">${esc(ms(s.p95))}</td><td class="n">${esc(ms(s.max))}</td></tr>`,
    )
    .join('');
  const composer = report.target.composer.startsWith('model')
    ? Object.entries(report.composerCounts)
        .map(([k, v]) => `${k === 'model' ? '模型措辞' : k === 'template' ? '改用内置模板' : k} ${v}`)
        .join('，')
    : '';
  const composerName =
    report.target.composer === 'template' ? '内置模板' : report.target.composer === 'unknown' ? '由服务配置决定' : report.target.composer;

  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>评测报告 ${esc(report.startedAt)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>郑州市专精特新政策咨询助手 · 评测报告</h1>
<p class="sub">${esc(report.startedAt)} ｜ 对象：${esc(target)} ｜ 措辞：${esc(composerName)}${composer ? `（${esc(composer)}）` : ''} ｜ 用例 ${o.cases}${report.filter ? `（筛选：${esc(report.filter.join(', '))}）` : ''} ｜ 未注明日期的用例按 ${esc(report.defaultAsOf)} 作答 ｜ 用时 ${esc(ms(report.durationMs))}</p>
<span class="verdict ${report.gatesPassed ? 'ok' : 'bad'}">${report.gatesPassed ? '门槛全部通过' : '有门槛未通过'}</span>
<div class="gates">${report.gates
    .map(
      (g) =>
        `<div class="gate ${g.pass ? 'ok' : 'bad'}"><b>${esc(g.label)}（要求 ${esc(g.threshold)}）</b><span>${g.pass ? '✔' : '✘'} ${esc(g.actual)}</span></div>`,
    )
    .join('')}</div>

<h2>总体指标</h2>
<div class="cards">${metricRows(o)
    .map(([label, value]) => `<div class="card"><b>${esc(label)}</b><span>${esc(value)}</span></div>`)
    .join('')}</div>
<p class="note">检索指标：${esc(report.retrievalNote)}召回率@k 为每题“期望条款中出现在前 k 条的比例”的平均；MRR 取第一个期望条款的排名倒数（未出现记 0）。引用精确率、召回率只统计标注了期望引用的用例。金额召回要求金额同时出现在计算结果（或合计）和答复正文中。</p>

<h2>图表</h2>
<div class="charts">
<div class="chart"><h3>各类别通过率</h3>${passRateChart(report.metrics.byCategory)}</div>
<div class="chart"><h3>耗时分布（按答复类型着色）</h3>${latencyHistogram(report.cases)}</div>
</div>

<h2>按类别</h2>
<div class="scroll"><table>
<thead><tr><th>类别</th><th>用例</th><th>通过率</th><th>金额召回</th><th>无依据金额</th><th>引用精确率</th><th>引用召回率</th><th>召回@1</th><th>召回@3</th><th>MRR</th><th>拒答准确</th><th>误拒</th><th>关键词覆盖</th><th>p50</th><th>p95</th></tr></thead>
<tbody>${categoryRows}</tbody>
</table></div>

<h2>按答复类型的耗时（最后一轮）</h2>
<table style="max-width:640px">
<thead><tr><th>类型</th><th>答复数</th><th>p50</th><th>p95</th><th>最长</th></tr></thead>
<tbody>${kindRows}</tbody>
</table>

${answerFormSection(report)}

<h2>未通过的用例（${failures.length}）</h2>
${
  failures.length === 0
    ? '<p>全部通过。</p>'
    : `<table class="fail">
<thead><tr><th style="width:9%">用例</th><th style="width:17%">问题（全部轮次）</th><th style="width:17%">期望</th><th style="width:27%">实际（类型、金额、答复摘录）</th><th style="width:16%">引用的条款</th><th style="width:14%">未通过原因</th></tr></thead>
<tbody>${failures.map(failureRow).join('')}</tbody>
</table>`
}
</main>
</body>
</html>
`;
}
