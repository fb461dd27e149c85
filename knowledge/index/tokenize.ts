import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import type { Lexicon } from './lexicon.js';
import { normaliseInput } from '../text/normalise.js';

export interface WeightedTerm {
  term: string;
  weight: number;
}

export interface Tokenizer {
  /** Index-side terms: segmenter words plus CJK character bigrams (prefixed `#`), repeats kept for tf. */
  terms(text: string): string[];
  /** Query-side terms with weights: the query's own terms at 1, synonym expansions lower. */
  queryTerms(text: string): WeightedTerm[];
  /** Segmenter words only (no bigrams), for embedders and diagnostics. */
  words(text: string): string[];
}

const STOPWORDS = new Set(
  '的 了 和 与 及 或 等 是 在 对 为 把 被 将 就 都 也 又 还 而 并 以 于 之 其 该 这 那 个 么 吗 呢 吧 啊 呀 哦 嗯 我 我们 你 你们 他 她 它 咱们 有 没有 能 能不能 可以 可不可以 多少 什么 怎么 怎么样 如何 哪些 哪个 请问 一下 一个 给 让 要 想 问 问下 说 讲 下 上 中 里 吗'.split(
    ' ',
  ),
);

const SYNONYM_WEIGHT = 0.45;
const CJK_RUN = /[\u3400-\u9fff]+/g;

function bigrams(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(CJK_RUN) ?? []) {
    if (run.length === 1) out.push(`#${run}`);
    for (let i = 0; i + 1 < run.length; i++) out.push(`#${run.slice(i, i + 2)}`);
  }
  return out;
}

/** A jieba segmenter taught the domain words, with synonym expansion for queries. */
export function createTokenizer(lexicon: Pick<Lexicon, 'words' | 'synonyms'>): Tokenizer {
  const jieba = Jieba.withDict(dict);
  const userDict = lexicon.words.map((w) => `${w} 100000 n`).join('\n');
  if (userDict) jieba.loadDict(Buffer.from(userDict, 'utf8'));

  // One question is segmented for its scope check, its BM25 terms and its vector: the same text up to
  // three times in a row. The last few results are kept (callers must not change the arrays).
  const recentWords = new Map<string, string[]>();
  const words = (text: string): string[] => {
    const cached = recentWords.get(text);
    if (cached) return cached;
    const result = jieba
      .cutForSearch(text, true)
      .map((w) => w.trim().toLowerCase())
      .filter((w) => w !== '' && !STOPWORDS.has(w) && /[\p{L}\p{N}]/u.test(w));
    if (recentWords.size >= 64) recentWords.delete(recentWords.keys().next().value!);
    recentWords.set(text, result);
    return result;
  };

  const terms = (text: string): string[] => {
    const normalised = normaliseInput(text);
    return [...words(normalised), ...bigrams(normalised)];
  };

  // Each variant's terms are worked out once, not on every query that touches its group.
  const groups = lexicon.synonyms.map((group) =>
    group.map((variant) => normaliseInput(variant)).map((variant) => ({ variant, terms: terms(variant) })),
  );

  return {
    words,
    terms,
    queryTerms(text) {
      const normalised = normaliseInput(text);
      const weights = new Map<string, number>();
      const add = (term: string, weight: number) => weights.set(term, Math.max(weights.get(term) ?? 0, weight));
      for (const term of terms(normalised)) add(term, 1);
      for (const group of groups) {
        if (!group.some(({ variant }) => normalised.includes(variant))) continue;
        for (const { variant, terms: variantTerms } of group) {
          if (normalised.includes(variant)) continue;
          for (const term of variantTerms) add(term, SYNONYM_WEIGHT);
        }
      }
      return [...weights].map(([term, weight]) => ({ term, weight }));
    },
  };
}

/**
 * The Chinese characters of a text, in order, repeats kept (the retriever's character channel: an everyday word
 * the segmenter and the word vectors do not know often shares a character with the clause's word, 园子 with 产业园,
 * 牌子 with 品牌, 发债 with 债券).
 */
export function cjkCharacters(text: string): string[] {
  const out: string[] = [];
  for (const run of normaliseInput(text).match(CJK_RUN) ?? []) out.push(...run);
  return out;
}
