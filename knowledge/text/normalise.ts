import * as OpenCC from 'opencc-js/t2cn';

// Taiwan-standard → mainland: covers the characters the scraped page uses (發 鄭 專 產 …).
const traditionalToSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

// Characters that are also correct Simplified in common words (显著, 乾坤, 於 as a surname…): their
// conversion alone is no evidence of Traditional text, and converting them would damage Simplified text.
const AMBIGUOUS = new Set('著乾於夥瞭麽餘甚閒');

// Whether a single character converts to something else, remembered: converting a whole text with
// OpenCC only to learn that it was Simplified already costs more than everything else in normalising it.
const convertsAlone = new Map<string, boolean>();

function isTraditionalOnly(ch: string): boolean {
  if (ch.charCodeAt(0) < 0x3400 || AMBIGUOUS.has(ch)) return false;
  let known = convertsAlone.get(ch);
  if (known === undefined) {
    known = traditionalToSimplified(ch) !== ch;
    convertsAlone.set(ch, known);
  }
  return known;
}

/** True when the text has a character that exists only in Traditional writing. */
export function hasTraditionalCharacters(text: string): boolean {
  for (const ch of text) if (isTraditionalOnly(ch)) return true;
  return false;
}

/** Converts Traditional text to Simplified; text already in Simplified passes through unchanged. */
export function toSimplified(text: string): string {
  return hasTraditionalCharacters(text) ? traditionalToSimplified(text) : text;
}

/** Full-width ASCII letters, digits and symbols (U+FF01–U+FF5E) and the ideographic space to half-width. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (ch) => (ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)));
}

const CJK = '\\u3400-\\u9fff\\uf900-\\ufaff';
const CJK_OR_CLOSING = `${CJK}”’」』）》〕】%`;
const ASCII_TO_CHINESE_PUNCTUATION: Record<string, string> = {
  ',': '，',
  ':': '：',
  ';': '；',
  '?': '？',
  '!': '！',
  '(': '（',
  ')': '）',
};

/**
 * Canonical form of Chinese text used everywhere in the product: half-width digits and Latin letters,
 * Chinese (full-width) punctuation wherever it sits next to Chinese text, single spaces.
 * A comma between digits (5,000,000) stays ASCII so amounts remain parseable.
 */
export function normaliseChineseText(text: string): string {
  let out = toHalfWidth(text).replace(/[\t ]+/g, ' ');
  const hasChinese = containsCjk(out);
  let result = '';
  for (let i = 0; i < out.length; i++) {
    const ch = out[i]!;
    const chinese = ASCII_TO_CHINESE_PUNCTUATION[ch];
    if (chinese !== undefined && hasChinese) {
      const before = out[i - 1] ?? '';
      const after = out[i + 1] ?? '';
      const digitComma = ch === ',' && /\d/.test(before) && /\d/.test(after);
      // Parentheses come in pairs in Chinese text; converting only one of a pair would look broken.
      const isParen = ch === '(' || ch === ')';
      if (!digitComma && (isParen || touchesChinese.test(before) || precedesChinese.test(after))) {
        result += chinese;
        continue;
      }
    }
    result += ch;
  }
  out = result;
  return out.replace(/ *([，。：；？！（）、]) */g, '$1').trim();
}

const CJK_CHARACTER = new RegExp(`[${CJK}]`);
const touchesChinese = new RegExp(`[${CJK_OR_CLOSING}（“]`);
const precedesChinese = new RegExp(`[${CJK}“（〔]`);

function containsCjk(text: string): boolean {
  return CJK_CHARACTER.test(text);
}

const recentlyNormalised = new Map<string, string>();

/** Traditional → Simplified, then the canonical form: what every incoming question and source line goes through. */
export function normaliseInput(text: string): string {
  // One answer normalises the same short texts several times (question, search terms, embedder).
  const cached = recentlyNormalised.get(text);
  if (cached !== undefined) return cached;
  const normalised = normaliseChineseText(toSimplified(text));
  if (text.length <= 400) {
    if (recentlyNormalised.size >= 2048) recentlyNormalised.delete(recentlyNormalised.keys().next().value!);
    recentlyNormalised.set(text, normalised);
  }
  return normalised;
}

/**
 * A looser key for matching text regardless of punctuation style: drops punctuation and whitespace.
 * Used to compare quotes, errata spans and expected sentences.
 */
export function matchingKey(text: string): string {
  return normaliseInput(text).replace(/[\s\p{P}\p{S}]/gu, '');
}
