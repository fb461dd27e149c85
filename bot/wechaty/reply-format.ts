import type { Answer as AnswerBody, Citation as CitationBody } from './api-types.gen.js';

/**
 * Turns the advisor's answers into WeChat bubbles. Pure: no I/O, no policy knowledge. Amounts are never
 * re-formatted — text is only moved between bubbles or held back for "回复 1" — so every figure reaches
 * the user exactly as the service wrote it.
 */

export type Offer = 'clause' | 'calculate';

export const OFFER_TEXT: Record<Offer, string> = {
  clause: '回复 1 看依据',
  calculate: '回复 2 计算补贴',
};

export interface FormattedAnswer {
  bubbles: string[];
  offers: Offer[];
}

/** Length as WeChat shows it: code points, so an emoji or a rare character counts once and is never cut in half. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Figures that must stay whole: 5,000,000 / 400,000 元 / 50万元 / 10% / 12.5 / 2024—2026 / 400-110-9001 /
 * 09:00 / 五百万元. A bubble may start or end next to one, never inside it.
 */
const NUMBER =
  /[0-9０-９]+(?:[,，.．:：\-—][0-9０-９]+)*(?: ?(?:%|％|万亿元|万亿|亿元|万元|亿|万|千|百|元))?|[〇零一二两三四五六七八九十百千万亿]{2,}元?/g;

const SENTENCE_END = new Set(['。', '！', '？', '!', '?', '…']);
const CLOSERS = new Set(['”', '’', '」', '』', '）', ')', '】', '》', '"', "'"]);
const SEMICOLONS = new Set(['；', ';']);
const CLAUSE_MARKS = new Set(['，', ',', '、', '：', ':']);
const isSpace = (c: string | undefined) => c !== undefined && /\s/u.test(c);

/**
 * Splits text into bubbles of at most `maxChars` characters, preferring (in order) a blank line, a line end
 * or sentence end, a semicolon, a comma, a space, and never inside a figure. Lossless apart from the
 * whitespace dropped where a bubble ends: the bubbles, in order, are the text's own non-blank pieces.
 * Only a figure longer than a whole bubble (impossible at sane sizes) is cut, because a bubble that
 * WeChat refuses would be worse.
 */
export function splitBubbles(text: string, maxChars: number): string[] {
  if (!Number.isInteger(maxChars) || maxChars < 1) throw new RangeError(`maxChars must be a positive integer, got ${maxChars}`);
  const cps = Array.from(text);
  const n = cps.length;

  // Boundary b lies between cps[b-1] and cps[b]; mark those that fall inside a figure.
  const insideFigure = new Uint8Array(n + 1);
  const cpIndex = new Map<number, number>();
  for (let i = 0, unit = 0; i <= n; i++) {
    cpIndex.set(unit, i);
    unit += cps[i]?.length ?? 0;
  }
  for (const m of text.matchAll(NUMBER)) {
    const start = cpIndex.get(m.index)!;
    const end = cpIndex.get(m.index + m[0].length)!;
    for (let b = start + 1; b < end; b++) insideFigure[b] = 1;
  }

  const level = (b: number): number => {
    if (insideFigure[b]) return -1;
    const prev = cps[b - 1]!;
    const next = cps[b]!;
    if (prev === '\n') return b >= 2 && cps[b - 2] === '\n' ? 5 : 4;
    let j = b - 1;
    while (j >= 0 && CLOSERS.has(cps[j]!)) j--;
    if (j >= 0 && SENTENCE_END.has(cps[j]!) && !CLOSERS.has(next) && !SENTENCE_END.has(next)) return 4;
    if (SEMICOLONS.has(prev) && !CLOSERS.has(next)) return 3;
    if (CLAUSE_MARKS.has(prev) && !CLOSERS.has(next)) return 2;
    if (isSpace(prev) || isSpace(next)) return 1;
    return 0;
  };

  const bubbles: string[] = [];
  const push = (from: number, to: number) => {
    const piece = cps.slice(from, to).join('').trim();
    if (piece) bubbles.push(piece);
  };
  let start = 0;
  while (start < n && isSpace(cps[start])) start++;
  while (start < n) {
    if (n - start <= maxChars) {
      push(start, n);
      break;
    }
    // The best break within reach: highest level first, then the farthest, so bubbles stay full.
    let cut = -1;
    let best = -1;
    for (let b = start + 1; b <= start + maxChars; b++) {
      const l = level(b);
      if (l >= 0 && l >= best) {
        best = l;
        cut = b;
      }
    }
    if (cut < 0) cut = start + maxChars;
    push(start, cut);
    start = cut;
    while (start < n && isSpace(cps[start])) start++;
  }
  return bubbles;
}

/**
 * Outermost “…” spans (Chinese quotes nest: “高标准举办“创客中国”大赛”), as [open, close] indices.
 * Unbalanced quotes yield nothing rather than a wrong span.
 */
function quotedSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '“') open.push(i);
    else if (text[i] === '”' && open.length > 0) {
      const at = open.pop()!;
      if (open.length === 0) spans.push([at, i]);
    }
  }
  return spans;
}

const squash = (s: string) => s.replace(/\s+/g, '');

/**
 * Holds back the clause text the service quoted (it is offered with "回复 1" instead): any line after the
 * first that carries a quotation of at least a dozen characters taken from a cited clause. The first line
 * is the conclusion and is always kept whole, even when it quotes the key sentence.
 */
export function withoutClauseQuotes(text: string, quotes: string[]): string {
  const sources = quotes.map(squash).filter(Boolean);
  if (sources.length === 0) return text;
  const firstLineEnd = text.indexOf('\n');
  if (firstLineEnd < 0) return text;
  const remove: [number, number][] = [];
  for (const [open, close] of quotedSpans(text)) {
    if (open <= firstLineEnd) continue;
    const inner = squash(text.slice(open + 1, close));
    if (charLength(inner) < 12 || !sources.some((q) => q.includes(inner))) continue;
    const lineStart = text.lastIndexOf('\n', open) + 1;
    const nextNewline = text.indexOf('\n', close);
    remove.push([lineStart, nextNewline < 0 ? text.length : nextNewline + 1]);
  }
  if (remove.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [from, to] of remove) {
    if (from < at) {
      at = Math.max(at, to);
      continue;
    }
    out += text.slice(at, from);
    at = to;
  }
  out += text.slice(at);
  return out.replace(/\n{3,}/g, '\n\n').trim();
}

/** Follow-up questions go out one at a time: lines that ask a later one wait for their turn. */
export function askingOnlyFirst(text: string, followUp: string[]): string {
  const [first, ...later] = followUp;
  if (!first) return text;
  const lines = text.split('\n').filter((line) => line.includes(first) || !later.some((q) => line.includes(q)));
  const kept = lines.join('\n').trim();
  return kept.includes(first) ? kept : `${kept}\n${first}`.trim();
}

/** Appends a line to the last bubble when it fits, else as a bubble of its own. */
function appendLine(bubbles: string[], line: string, maxChars: number): string[] {
  const last = bubbles.at(-1);
  if (last !== undefined && charLength(last) + 1 + charLength(line) <= maxChars) return [...bubbles.slice(0, -1), `${last}\n${line}`];
  return [...bubbles, ...splitBubbles(line, maxChars)];
}

/**
 * An answer as bubbles: the service's conclusion (its first line) first, then the details, clause quotes
 * held back behind "回复 1 看依据" (details and clauses), a look-up that names amounts followed by "回复 2 计算补贴",
 * and a clarifying answer asking only its first follow-up question. Empty text gives no bubbles: the
 * caller decides what to say instead.
 */
export function formatAnswer(answer: AnswerBody, options: { maxChars: number }): FormattedAnswer {
  let text = answer.answer.replace(/\r\n?/g, '\n').trim();
  if (answer.citations.length > 0)
    text = withoutClauseQuotes(
      text,
      answer.citations.map((c) => c.quote),
    );
  const followUp = answer.kind === 'clarify' ? (answer.followUp ?? []) : [];
  if (followUp.length > 0) text = askingOnlyFirst(text, followUp);

  const offers: Offer[] = [];
  // While a question is pending, "1"/"2" would be ambiguous answers: offer nothing until it is answered.
  if (followUp.length === 0) {
    if (answer.citations.length > 0) offers.push('clause');
    if (answer.kind === 'lookup' && answer.calculations.length === 0 && /\d\s?(?:万|亿)?元/.test(answer.answer)) offers.push('calculate');
  }
  let bubbles = splitBubbles(text, options.maxChars);
  if (bubbles.length > 0 && offers.length > 0) bubbles = appendLine(bubbles, offers.map((o) => OFFER_TEXT[o]).join('，'), options.maxChars);
  return { bubbles, offers };
}

/**
 * What stands behind the last answer, for "回复 1": its details (formula, conditions, assumptions, the facts
 * used and where they came from) and then the cited clauses in full.
 */
export function formatBasis(answer: Pick<AnswerBody, 'details' | 'citations'>, options: { maxChars: number }): string[] {
  const details = answer.details.replace(/\r\n?/g, '\n').trim();
  const clauses = formatClauses(answer.citations, options);
  return [...(details ? splitBubbles(details, options.maxChars) : []), ...clauses];
}

/** The clauses behind the last answer, in full. */
export function formatClauses(citations: CitationBody[], options: { maxChars: number }): string[] {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const c of citations) {
    const key = `${c.docId}:${c.clauseId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    parts.push(`《${c.title}》${c.label}：\n${c.quote.trim()}`);
  }
  return splitBubbles(parts.join('\n\n'), options.maxChars);
}
