import { formatYuan } from '../text/money.js';
import type { MetaField } from '../pipeline/infer-meta.js';
import type { CleaningReport } from '../types.js';
import type { ClauseSummary, DocumentPreview } from './base-admin.js';

/** The clause tree of a document as indented lines: section headings once, then each clause under them. */
export function clauseTreeLines(clauses: readonly ClauseSummary[]): string[] {
  const out: string[] = [];
  let shown: string[] = [];
  for (const clause of clauses) {
    const common = shown.findIndex((p, i) => clause.path[i] !== p);
    const keep = common < 0 ? Math.min(shown.length, clause.path.length) : common;
    for (let i = keep; i < clause.path.length; i++) out.push(`${'  '.repeat(i + 1)}${clause.path[i]}`);
    shown = clause.path;
    const amounts = clause.amountsYuan.length ? `；金额 ${clause.amountsYuan.map(formatYuan).join('、')}` : '';
    out.push(`${'  '.repeat(clause.path.length + 1)}${clause.label}  ${clause.heading}（${clause.length} 字${amounts}）`);
  }
  return out;
}

/** The cleaning report as lines: what was removed from the text and what could not be repaired. */
export function cleaningReportLines(report: CleaningReport): string[] {
  const out: string[] = [];
  if (report.rubyAnnotationsStripped > 0) out.push(`  去除拼音注音 ${report.rubyAnnotationsStripped} 处`);
  if (report.removed.length > 0) {
    out.push(`  去除 ${report.removed.length} 处非正文内容：`);
    for (const r of report.removed.slice(0, 20)) out.push(`    [${r.kind}] ${r.text}`);
    if (report.removed.length > 20) out.push(`    ……另有 ${report.removed.length - 20} 处`);
  }
  if (report.issues.length > 0) {
    out.push('  无法自动修复的片段：');
    for (const issue of report.issues)
      out.push(
        `    ${issue.kind} “${issue.span}”（…${issue.context}…）${issue.fixedBy ? ` → 已由勘误修正：${issue.fixedBy}` : ' → 未修正'}`,
      );
  } else out.push('  无法自动修复的片段：无');
  return out;
}

/** A document preview as the command line prints it. */
export function previewLines(preview: DocumentPreview): string[] {
  const m = preview.metadata;
  const how = new Map(preview.inferred.map((i) => [i.field, i.how]));
  const field = (label: string, value: string | undefined, key: MetaField) =>
    `  ${label}：${value ?? '（未识别）'}${how.has(key) ? `（${how.get(key)}）` : ''}`;
  const guess = preview.format.guess;
  return [
    `读取：${preview.source.kindName}，${Math.max(1, Math.round(preview.source.bytes / 1024))} KB`,
    ...preview.source.notes.map((n) => `  ${n}`),
    `格式：${preview.format.usedName}（${preview.format.used === guess.format ? `自动识别，把握 ${guess.confidence.toFixed(2)}` : `已指定；自动识别为 ${guess.format}，把握 ${guess.confidence.toFixed(2)}`}）`,
    `  依据：${guess.evidence.join('、')}`,
    '文件信息：',
    `  编号：${m.docId}`,
    field('标题', m.title, 'title'),
    field('发布机关', m.issuer, 'issuer'),
    field('发布日期', m.issueDate, 'issueDate'),
    field('生效日期', m.validFrom, 'validFrom'),
    field('有效期至', m.validTo ?? (m.validFrom ? '长期' : undefined), 'validTo'),
    field('适用地区', m.jurisdiction, 'jurisdiction'),
    `条款树（${preview.clauses.length} 条）：`,
    ...clauseTreeLines(preview.clauses),
    '清洗报告：',
    ...cleaningReportLines(preview.cleaning),
    ...(preview.problems.length ? ['问题：', ...preview.problems.map((p) => `  ${p}`)] : []),
  ];
}
