import { normaliseInput } from '../../../knowledge/text/normalise.js';
import type { Language } from '../language/language.js';
import type { FrameMatch } from '../../../knowledge/rules/frames.js';
import type { Segment, SegmentSource } from './noise.js';

/**
 * Second step of reading a message: clauses, each marked with how it speaks. A fact is read from a clause
 * that states it; a clause that asks, supposes, reports hearsay or corrects changes what its words mean.
 */
export interface MessageClause {
  /** Normalised: Simplified, half-width digits, lower-case Latin, English phrases in Chinese. */
  text: string;
  source: SegmentSource;
  /** Position in the message, for "the later one wins". */
  index: number;
  /** Sentence number (clauses of one sentence share it). */
  sentence: number;
  question: boolean;
  /** Poses a case (如果…, 要是…呢): its facts hold for this question only. */
  hypothetical: boolean;
  /** Reports what someone else says (听说…): its figures are claims, never facts. */
  hearsay: boolean;
  /** Corrects what was said before (说错了, 不对): its facts replace earlier ones. */
  correction: boolean;
  /** Speaks of the asker's own company (我们, 来电企业…). */
  own: boolean;
  /** Speaks of someone else's company (隔壁, 别家). */
  otherParty: boolean;
}

/** Sentence ends; a clause also ends at a comma, a colon, or a pause (a space between Chinese words). */
const SENTENCE_END = /[。！？!?；;\n]+|\.(?=\s|$)/;
const CLAUSE_END =
  /[，：]+|(?<!\d),|,(?!\d)|(?<!\d):|:(?!\d)|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])|(?<=\d\s?(?:元|万|万元))\s+(?=[\u4e00-\u9fff])/;

const CLAUSE_END_ENGLISH = /[，：;；]+|(?<!\d),|,(?!\d)|(?<!\d):|:(?!\d)|\s+(?:and|but|then)\s+/;

/** Splits at a separator, except inside quotation marks (“补贴金额：300万元” stays one piece). */
function splitOutsideQuotes(text: string, separator: RegExp): string[] {
  const pieces: string[] = [];
  const global = new RegExp(separator.source, 'g');
  let start = 0;
  for (const m of text.matchAll(global)) {
    const before = text.slice(0, m.index);
    const open = (before.match(/[“「『]/g) ?? []).length - (before.match(/[”」』]/g) ?? []).length;
    if (open > 0 || m[0].length === 0) continue;
    pieces.push(text.slice(start, m.index));
    start = m.index + m[0].length;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/** The speaker making their own words precise (准确说是、确切地说、具体来说), not reporting someone's. */
const PRECISELY = /(?:准确|确切|具体|严格|精确)(?:地|的)?(?:来)?说(?:是|的话)?/g;

/** Three or more single Chinese characters each followed by one space. */
const LETTER_SPACED = /(?<![\u3400-\u9fff])(?:[\u3400-\u9fff] ){2,}[\u3400-\u9fff](?![\u3400-\u9fff])/g;

/** The canonical text every matcher reads: Traditional → Simplified, half-width, lower-case Latin, glossary applied. */
export function normaliseForReading(text: string, glossaries: readonly (readonly [RegExp, string][])[]): string {
  // Letter-spaced characters (OCR of a certificate, a heading: 二 等 奖) are one word.
  let out = normaliseInput(text)
    .toLowerCase()
    .replace(LETTER_SPACED, (run) => run.replace(/ /g, ''));
  for (const glossary of glossaries) for (const [pattern, chinese] of glossary) out = out.replace(pattern, chinese);
  return out.replace(/[^\S\n]+/g, ' ').trim();
}

/** Splits the segments of a message into marked clauses. */
export function readClauses(
  segments: readonly Segment[],
  lang: Language,
  glossaries: readonly (readonly [RegExp, string][])[],
): MessageClause[] {
  const clauses: MessageClause[] = [];
  let sentence = 0;
  for (const segment of segments) {
    const text = normaliseForReading(segment.text, [lang.dialect, lang.english, ...glossaries]);
    // In English, spaces separate words, not clauses (the glossary turns "provincial SRDI" into "省级 资质").
    const latin = (segment.text.match(/[A-Za-z]/g) ?? []).length;
    const english = latin > segment.text.replace(/\s/g, '').length / 2;
    const clauseEnd = english ? CLAUSE_END_ENGLISH : CLAUSE_END;
    for (const sentenceText of text.split(SENTENCE_END)) {
      if (sentenceText.trim() === '') continue;
      sentence++;
      let hearsay = false;
      let hypothetical = false;
      for (const piece of splitOutsideQuotes(sentenceText, clauseEnd)) {
        const clauseText = piece.trim();
        if (clauseText === '' || /^[\p{P}\p{S}\s]+$/u.test(clauseText)) continue;
        const own = lang.ownCompany.test(clauseText);
        // Hearsay and a supposition run on to the end of their sentence, unless the speaker turns to their own case.
        // 准确说是、具体来说 make the speaker's own figure precise; they report nobody else's words.
        if (lang.hearsay.test(clauseText.replace(PRECISELY, ''))) hearsay = true;
        else if (own && !lang.questionMarkers.test(clauseText)) hearsay = false;
        if (lang.hypothetical.test(clauseText)) hypothetical = true;
        clauses.push({
          text: clauseText,
          source: segment.source,
          index: clauses.length,
          sentence,
          question: lang.questionMarkers.test(clauseText),
          hypothetical,
          hearsay,
          correction: lang.correction.test(clauseText),
          own,
          otherParty: lang.otherParty.test(clauseText),
        });
      }
    }
  }
  // A question mark at the end of a sentence marks each of its clauses as part of a question only when
  // they have no statement of their own: nothing to do here, `question` is per clause.
  return clauses;
}

/**
 * Whether a phrase found in a clause is negated: a negator right before it (还不是省级资质), between its
 * words (省里的补贴没拿过), or right after it (资质没过期). Negators that are part of the phrase itself (没有资质)
 * do not count, and an A-not-A question (有没有拿过) asks rather than denies.
 */
export function isNegated(clause: string, match: Pick<FrameMatch, 'start' | 'end' | 'hits'>, lang: Language): boolean {
  const before = clause.slice(Math.max(0, match.start - 6), match.start);
  const after = clause.slice(match.end, match.end + 6);
  if (lang.questionForms.test(before + clause.slice(match.start, match.end) + after)) return false;
  if (lang.negators.find(before).some((h) => before.length - h.end <= 4)) return true;
  if (BOUND_NON.test(before)) return true;
  const hits = [...match.hits].sort((a, b) => a.start - b.start);
  for (let i = 1; i < hits.length; i++) {
    if (lang.negators.test(clause.slice(hits[i - 1]!.end, hits[i]!.start))) return true;
  }
  // Negated after the phrase (资质没过期), or withdrawn as a mistake (国家级是我搞错了).
  // The negator after the phrase negates it when nothing or the phrase's own verb follows (资质没过期、证书其实没有),
  // not when it starts another action (有效期已经过了也没去复核).
  const negatedAfter = /^(?:的)?(?:还|也|都|并|从来|一直|其实)?(?:没有|没|未|不|无|not\b)/.exec(after);
  if (negatedAfter) {
    const rest = clause.slice(match.end + negatedAfter[0].length);
    if (!/^(?:去|再|来|做|办|申请|复核|参加|报|交|找|问)/.test(rest)) return true;
  }
  return MISTAKEN_AFTER.test(after);
}

/**
 * 非 bound to the phrase or to a word or two before it (非首次申报、非国有、非规上): a negating prefix, not a
 * free word, so it is not in the language's negators. 非常, 非法, 并非 (a negator already) and 除非 are not it.
 */
const BOUND_NON = /(?<![并除])非(?![常法凡得要])[\u4e00-\u9fa5]{0,2}$/;

/** Words right after a phrase that call it a mistake: "国家级是我搞错了", "国家级那个说错了". */
export const MISTAKEN_AFTER = /^(?:的)?(?:那个|这个)?(?:是)?(?:我|我们)?(?:给)?(?:搞错|弄错|说错|记错|写错|搞混|打错|填错|不对)/;
