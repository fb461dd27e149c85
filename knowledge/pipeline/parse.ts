import Nzh from 'nzh';
import type { Clause, ClauseKind, DocumentMeta } from '../types.js';
import { findMoneyMentions } from '../text/money.js';

const CN_NUMERAL = '[一二三四五六七八九十百零〇两]+';
const SECTION = new RegExp(`^(${CN_NUMERAL})、\\s*(.+)$`);
const SUBSECTION = new RegExp(`^（(${CN_NUMERAL})）(.+)$`);
/** 1.  1．  1、  and "5. " with a space: the number of a point, never a decimal (1.5亿) or a date. */
const ITEM = /^(\d+)\s*[.．、](?!\d)\s*(.+)$/;
/** The closing provisions, 附则 (printed 附  则 with spaces): its points become `annex-<n>`. */
const ANNEX = /^附\s*则$/;
const DATE_LINE = /^\d{4}年\d{1,2}月\d{1,2}日$/;
const CLOSING = /^本(?:方案|办法|措施|意见|通知|细则|规定)自.+(?:实施|施行)/;
const RESPONSIBLE_UNITS = /（责任单位：([^）]*(?:〔[^〕]*〕[^）]*)*)）\s*$/;

/** Chinese numerals as written in headings and article numbers (十九, 六十一, 一百零二) to integers. */
export function chineseNumeralToInt(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const value = Number(Nzh.cn.decodeS(text.replace(/两/g, '二').replace(/〇/g, '零')));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`not a Chinese numeral: ${text}`);
  return value;
}

function intToChineseNumeral(n: number): string {
  return Nzh.cn.encodeS(n);
}

/** Splits the 责任单位 list: 、 and ， both separate units; 〔市〕 is written （市） as in the unit's name. */
export function parseResponsibleUnits(text: string): string[] {
  const match = RESPONSIBLE_UNITS.exec(text);
  if (!match) return [];
  return match[1]!
    .replace(/〔/g, '（')
    .replace(/〕/g, '）')
    .split(/[、，]/)
    .map((u) => u.trim())
    .filter((u) => u !== '');
}

function headingSentence(text: string): string {
  const end = text.search(/[。；]/);
  return (end < 0 ? text : text.slice(0, end)).trim();
}

interface Draft {
  id: string;
  kind: ClauseKind;
  label: string;
  aliases: string[];
  path: string[];
  heading: string;
  paragraphs: string[];
  /** For sections and subsections: the heading line as printed, prefixed to the quote. */
  titleLine?: string;
}

function finish(draft: Draft, docId: string, order: number): Clause {
  const text = draft.paragraphs.join('\n');
  return {
    id: draft.id,
    docId,
    kind: draft.kind,
    label: draft.label,
    aliases: draft.aliases,
    path: draft.path,
    heading: draft.heading,
    text,
    responsibleUnits: draft.paragraphs.flatMap(parseResponsibleUnits),
    amountsYuan: findMoneyMentions(text).flatMap((m) => (m.upToYuan !== undefined ? [m.yuan, m.upToYuan] : [m.yuan])),
    order,
  };
}

/**
 * Parses a plan in the government's usual numbering: `一、` sections, `（一）` subsections, `1.` items.
 * A section or subsection whose own body is text (not only items) becomes a clause; so do the issuing
 * notice before the title, the introduction after it, and the closing validity sentence.
 */
export function parsePlan(lines: string[], meta: Pick<DocumentMeta, 'id' | 'title'>): Clause[] {
  const drafts: Draft[] = [];
  let current: Draft | undefined;
  let section: { numeral: string; title: string } | undefined;
  let inAnnex = false;
  // Items numbered anew in every section (一、1. 2. 二、1. …) are named by section (item-2-1); items numbered
  // through the whole plan keep their number (item-19). A gap in the numbering is kept as printed.
  const restarts = numberingRestarts(lines);
  let subsection: { numeral: string; title: string } | undefined;
  let phase: 'preamble' | 'title' | 'body' = 'preamble';
  const titleKey = meta.title.replace(/（.*）$/, '');

  const open = (draft: Draft) => {
    current = draft;
    drafts.push(draft);
  };

  for (const line of lines) {
    if (phase !== 'body' && (line === titleKey || /^（\d{4}—\d{4}年）$/.test(line))) {
      phase = 'title';
      current = undefined;
      continue;
    }
    if (ANNEX.test(line)) {
      phase = 'body';
      inAnnex = true;
      section = undefined;
      subsection = undefined;
      current = undefined;
      continue;
    }
    const sectionMatch = SECTION.exec(line);
    if (sectionMatch && line.length <= 30 && !inAnnex) {
      phase = 'body';
      section = { numeral: sectionMatch[1]!, title: sectionMatch[2]!.trim() };
      subsection = undefined;
      const n = chineseNumeralToInt(section.numeral);
      open({
        id: `sec-${n}`,
        kind: 'section',
        label: section.numeral,
        aliases: [`第${section.numeral}部分`, line],
        path: [],
        heading: section.title,
        paragraphs: [],
        titleLine: line,
      });
      continue;
    }
    const subsectionMatch = SUBSECTION.exec(line);
    if (subsectionMatch && section && line.length <= 30 && !/[。；]/.test(line)) {
      subsection = { numeral: subsectionMatch[1]!, title: subsectionMatch[2]!.trim() };
      const s = chineseNumeralToInt(section.numeral);
      const n = chineseNumeralToInt(subsection.numeral);
      open({
        id: `sec-${s}-${n}`,
        kind: 'subsection',
        label: `${section.numeral}（${subsection.numeral}）`,
        aliases: [line],
        path: [`${section.numeral}、${section.title}`],
        heading: subsection.title,
        paragraphs: [],
        titleLine: line,
      });
      continue;
    }
    const itemMatch = ITEM.exec(line);
    if (itemMatch && inAnnex) {
      const n = Number(itemMatch[1]);
      const body = itemMatch[2]!.trim();
      const cn = intToChineseNumeral(n);
      open({
        id: `annex-${n}`,
        kind: 'annex',
        label: `附则${n}`,
        aliases: [`附则第${n}条`, `附则第${cn}条`, `附则${n}`, `附则第${n}点`],
        path: ['附则'],
        heading: headingSentence(body),
        paragraphs: [`${n}.${body}`],
      });
      continue;
    }
    if (itemMatch && section) {
      const n = Number(itemMatch[1]);
      const body = `${itemMatch[2]!.trim()}`;
      const cn = intToChineseNumeral(n);
      const s = chineseNumeralToInt(section.numeral);
      open({
        id: restarts ? `item-${s}-${n}` : `item-${n}`,
        kind: 'item',
        label: `${section.numeral}${subsection ? `（${subsection.numeral}）` : ''}${n}`,
        aliases: restarts
          ? [
              `${section.numeral}${n}`,
              `${section.numeral}、${n}`,
              `第${section.numeral}部分第${n}条`,
              `第${section.numeral}部分第${n}项`,
              `第${n}条`,
            ]
          : [`第${n}条`, `第${cn}条`, `第${n}项`, `第${cn}项`, `${n}.`],
        path: [`${section.numeral}、${section.title}`, ...(subsection ? [`（${subsection.numeral}）${subsection.title}`] : [])],
        heading: headingSentence(body),
        paragraphs: [`${n}.${body}`],
      });
      continue;
    }
    if (CLOSING.test(line)) {
      open({
        id: 'closing',
        kind: 'closing',
        label: '实施日期与有效期',
        aliases: ['有效期'],
        path: [],
        heading: headingSentence(line),
        paragraphs: [line],
      });
      current = undefined;
      continue;
    }
    if (phase === 'preamble') {
      if (!current)
        open({ id: 'preamble', kind: 'preamble', label: '印发通知', aliases: ['通知'], path: [], heading: '印发通知', paragraphs: [] });
      current!.paragraphs.push(line);
      if (DATE_LINE.test(line)) current = undefined;
      continue;
    }
    if (phase === 'title') {
      phase = 'body';
      open({ id: 'intro', kind: 'intro', label: '前言', aliases: ['引言'], path: [], heading: headingSentence(line), paragraphs: [line] });
      continue;
    }
    if (!current) {
      throw new Error(`${meta.id}: text outside any clause: ${line.slice(0, 40)}`);
    }
    current.paragraphs.push(line);
  }

  return drafts
    .filter((d) => d.paragraphs.length > 0)
    .map((draft, order) => {
      // Section and subsection bodies carry their title first, so a quote reads on its own.
      if (draft.titleLine) return finish({ ...draft, paragraphs: [draft.titleLine, ...draft.paragraphs] }, meta.id, order);
      return finish(draft, meta.id, order);
    });
}

/** Whether item numbers start again in a later section (一、1. 2. 二、1.), read before parsing. */
function numberingRestarts(lines: readonly string[]): boolean {
  const seen = new Set<number>();
  for (const line of lines) {
    if (ANNEX.test(line)) break;
    const item = ITEM.exec(line);
    if (!item) continue;
    const n = Number(item[1]);
    if (seen.has(n)) return true;
    seen.add(n);
  }
  return false;
}

const CHAPTER = new RegExp(`^(?:#{1,4}\\s*)?(第(${CN_NUMERAL})章)\\s*(.*)$`);
const CHAPTER_PLAIN = new RegExp(`^第${CN_NUMERAL}章`);
const SECTION_OF_CHAPTER = new RegExp(`^(?:#{1,4}\\s*)?(第(${CN_NUMERAL})节)\\s*(.*)$`);
/** 第十九条, 第19条 and 第 1 条 with spaces. */
const ARTICLE = new RegExp(`^(第\\s*(${CN_NUMERAL}|\\d+)\\s*条)\\s*(.*)$`);

export interface ParsedLaw {
  title: string;
  clauses: Clause[];
  chapters: number;
}

/**
 * Parses a law in Markdown: `# title`, a preamble up to `<!-- INFO END -->`, `第X章` / `第X节` headings,
 * and `第X条` articles whose following paragraphs belong to them.
 */
export function parseLaw(lines: string[], docId: string): ParsedLaw {
  let title = '';
  const drafts: Draft[] = [];
  let chapter: string | undefined;
  let sectionOfChapter: string | undefined;
  let current: Draft | undefined;
  // A Markdown law marks the end of its preamble; a plain text starts its body at the first heading or article.
  const marked = lines.some((l) => l.startsWith('<!--') && l.includes('INFO END'));
  let inPreamble = true;
  let chapters = 0;

  for (const line of lines) {
    if (inPreamble && !marked && (CHAPTER_PLAIN.test(line) || ARTICLE.test(line))) inPreamble = false;
    if (line.startsWith('# ') && !title) {
      title = line.slice(2).trim();
      continue;
    }
    if (line.startsWith('<!--')) {
      if (line.includes('INFO END')) inPreamble = false;
      continue;
    }
    if (inPreamble) {
      if (!current) {
        current = { id: 'preamble', kind: 'preamble', label: '题注', aliases: ['通过日期'], path: [], heading: '题注', paragraphs: [] };
        drafts.push(current);
      }
      current.paragraphs.push(line);
      continue;
    }
    const chapterMatch = CHAPTER.exec(line);
    if (chapterMatch) {
      chapters++;
      chapter = `${chapterMatch[1]} ${chapterMatch[3]!.trim()}`.trim();
      sectionOfChapter = undefined;
      current = undefined;
      continue;
    }
    const sectionMatch = SECTION_OF_CHAPTER.exec(line);
    if (sectionMatch) {
      sectionOfChapter = `${sectionMatch[1]} ${sectionMatch[3]!.trim()}`.trim();
      current = undefined;
      continue;
    }
    if (line.startsWith('#')) continue;
    const articleMatch = ARTICLE.exec(line);
    if (articleMatch) {
      const n = chineseNumeralToInt(articleMatch[2]!);
      const body = articleMatch[3]!.trim();
      current = {
        id: `art-${n}`,
        kind: 'article',
        label: `第${n}条`,
        aliases: [...new Set([articleMatch[1]!.replace(/\s+/g, ''), `第${n}条`, `第${intToChineseNumeral(n)}条`])],
        path: [chapter, sectionOfChapter].filter((p): p is string => p !== undefined),
        heading: headingSentence(body),
        paragraphs: [`${articleMatch[1]} ${body}`],
      };
      drafts.push(current);
      continue;
    }
    // Text before the first article (an amendment's preface) or between headings joins the last clause.
    if (!current) {
      current = { id: 'preamble', kind: 'preamble', label: '题注', aliases: [], path: [], heading: '题注', paragraphs: [] };
      if (!drafts.some((d) => d.id === 'preamble')) drafts.push(current);
      else current = drafts.find((d) => d.id === 'preamble');
    }
    current!.paragraphs.push(line);
  }

  // Amendment texts reuse numbering inside quotations; keep ids unique so citations stay stable.
  const seen = new Map<string, number>();
  for (const draft of drafts) {
    const count = seen.get(draft.id) ?? 0;
    seen.set(draft.id, count + 1);
    if (count > 0) draft.id = `${draft.id}-${count + 1}`;
  }
  return { title, chapters, clauses: drafts.filter((d) => d.paragraphs.length > 0).map((d, order) => finish(d, docId, order)) };
}
