import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KnowledgeError } from '../errors.js';
import type { CleaningIssue, CleaningReport, ValidityWindow } from '../types.js';
import { normaliseChineseText, toSimplified } from '../text/normalise.js';

export interface CleanedSource {
  /** Cleaned lines, Simplified, canonical punctuation, page chrome removed. */
  lines: string[];
  /** Application window found in the page header, if any. */
  applicationWindow?: ValidityWindow;
  report: CleaningReport;
}

// Pinyin ruby inlined after a character by the scraper: 發(fā) 區(qū) — Latin letters with tone marks only,
// so numbered headings such as (一) or (2024—2026年) never match.
// Combining tone marks (U+0300–U+036F) may follow a base letter: the class is meant per code unit.
// eslint-disable-next-line no-misleading-character-class
export const RUBY = /([\u3400-\u9fff])\(([a-zA-Z\u00C0-\u024F\u0300-\u036F]{1,8})\)/g;

/**
 * The consultant page's chrome, as it reads once converted to Simplified. These are properties of the
 * page template the documents were scraped from, not of one document.
 */
const PAGE_CHROME = {
  headerLine: /^[\u4e00-\u9fff]{2,4}省\s+[\u4e00-\u9fff]{2,}(?:人民政府办公室|人民政府办公厅|人民政府|办公室|厅|局|委员会)$/,
  applicationWindow: /申报日期[:：]\s*(\d{4}-\d{2}-\d{2})\s*[~～至-]+\s*(\d{4}-\d{2}-\d{2})/,
  inline: [/查看原文/g],
  promoLine: /^\d+(?:\.\d+)?万?\s*[~～-]\s*\d+(?:\.\d+)?万\s*补贴详情$/,
  footerStart: /^(?:专业服务|关注官方公众号|版权所有|Copyright)/,
};

// Signs of a broken transcoding: replacement characters, stray question marks or carets, and Latin
// letters left inside Chinese text once the ruby has been stripped.
const ANOMALY = /[\^\uFFFD]|[?？](?=[a-zA-Z\u00C0-\u024F\u4e00-\u9fff])|[a-zA-Z\u00C0-\u024F]+[)）]?/g;

const errataSchema = z
  .object({
    fixes: z
      .array(
        z
          .object({
            find: z.string().min(1),
            replace: z.string(),
            where: z.string().optional(),
            reason: z.string().min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type Errata = z.infer<typeof errataSchema>;

/** Parses an errata file's YAML; a bad file fails naming it. */
export function parseErrata(yamlText: string, fileName: string): Errata {
  const parsed = errataSchema.safeParse(parseYaml(yamlText));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new KnowledgeError('errata_invalid', `${fileName}: ${problems}`);
  }
  return parsed.data;
}

/**
 * Cleans a policy page as scraped from the web: strips inlined pinyin, converts to Simplified,
 * normalises punctuation, removes the page chrome (keeping the application window as metadata),
 * lists spans it cannot repair, and applies the document's errata.
 */
export function cleanPolicyPage(raw: string, options: { docId: string; errata?: Errata }): CleanedSource {
  const report: CleaningReport = { docId: options.docId, removed: [], rubyAnnotationsStripped: 0, issues: [] };
  let applicationWindow: ValidityWindow | undefined;
  const lines: string[] = [];
  let inFooter = false;

  for (const rawLine of raw.split(/\r?\n/)) {
    const withoutRuby = rawLine.replace(RUBY, (_m, ch: string) => {
      report.rubyAnnotationsStripped++;
      return ch;
    });
    let line = normaliseChineseText(toSimplified(withoutRuby));
    if (line === '') continue;
    if (inFooter) {
      report.removed.push({ kind: 'footer', text: line });
      continue;
    }
    if (PAGE_CHROME.footerStart.test(line)) {
      inFooter = true;
      report.removed.push({ kind: 'footer', text: line });
      continue;
    }
    if (lines.length === 0 && PAGE_CHROME.headerLine.test(line)) {
      report.removed.push({ kind: 'page-header', text: line });
      continue;
    }
    const window = PAGE_CHROME.applicationWindow.exec(line);
    if (window) {
      applicationWindow = { from: window[1]!, to: window[2]! };
      report.removed.push({ kind: 'application-window', text: line });
      continue;
    }
    if (PAGE_CHROME.promoLine.test(line)) {
      report.removed.push({ kind: 'promotion', text: line });
      continue;
    }
    for (const pattern of PAGE_CHROME.inline) {
      line = line.replace(pattern, (m) => {
        report.removed.push({ kind: 'page-link', text: m });
        return '';
      });
    }
    line = line.trim();
    if (line !== '') lines.push(line);
  }

  report.issues = findUnrepairedSpans(options.docId, lines);
  const fixed = options.errata ? applyErrata(lines, options.errata, report) : lines;
  return { lines: fixed, applicationWindow, report };
}

/** Cleans a Markdown law text: canonical form line by line; the structure is left to the parser. */
export function cleanLawMarkdown(raw: string, options: { docId: string; errata?: Errata }): CleanedSource {
  const report: CleaningReport = { docId: options.docId, removed: [], rubyAnnotationsStripped: 0, issues: [] };
  const lines = raw
    .split(/\r?\n/)
    .map((l) => (l.startsWith('<!--') ? l.trim() : normaliseChineseText(toSimplified(l))))
    .filter((l) => l !== '');
  report.issues = findUnrepairedSpans(
    options.docId,
    lines.filter((l) => !l.startsWith('<!--') && !l.startsWith('#')),
  );
  const fixed = options.errata ? applyErrata(lines, options.errata, report) : lines;
  return { lines: fixed, report };
}

/**
 * Damaged spans left in the text. `acronymsAreText`: in a text written by hand (not scraped with ruby),
 * capitals such as IPO, PCT, AAA or D类 are the policy's own words, not leftovers.
 */
function findUnrepairedSpans(docId: string, lines: string[], acronymsAreText = false): CleaningIssue[] {
  const issues: CleaningIssue[] = [];
  for (const line of lines) {
    if (!/[\u4e00-\u9fff]/.test(line)) continue;
    const hits = [...line.matchAll(ANOMALY)].filter(
      (m) => isInsideChinese(line, m.index, m[0].length) && !(acronymsAreText && /^[A-Z]+[)）]?$/.test(m[0])),
    );
    // Neighbouring anomalies are one damaged span.
    let start = -1;
    let end = -1;
    const flush = () => {
      if (start < 0) return;
      issues.push({
        docId,
        kind: 'mojibake',
        span: line.slice(start, end),
        context: line.slice(Math.max(0, start - 12), Math.min(line.length, end + 12)),
      });
      start = -1;
    };
    for (const hit of hits) {
      if (start >= 0 && hit.index - end > 3) flush();
      if (start < 0) start = hit.index;
      end = hit.index + hit[0].length;
    }
    flush();
  }
  return issues;
}

function isInsideChinese(line: string, index: number, length: number): boolean {
  const before = line[index - 1] ?? '';
  const after = line[index + length] ?? '';
  return /[\u4e00-\u9fff]/.test(before) || /[\u4e00-\u9fff]/.test(after);
}

function applyErrata(lines: string[], errata: Errata, report: CleaningReport): string[] {
  let out = lines;
  for (const fix of errata.fixes) {
    const find = normaliseChineseText(fix.find);
    let applied = 0;
    out = out.map((line) => {
      if (!line.includes(find)) return line;
      applied++;
      return line.split(find).join(normaliseChineseText(fix.replace));
    });
    if (applied === 0) {
      report.issues.push({ docId: report.docId, kind: 'unknown-character', span: fix.find, context: `errata not applied: ${fix.reason}` });
      continue;
    }
    for (const issue of report.issues) {
      if (find.includes(issue.span) || issue.span.includes(find)) issue.fixedBy = `errata: ${fix.reason}`;
    }
  }
  return out;
}

/**
 * Cleans a plain-text or Markdown policy: canonical form line by line, Markdown heading marks and emphasis
 * dropped, blank lines removed. Nothing else is assumed about where the text came from.
 */
export function cleanPlainText(raw: string, options: { docId: string; errata?: Errata }): CleanedSource {
  const report: CleaningReport = { docId: options.docId, removed: [], rubyAnnotationsStripped: 0, issues: [] };
  const lines: string[] = [];
  for (const rawLine of raw.split(/\r?\n/)) {
    let line = normaliseChineseText(toSimplified(rawLine)).trim();
    const heading = /^#{1,6}\s*/.exec(line);
    if (heading) {
      report.removed.push({ kind: 'markup', text: heading[0].trim() });
      line = line.slice(heading[0].length);
    }
    line = line.replace(/\*\*(.+?)\*\*/g, '$1').trim();
    if (line !== '') lines.push(line);
  }
  report.issues = findUnrepairedSpans(options.docId, lines, true);
  const fixed = options.errata ? applyErrata(lines, options.errata, report) : lines;
  return { lines: fixed, report };
}
