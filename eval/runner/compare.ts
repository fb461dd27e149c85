import { readFileSync } from 'node:fs';
import type { Metrics } from './metrics.js';
import { categoryLabel, ms, num, pct } from './labels.js';
import type { RunReport } from './run.js';

export interface CaseChange {
  id: string;
  category: string;
  /** Failure reasons in run B (newly failing) or in run A (newly passing). */
  failures: string[];
}

export interface MetricDelta {
  label: string;
  a: number | null;
  b: number | null;
  /** How to print the values: a share, a plain number, or milliseconds. */
  unit: 'rate' | 'number' | 'ms';
  /** Whether a larger value is better (for the sign shown). */
  higherIsBetter: boolean;
}

export interface Comparison {
  a: { file: string; startedAt: string; target: string; passed: number; cases: number; gatesPassed: boolean };
  b: { file: string; startedAt: string; target: string; passed: number; cases: number; gatesPassed: boolean };
  newlyFailing: CaseChange[];
  newlyPassing: CaseChange[];
  /** Failing in both runs, but for other reasons. */
  changedFailures: { id: string; category: string; a: string[]; b: string[] }[];
  added: string[];
  removed: string[];
  overall: MetricDelta[];
  /** Per-category pass rates that changed. */
  categories: { category: string; a: string; b: string; delta: number | null }[];
}

/** The metrics compared, overall. */
export function metricDeltas(a: Metrics, b: Metrics): MetricDelta[] {
  const row = (
    label: string,
    pick: (m: Metrics) => number | null,
    unit: MetricDelta['unit'] = 'rate',
    higherIsBetter = true,
  ): MetricDelta => ({
    label,
    a: pick(a),
    b: pick(b),
    unit,
    higherIsBetter,
  });
  return [
    row('通过率', (m) => m.pass.rate),
    row('答复类型正确', (m) => m.kind.rate),
    row('金额召回率', (m) => m.amountRecall.rate),
    row('含无依据金额的答复', (m) => m.unsupportedAmounts.num, 'number', false),
    row('出现禁止金额', (m) => m.forbiddenAmounts.num, 'number', false),
    row('引用精确率', (m) => m.citationPrecision.rate),
    row('引用召回率', (m) => m.citationRecall.rate),
    row('检索召回率@1', (m) => m.retrieval.recallAt['1'], 'number'),
    row('检索召回率@3', (m) => m.retrieval.recallAt['3'], 'number'),
    row('MRR', (m) => m.retrieval.mrr, 'number'),
    row('拒答准确率', (m) => m.refusalAccuracy.rate),
    row('误拒率', (m) => m.falseRefusal.rate, 'rate', false),
    row('关键词覆盖率', (m) => m.keywordCoverage.rate),
    row('耗时 p50', (m) => m.latency.p50, 'ms', false),
    row('耗时 p95', (m) => m.latency.p95, 'ms', false),
  ];
}

/** Case-by-case and metric-by-metric differences between run A (before) and run B (after). */
export function compareReports(a: RunReport, b: RunReport, files: { a: string; b: string } = { a: 'A', b: 'B' }): Comparison {
  const byIdA = new Map(a.cases.map((c) => [c.id, c]));
  const byIdB = new Map(b.cases.map((c) => [c.id, c]));
  const newlyFailing: CaseChange[] = [];
  const newlyPassing: CaseChange[] = [];
  const changedFailures: Comparison['changedFailures'] = [];
  for (const cb of b.cases) {
    const ca = byIdA.get(cb.id);
    if (!ca) continue;
    if (ca.score.pass && !cb.score.pass) newlyFailing.push({ id: cb.id, category: cb.category, failures: cb.score.failures });
    else if (!ca.score.pass && cb.score.pass) newlyPassing.push({ id: cb.id, category: cb.category, failures: ca.score.failures });
    else if (!ca.score.pass && !cb.score.pass && ca.score.failures.join('\n') !== cb.score.failures.join('\n')) {
      changedFailures.push({ id: cb.id, category: cb.category, a: ca.score.failures, b: cb.score.failures });
    }
  }
  const categories = [...new Set([...Object.keys(a.metrics.byCategory), ...Object.keys(b.metrics.byCategory)])]
    .map((category) => {
      const ma = a.metrics.byCategory[category];
      const mb = b.metrics.byCategory[category];
      const show = (m: Metrics | undefined) => (m ? `${pct(m.pass.rate)}（${m.pass.num}/${m.pass.den}）` : '—');
      const delta = ma?.pass.rate != null && mb?.pass.rate != null ? mb.pass.rate - ma.pass.rate : null;
      return { category, a: show(ma), b: show(mb), delta, changed: show(ma) !== show(mb) };
    })
    .filter((c) => c.changed)
    .map(({ changed: _changed, ...rest }) => rest);
  const summary = (r: RunReport, file: string) => ({
    file,
    startedAt: r.startedAt,
    target: `${r.target.label}（${r.target.composer}）`,
    passed: r.metrics.overall.pass.num,
    cases: r.metrics.overall.cases,
    gatesPassed: r.gatesPassed,
  });
  return {
    a: summary(a, files.a),
    b: summary(b, files.b),
    newlyFailing,
    newlyPassing,
    changedFailures,
    added: b.cases.filter((c) => !byIdA.has(c.id)).map((c) => c.id),
    removed: a.cases.filter((c) => !byIdB.has(c.id)).map((c) => c.id),
    overall: metricDeltas(a.metrics.overall, b.metrics.overall),
    categories,
  };
}

function formatValue(value: number | null, unit: MetricDelta['unit']): string {
  if (value === null) return '—';
  if (unit === 'rate') return pct(value);
  if (unit === 'ms') return ms(value);
  return Number.isInteger(value) ? String(value) : num(value);
}

function formatDelta(d: MetricDelta): string {
  if (d.a === null || d.b === null) return '';
  const diff = d.b - d.a;
  if (Math.abs(diff) < 1e-9) return '（不变）';
  const sign = diff > 0 ? '+' : '-';
  const size =
    d.unit === 'rate'
      ? `${(Math.abs(diff) * 100).toFixed(1)} 个百分点`
      : d.unit === 'ms'
        ? ms(Math.abs(diff))
        : Number.isInteger(diff)
          ? String(Math.abs(diff))
          : Math.abs(diff).toFixed(3);
  // Latency always moves a little between runs: it is shown without calling it better or worse.
  const verdict = d.unit === 'ms' ? '' : (d.higherIsBetter ? diff > 0 : diff < 0) ? '，好转' : '，变差';
  return `（${sign}${size}${verdict}）`;
}

/** Columns a string takes in a terminal: CJK and full-width characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]/.test(ch) ? 2 : 1;
  return width;
}

/** The comparison as text for the terminal. */
export function formatComparison(c: Comparison): string {
  const lines: string[] = [];
  lines.push(
    `A：${c.a.file}  ${c.a.startedAt}  ${c.a.target}  通过 ${c.a.passed}/${c.a.cases}  门槛${c.a.gatesPassed ? '通过' : '未通过'}`,
  );
  lines.push(
    `B：${c.b.file}  ${c.b.startedAt}  ${c.b.target}  通过 ${c.b.passed}/${c.b.cases}  门槛${c.b.gatesPassed ? '通过' : '未通过'}`,
  );
  lines.push('');
  lines.push(`新失败（${c.newlyFailing.length}）：`);
  for (const f of c.newlyFailing) lines.push(`  ✘ ${f.id} [${categoryLabel(f.category)}] ${f.failures.join('；')}`);
  lines.push(`新通过（${c.newlyPassing.length}）：`);
  for (const f of c.newlyPassing) lines.push(`  ✔ ${f.id} [${categoryLabel(f.category)}]（A 中原因：${f.failures.join('；')}）`);
  if (c.changedFailures.length) {
    lines.push(`仍失败但原因变了（${c.changedFailures.length}）：`);
    for (const f of c.changedFailures)
      lines.push(`  • ${f.id} [${categoryLabel(f.category)}]\n      A：${f.a.join('；')}\n      B：${f.b.join('；')}`);
  }
  if (c.added.length) lines.push(`B 新增的用例（${c.added.length}）：${c.added.join(', ')}`);
  if (c.removed.length) lines.push(`B 中没有的用例（${c.removed.length}）：${c.removed.join(', ')}`);
  lines.push('');
  lines.push('指标（A → B）：');
  const width = Math.max(...c.overall.map((d) => displayWidth(d.label)));
  for (const d of c.overall) {
    lines.push(
      `  ${d.label}${' '.repeat(width - displayWidth(d.label) + 2)}${formatValue(d.a, d.unit)} → ${formatValue(d.b, d.unit)}${formatDelta(d)}`,
    );
  }
  if (c.categories.length) {
    lines.push('');
    lines.push('类别通过率有变化：');
    for (const cat of c.categories) lines.push(`  ${categoryLabel(cat.category)}（${cat.category}）：${cat.a} → ${cat.b}`);
  }
  return lines.join('\n');
}

export function readReport(file: string): RunReport {
  const report = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
  if (report.version !== 1 || !Array.isArray(report.cases) || !report.metrics?.overall) {
    throw new Error(`${file} 不是评测报告（缺少 version/cases/metrics）`);
  }
  return report;
}
