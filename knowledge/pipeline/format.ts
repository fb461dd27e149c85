import { normaliseChineseText, toSimplified } from '../text/normalise.js';
import { RUBY } from './clean.js';

/**
 * The layouts a policy text comes in, each with its cleaner and parser:
 * - `plan-web-page`: a plan copied from a web page, with the page's chrome (header, ruby, footer);
 * - `plan-text`: a plan as plain text or Markdown, numbered 一、 / （一） / 1. (or 1．, 1、), with a 附则;
 * - `law-markdown`: a law in Markdown, `# title`, 第X章 headings and 第X条 articles;
 * - `law-text`: the same as plain text, articles written 第十九条 or 第 19 条.
 */
export const DOCUMENT_FORMATS = ['plan-web-page', 'plan-text', 'law-markdown', 'law-text'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

export interface FormatGuess {
  format: DocumentFormat;
  /** 0..1: how much of the text's numbering the format explains, against the next best reading. */
  confidence: number;
  /** What was counted, in Chinese, for the preview screen. */
  evidence: string[];
}

const CN = '[一二三四五六七八九十百零〇两]+';
const ARTICLE = new RegExp(`^第\\s*(?:${CN}|\\d+)\\s*条`);
const CHAPTER = new RegExp(`^(?:#{1,4}\\s*)?第${CN}[章节]`);
const SECTION = new RegExp(`^(?:#{1,4}\\s*)?${CN}、`);
const SUBSECTION = new RegExp(`^(?:#{1,4}\\s*)?（${CN}）`);
const ITEM = /^\d+\s*[.．、](?!\d)/;
// Page chrome of scraped subsidy pages (besides the ruby after characters): page links, the application window.
const CHROME = /查看原文|补贴详情|申报日期|关注官方公众号|版权所有/;

/** Reads a policy text's numbering and says which layout it is in, and how sure that is. */
export function guessFormat(text: string): FormatGuess {
  const lines = text
    .split(/\r?\n/)
    .map((l) => normaliseChineseText(toSimplified(l)).trim())
    .filter((l) => l !== '');
  const count = (re: RegExp) => lines.filter((l) => re.test(l)).length;
  const articles = count(ARTICLE);
  const chapters = count(CHAPTER);
  const sections = count(SECTION);
  const subsections = count(SUBSECTION);
  const items = count(ITEM);
  const markdown = lines.some((l) => /^#\s/.test(l));
  const ruby = (text.match(RUBY) ?? []).length;
  const chrome = count(CHROME);

  const law = articles * 2 + chapters;
  const plan = sections * 2 + subsections + items;
  const evidence = [
    `条文编号（第X条）${articles}处`,
    `章节标题${chapters}处`,
    `一级标题（一、）${sections}处`,
    `二级标题（（一））${subsections}处`,
    `编号条目（1.）${items}处`,
    ...(markdown ? ['Markdown 标题'] : []),
    ...(ruby + chrome > 0 ? [`网页残留：拼音注音${ruby}处、页面文字${chrome}处`] : []),
  ];
  const isLaw = law > plan;
  const format: DocumentFormat = isLaw
    ? markdown
      ? 'law-markdown'
      : 'law-text'
    : ruby >= 3 || chrome >= 2
      ? 'plan-web-page'
      : 'plan-text';
  const top = Math.max(law, plan);
  const other = Math.min(law, plan);
  // Sure when one numbering explains the text and there is enough of it (8 or more headed lines).
  const confidence = top === 0 ? 0 : (top / (top + other)) * Math.min(1, top / 8);
  return { format, confidence: Math.round(confidence * 100) / 100, evidence };
}
