import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseFrame, type Frame } from '../../../knowledge/rules/frames.js';
import { FrameSchema } from '../../../knowledge/rules/rules-schema.js';

/**
 * The engine's knowledge of how people talk, whatever the policy: negation, questions, hypotheticals,
 * hearsay, corrections, greetings, requests to refuse, unrelated requests, place names and generic English.
 * Data in language.yaml, validated here once at start-up.
 */

const words = z.array(z.string().trim().min(1)).min(1);

export const LanguageSchema = z.strictObject({
  negators: words,
  questionForms: words,
  questionMarkers: words,
  hypothetical: words,
  hearsay: words,
  correction: words,
  ownCompany: words,
  otherParty: words,
  askAmount: words,
  askCount: words,
  askLimit: words,
  askRecipient: words,
  askIssued: words,
  askRateOrThreshold: words,
  askYesNo: words,
  askOverview: z.array(FrameSchema).min(1),
  askWhen: words,
  askValidity: words,
  askWho: words,
  awardNouns: words,
  smalltalkFillers: words,
  awardWords: words,
  distributive: words,
  total: words,
  additive: words,
  askSource: words,
  addedPurchase: words,
  approximate: words,
  spendWords: words,
  countUnits: z.record(z.string().min(1), words),
  wholeYear: words,
  askFocus: z.array(z.strictObject({ asked: words, answered: words })).min(1),
  otherMoney: words,
  smalltalk: words,
  refusal: z.array(FrameSchema).min(1),
  unrelated: z.array(FrameSchema).min(1),
  regions: words,
  english: z.record(z.string().min(1), z.string().min(1)),
  dialect: z.record(z.string().min(1), z.string().min(1)),
  injection: z.array(FrameSchema).min(1),
});
export type LanguageData = z.infer<typeof LanguageSchema>;

/** A list of words, found fast in a text: the longest at each place wins (还不是 over 不是). */
export interface WordList {
  readonly words: readonly string[];
  /** Whether any word occurs in the text. */
  test(text: string): boolean;
  /** Every occurrence, left to right, longest first at a position, not overlapping. */
  find(text: string): { start: number; end: number; word: string }[];
}

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A word list matched by one regular expression (Latin words on word boundaries, so "us" is not in "business"). */
export function wordList(list: readonly string[]): WordList {
  const sorted = [...new Set(list.map((w) => w.toLowerCase()))].sort((a, b) => b.length - a.length);
  const pattern = sorted.map((w) => (/^[a-z]/.test(w) ? `(?<![a-z])${escape(w)}(?![a-z])` : escape(w))).join('|');
  const global = new RegExp(pattern, 'g');
  const once = new RegExp(pattern);
  return {
    words: sorted,
    test: (text) => once.test(text),
    find(text) {
      global.lastIndex = 0;
      return [...text.matchAll(global)].map((m) => ({ start: m.index, end: m.index + m[0].length, word: m[0] }));
    },
  };
}

export interface Language {
  negators: WordList;
  questionForms: WordList;
  questionMarkers: WordList;
  hypothetical: WordList;
  hearsay: WordList;
  correction: WordList;
  ownCompany: WordList;
  otherParty: WordList;
  askAmount: WordList;
  askCount: WordList;
  askLimit: WordList;
  /** Asks who receives an award (给谁的、谁能申请). */
  askRecipient: WordList;
  /** Asks who issued a document and when. */
  askIssued: WordList;
  /** Asks for a rate or a threshold, not an amount paid. */
  askRateOrThreshold: WordList;
  askYesNo: WordList;
  askOverview: Frame[];
  askWhen: WordList;
  askValidity: WordList;
  askWho: WordList;
  awardNouns: WordList;
  smalltalkFillers: WordList;
  awardWords: WordList;
  distributive: WordList;
  total: WordList;
  additive: WordList;
  /** Asking where the last answer comes from (依据是哪条、原文怎么写的). */
  askSource: WordList;
  /** Buying more on top of what was said (追加、再买、又添了): a figure added to the one already known. */
  addedPurchase: WordList;
  approximate: WordList;
  /** How the unit of a count is written, by a fact's declared unit. */
  countUnits: Readonly<Record<string, readonly string[]>>;
  /** What a question asks for (criteria, a procedure, papers) and the words of a clause that gives it. */
  askFocus: { asked: WordList; answered: WordList }[];
  /** A whole year in words: 12 months. */
  wholeYear: WordList;
  /** Verbs and papers of spending, which say nothing of what the money bought. */
  spendWords: WordList;
  /** A company's money that is never a purchase (revenue, loans, wages…). */
  otherMoney: WordList;
  /** Whole-message greetings and questions about the assistant (compared part by part). */
  smalltalk: ReadonlySet<string>;
  refusal: Frame[];
  unrelated: Frame[];
  regions: readonly string[];
  /** English phrase → Chinese, longest first. */
  english: readonly [RegExp, string][];
  /** Cantonese words read as their Mandarin equivalents (我哋 → 我们, 咗 → 了). */
  dialect: readonly [RegExp, string][];
  injection: Frame[];
}

/** Compiles validated language data into matchers. */
export function compileLanguage(data: LanguageData): Language {
  const list = (key: keyof LanguageData) => wordList(data[key] as string[]);
  return {
    negators: list('negators'),
    questionForms: list('questionForms'),
    questionMarkers: list('questionMarkers'),
    hypothetical: list('hypothetical'),
    hearsay: list('hearsay'),
    correction: list('correction'),
    ownCompany: list('ownCompany'),
    otherParty: list('otherParty'),
    askAmount: list('askAmount'),
    askCount: list('askCount'),
    askLimit: list('askLimit'),
    askRecipient: list('askRecipient'),
    askIssued: list('askIssued'),
    askRateOrThreshold: list('askRateOrThreshold'),
    askYesNo: list('askYesNo'),
    askOverview: data.askOverview.map(parseFrame),
    askWhen: list('askWhen'),
    askValidity: list('askValidity'),
    askWho: list('askWho'),
    awardNouns: list('awardNouns'),
    smalltalkFillers: list('smalltalkFillers'),
    awardWords: list('awardWords'),
    distributive: list('distributive'),
    total: list('total'),
    additive: list('additive'),
    askSource: list('askSource'),
    addedPurchase: list('addedPurchase'),
    approximate: list('approximate'),
    spendWords: list('spendWords'),
    countUnits: data.countUnits,
    wholeYear: list('wholeYear'),
    askFocus: data.askFocus.map((g) => ({ asked: wordList(g.asked), answered: wordList(g.answered) })),
    otherMoney: list('otherMoney'),
    smalltalk: new Set(data.smalltalk.map((w) => w.toLowerCase())),
    refusal: data.refusal.map(parseFrame),
    unrelated: data.unrelated.map(parseFrame),
    regions: data.regions.map((r) => r.toLowerCase()),
    english: englishGlossary(data.english),
    dialect: englishGlossary(data.dialect),
    injection: data.injection.map(parseFrame),
  };
}

/** English phrases as whole-word, case-insensitive patterns, longest first (so "how much" wins over "much"). */
export function englishGlossary(entries: Record<string, string>): [RegExp, string][] {
  return Object.entries(entries)
    .sort(([a], [b]) => b.length - a.length)
    .map(([english, chinese]) => [
      new RegExp(`(?<![a-z])${escape(english.toLowerCase()).replace(/\s+/g, '\\s+')}(?![a-z])`, 'gi'),
      chinese,
    ]);
}

const LANGUAGE_FILE = new URL('./language.yaml', import.meta.url);
let loaded: Language | undefined;

/** The engine's language data (language.yaml), read and compiled once. */
export function language(): Language {
  if (loaded) return loaded;
  const parsed = LanguageSchema.safeParse(parseYaml(readFileSync(LANGUAGE_FILE, 'utf8')));
  if (!parsed.success) {
    throw new Error(`language.yaml: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  loaded = compileLanguage(parsed.data);
  return loaded;
}
