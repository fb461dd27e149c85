import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareReports, formatComparison } from './compare.js';
import { answer, calculation, citation, goldenCase, ITEM1, record } from './fixtures.js';
import { computeRunMetrics, evaluateGates } from './metrics.js';
import type { CaseRecord } from './record.js';
import { latencyHistogram, passRateChart, renderHtml } from './report-html.js';
import { renderMarkdown } from './report-md.js';
import { RETRIEVAL_NOTES, type RunReport } from './run.js';
import { reportStamp, writeReports } from './write-reports.js';

const PLAN = 'zhengzhou-srdi-2024';

function reportOf(cases: CaseRecord[], startedAt = '2026-06-01T08:00:00.000Z'): RunReport {
  const metrics = computeRunMetrics(cases);
  const gates = evaluateGates(metrics.overall);
  return {
    version: 1,
    startedAt,
    finishedAt: startedAt,
    durationMs: 12,
    target: { mode: 'in-process', label: 'in-process', composer: 'template' },
    defaultAsOf: '2026-06-01',
    retrievalNote: RETRIEVAL_NOTES['in-process'],
    composerCounts: { template: cases.length },
    cases,
    metrics,
    gates,
    gatesPassed: gates.every((g) => g.pass),
  };
}

const eq = goldenCase({
  id: 'eq-1',
  turns: ['我们是省级专精特新', '买了500万设备 <b>能补多少</b>'],
  expect: { kind: 'calculation', amounts: [500_000], citations: [{ docId: PLAN, clauseId: 'item-1' }] },
});
const good = record(
  eq,
  answer({
    kind: 'calculation',
    answer: '可获补助不超过50万元。',
    calculations: [calculation(500_000)],
    citations: [citation('item-1', ITEM1)],
  }),
  { latencyMs: 2 },
);
const bad = record(eq, answer({ kind: 'lookup', answer: '请看第1条：最高200万元。', citations: [citation('item-1', ITEM1)] }), {
  latencyMs: 40,
});
const oos = record(
  goldenCase({ id: 'oos-1', category: 'out-of-scope', expect: { kind: 'out_of_scope' } }),
  answer({ kind: 'out_of_scope', answer: '超出范围。' }),
  { latencyMs: 0.3 },
);

describe('Markdown report', () => {
  it('has the overall figures, the gates, a per-category table and the failures', () => {
    const md = renderMarkdown(reportOf([bad, oos]));
    expect(md).toContain('## 门槛：未通过 ❌');
    expect(md).toContain('| 总通过率 | ≥ 95% | 50.0%（1/2） | ❌ |');
    expect(md).toContain('| 设备、软件投资补助（award-equipment） | 1 |');
    expect(md).toContain('## 未通过的用例（1）');
    expect(md).toContain('### eq-1（设备、软件投资补助）');
    expect(md).toContain('1. 我们是省级专精特新 ／ 2. 买了500万设备');
    expect(md).toContain('kind：期望 calculation，实际 lookup');
  });

  it('has the 答复形式 section: targets, lengths by kind, and the cases whose first sentence misses', () => {
    const md = renderMarkdown(reportOf([good, bad, oos]));
    const section = md.slice(md.indexOf('## 答复形式'), md.indexOf('## 未通过的用例'));
    expect(section).toContain('| 首句含期望金额（期望金额的用例） | ≥ 95% | 50.0%（1/2） | ❌ |');
    expect(section).toContain('| 测算答复长度中位数 | ≤ 120 字 | 12 字 | ✅ |');
    expect(section).toContain('| 机器人一条气泡发完（每条 ≤ 300 字） | ≥ 90% | 100.0%（3/3） | ✅ |');
    expect(section).toContain('| 测算（calculation） | 1 | 12 | 12 | 12 |');
    expect(section).toContain('### 首句未含期望内容的用例（1）');
    expect(section).toContain('| eq-1 | 金额 50万元（500000） | 请看第1条：最高200万元。 |');
  });
});

describe('HTML report', () => {
  const html = renderHtml(reportOf([good, bad, oos]));

  it('is self-contained: no external scripts, styles, images or fonts', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|src=|href=/i);
    expect(html).toContain('lang="zh-CN"');
  });

  it('has the 答复形式 section with its targets and the first sentence that missed', () => {
    const section = html.slice(html.indexOf('<h2>答复形式</h2>'), html.indexOf('<h2>未通过的用例'));
    expect(section).toContain('首句含期望金额（期望金额的用例）（目标 ≥ 95%）');
    expect(section).toContain('✘ 50.0%（1/2）');
    expect(section).toContain('<td class="id">eq-1</td>');
    expect(section).toContain('请看第1条：最高200万元。');
  });

  it('draws both charts as inline SVG', () => {
    expect((html.match(/<svg /g) ?? []).length).toBe(2);
    expect(html).toContain('各类别通过率');
    expect(html).toContain('耗时分布');
  });

  it('escapes what it quotes and lists failures with all turns, expected, got and the cited clause', () => {
    expect(html).not.toContain('<b>能补多少</b>');
    expect(html).toContain('&lt;b&gt;能补多少&lt;/b&gt;');
    expect(html).toContain('<li>我们是省级专精特新</li>');
    expect(html).toContain('金额 50万元（500000）');
    expect(html).toContain('请看第1条：最高200万元。');
    expect(html).toContain('zhengzhou-srdi-2024:item-1');
    expect(html).toContain('对省级以上专精特新中小企业');
  });

  it('scales the charts to their data', () => {
    const bars = passRateChart(reportOf([good, bad]).metrics.byCategory);
    expect(bars).toContain('50.0%（1/2）');
    const histogram = latencyHistogram([good, bad, oos]);
    expect(histogram).toContain('p50');
    expect(histogram).toContain('p95');
    expect(latencyHistogram([])).toContain('无数据');
  });
});

describe('comparison', () => {
  it('lists newly failing and newly passing cases and metric deltas', () => {
    const other = goldenCase({ id: 'lk-1', category: 'lookup-plan', expect: { kind: 'lookup' } });
    const before = reportOf([good, record(other, answer({ kind: 'clarify', answer: '?' }))]);
    const after = reportOf([bad, record(other, answer({ kind: 'lookup', answer: '见条款。' })), oos], '2026-06-02T08:00:00.000Z');
    const c = compareReports(before, after, { a: 'a.json', b: 'b.json' });
    expect(c.newlyFailing.map((f) => f.id)).toEqual(['eq-1']);
    expect(c.newlyPassing.map((f) => f.id)).toEqual(['lk-1']);
    expect(c.added).toEqual(['oos-1']);
    expect(c.removed).toEqual([]);
    const recall = c.overall.find((d) => d.label === '金额召回率')!;
    expect([recall.a, recall.b]).toEqual([1, 0]);
    const text = formatComparison(c);
    expect(text).toContain('新失败（1）');
    expect(text).toContain('✘ eq-1');
    expect(text).toContain('✔ lk-1');
    expect(text).toMatch(/金额召回率.*100\.0% → 0\.0%（-100\.0 个百分点，变差）/);
  });
});

describe('written reports', () => {
  it('writes JSON, Markdown and HTML under a timestamped name', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eval-reports-'));
    const files = writeReports(reportOf([good]), dir);
    expect(reportStamp('2026-06-01T08:00:00.123Z')).toBe('2026-06-01T08-00-00Z');
    expect(path.basename(files.json)).toBe('2026-06-01T08-00-00Z.json');
    expect(JSON.parse(readFileSync(files.json, 'utf8')).cases[0].id).toBe('eq-1');
    expect(readFileSync(files.md, 'utf8')).toContain('# 评测报告');
    expect(readFileSync(files.html, 'utf8')).toContain('<svg');
  });
});
