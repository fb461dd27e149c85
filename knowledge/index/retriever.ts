import Nzh from 'nzh';
import type { Clause, Jurisdiction, PolicyDocument } from '../types.js';
import { matchingKey, normaliseInput } from '../text/normalise.js';
import { buildBm25, type Bm25Index } from './bm25.js';
import type { ClauseRoles } from './clause-roles.js';
import type { Embedder, SoftMatcher } from './embedder.js';
import { cjkCharacters, type Tokenizer } from './tokenize.js';
import type { VectorIndex } from './vector-index.js';

export interface SearchOptions {
  /** How many hits to return (default: the retriever's topK). */
  k?: number;
  /** Only these documents. */
  docIds?: string[];
  jurisdictions?: Jurisdiction[];
  /** Only documents in force on this ISO date. */
  validOn?: string;
  /** The question is about money: among close candidates, clauses that state amounts rank higher. */
  preferClausesWithAmounts?: boolean;
}

export interface SearchHit {
  clause: Clause;
  /**
   * Fused score, higher is better: reciprocal rank fusion of the lists; with the soft-matching channel, that
   * blended with the normalised semantic evidence (see `AdaptiveFusion`), in 0..1 (references above 1).
   */
  score: number;
  /** How the hit was found: an explicit reference (第19条), or its ranks in each list (1-based). */
  matchedBy: { reference: boolean; bm25Rank?: number; vectorRank?: number; softRank?: number; characterRank?: number; role?: string };
  /**
   * Evidence in 0..1 that this clause answers the question, comparable across questions (unlike `score`): the
   * stronger of its exact-word evidence (BM25) and its soft word match; see `hitConfidence`. Absent when the
   * retriever has no soft-matching channel.
   */
  confidence?: number;
}

export interface Retriever {
  search(query: string, options?: SearchOptions): Promise<SearchHit[]>;
  /** Clauses a question names explicitly (第19条, 三（七）19, 四（二）, 促进法第十条), resolved against the documents. */
  resolveReferences(query: string): Clause[];
  /** The documents a question names (促进法, 河南省实施办法), most specific first. */
  documentsNamed(query: string): string[];
}

export interface RetrieverParts {
  documents: PolicyDocument[];
  clauses: Clause[];
  bm25: Bm25Index;
  vectors?: VectorIndex;
  embedder?: Embedder;
  tokenizer: Tokenizer;
  aliases: Map<string, string[]>;
  primaryDocId: string;
  topK?: number;
  /** RRF constant and list weights; tuned on the retrieval test set. */
  fusion?: { k: number; bm25Weight: number; vectorWeight: number };
  /**
   * The soft-matching channel and the query-dependent fusion it enables: on by default when the embedder offers
   * one (`Embedder.createSoftMatcher`), the vector list is searched and the base has at most `SOFT_MATCH_MAX_CLAUSES`
   * clauses; false turns it off (the fusion is then exactly BM25 ⊕ vectors by reciprocal rank).
   */
  adaptive?: Partial<AdaptiveFusion> | false;
  /**
   * What each clause does in its document (purpose, basis, effect, issuance) and which of these a question asks
   * for (`loadClauseRoles`): the clauses of the role asked gain `ROLE_WEIGHT` of the best score (all of it in a
   * document the question names), so that 初衷是啥
   * finds 为了……制定本法 and 后年还作数吗 finds 有效期至. Absent: no role channel.
   */
  roles?: ClauseRoles;
}

/** The share of the best fused score a clause gains for having the role the question asks for; tuned on DEV. */
export const ROLE_WEIGHT = 0.5;

/**
 * Query-dependent fusion. Reciprocal rank fusion of BM25 and the vector list suits questions worded like the
 * clauses; a question in everyday words (我们想去国外开拓市场 for a clause on 出海) shares few words with its
 * clause, BM25's best score is weak, and the semantic evidence should decide instead. So the retriever measures
 * how strongly BM25 matched — its best score in units of the IDF of a word found in one clause only — and blends:
 *
 *   score = g · RRF / max RRF + (1 − g) · S / max S,   g = clamp((strength − lexical[0]) / (lexical[1] − lexical[0]))
 *   S     = weights.bm25 · BM25 / max BM25 + weights.soft · soft' + weights.vector · cosine' + weights.text · text'
 *           + weights.characters · characters' + weights.jurisdiction · place'
 *
 * (′: min–max normalised over the candidates). `characters` is BM25 over single Chinese characters of the clause
 * text: everyday words that neither the segmenter's words, their bigrams nor the word vectors connect to the
 * clause often still share a character with it (园子 → 产业园, 牌子 → 品牌, 外汇 → 用汇). `place` is 1 for the
 * clauses of documents whose jurisdiction the question points at — by its place name (郑州, 河南) or by the
 * level of government in everyday words (市里, 全省; see `jurisdictionCues`) — and 0 elsewhere. A question whose
 * best BM25 match is worth `lexical[1]` rare words or more ranks exactly as before. Tuned on the paraphrase DEV
 * half and the project retrieval set (bench/paraphrase-retrieval.ts), never on the TEST half.
 */
export interface AdaptiveFusion {
  /** BM25 strength (best score ÷ IDF of a one-clause word) below which only S counts, and above which only RRF. */
  lexical: [number, number];
  /**
   * Weights of S: BM25, the soft match, the vector list's cosine, the word vectors' whole-text cosine, the
   * character channel, the jurisdiction the question points at.
   */
  weights: { bm25: number; soft: number; vector: number; text: number; characters: number; jurisdiction: number };
}

export const DEFAULT_ADAPTIVE_FUSION: AdaptiveFusion = {
  lexical: [5, 8],
  weights: { bm25: 1, soft: 1.5, vector: 1, text: 0.5, characters: 1, jurisdiction: 1 },
};

/** The previous round's default (soft matching without the character and jurisdiction channels), for comparisons. */
export const SOFT_ONLY_ADAPTIVE_FUSION: AdaptiveFusion = {
  lexical: [4, 8],
  weights: { bm25: 1, soft: 1.5, vector: 0.5, text: 0.5, characters: 0, jurisdiction: 0 },
};

/**
 * Above this many clauses the soft-matching channel is not built (as the local embedder's vector index is not):
 * its postings and the scan of every clause per question grow with the base. The fusion is then RRF as before.
 */
export const SOFT_MATCH_MAX_CLAUSES = 20_000;

/**
 * The evidence that a clause answers a question, in 0..1: the stronger of its lexical strength (BM25 score ÷ IDF
 * of a one-clause word, scaled so that `lexicalFull` such words count 1) and its soft match (the weighted share of
 * the question's words the clause matches, exactly or by a similar word).
 */
export function hitConfidence(evidence: { bm25Strength: number; soft: number }, lexicalFull = DEFAULT_ADAPTIVE_FUSION.lexical[1]): number {
  return Math.max(Math.min(1, evidence.bm25Strength / lexicalFull), Math.min(1, Math.max(0, evidence.soft)));
}

/** The confidence of a search's best hit (0 when nothing was found or the retriever has no soft matching). */
export function searchConfidence(hits: readonly SearchHit[]): number {
  return hits[0]?.confidence ?? 0;
}

const CANDIDATES = 50;
/** Up to this many clauses, the vector list is read whole (an exact scan anyway) to normalise its cosines. */
const FULL_VECTOR_LIST = 4096;

/** Clause text as indexed (as `indexableText` of the knowledge base composes it), for the soft-matching channel. */
function clauseText(clause: Clause, shortTitle: string | undefined): string {
  return [
    shortTitle ?? '',
    clause.label,
    clause.aliases.join(' '),
    clause.path.join(' '),
    clause.heading,
    clause.heading,
    clause.text,
  ].join('\n');
}

/**
 * Everyday words by which a question points at a level of government: its own city (市里, 全市), province (省里),
 * district or county, or the whole country. Only forms that name the level as a place, never as a grade
 * (省级专精特新, 国家级 are grades of an enterprise, not the province or the state).
 */
const LEVEL_CUES: { level: 'national' | 'province' | 'city' | 'district' | 'county'; cue: RegExp }[] = [
  { level: 'national', cue: /全国|中央|国务院|国家层面/ },
  { level: 'province', cue: /省里|省上|全省|本省|我省|咱省|省政府|省委/ },
  { level: 'city', cue: /市里|市上|全市|本市|我市|咱市|市政府|市委/ },
  { level: 'district', cue: /区里|全区|本区|我区|咱区|区政府|区委/ },
  { level: 'county', cue: /县里|全县|本县|我县|咱县|县政府|县委/ },
];
/** Administrative units in a jurisdiction's name, most general first: 温州市鹿城区 → 温州市, 鹿城区. */
const ADMINISTRATIVE_UNIT = /.+?(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|盟|地区|区|县|旗)/g;
/** The suffix of an administrative unit (a bare 州 is not one: 郑州市, 杭州市). */
const UNIT_SUFFIX = /(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|盟|地区|区|县|旗)$/;

/** The level and place names of a jurisdiction (郑州市 → city, 郑州; 全国 → national). */
export function jurisdictionOf(jurisdiction: string): { level?: (typeof LEVEL_CUES)[number]['level']; places: string[] } {
  const name = jurisdiction.trim();
  if (name === '全国' || name === '中国' || name === '中华人民共和国') return { level: 'national', places: [] };
  const units = name.match(ADMINISTRATIVE_UNIT) ?? [];
  const last = units[units.length - 1];
  const level = !last
    ? undefined
    : /(?:省|自治区|特别行政区)$/.test(last)
      ? 'province'
      : /(?:市|州|盟|地区)$/.test(last)
        ? 'city'
        : /区$/.test(last)
          ? 'district'
          : 'county';
  // A place is named without its suffix too (郑州市 → 郑州), when two characters or more remain.
  const places = units.flatMap((unit) => {
    const bare = unit.replace(UNIT_SUFFIX, '');
    return bare.length >= 2 ? [unit, bare] : [unit];
  });
  return { ...(level ? { level } : {}), places };
}

/**
 * The jurisdictions a question points at, among those given: by a place name in it (郑州, 河南省) or by the
 * level of government in everyday words (市里 → the city's documents). Empty when it points at none.
 */
export function jurisdictionCues(question: string, jurisdictions: readonly string[]): Set<string> {
  return jurisdictionMatcher(jurisdictions)(question);
}

/** `jurisdictionCues` over fixed jurisdictions, their names parsed once. */
function jurisdictionMatcher(jurisdictions: readonly string[]): (question: string) => Set<string> {
  const parsed = [...new Set(jurisdictions)].map((name) => ({ name, ...jurisdictionOf(name) }));
  return (question) => {
    const found = new Set<string>();
    const levels = new Set(LEVEL_CUES.filter(({ cue }) => cue.test(question)).map(({ level }) => level));
    for (const { name, level, places } of parsed)
      if ((level && levels.has(level)) || places.some((place) => question.includes(place))) found.add(name);
    return found;
  };
}

/** Character indexes (BM25 over the clause texts' Chinese characters) by clause list. */
const characterIndexes = new WeakMap<Clause[], Bm25Index>();

/** Soft matchers by clause list and embedder: the retrievers `retrieverWith` makes over the same index share one. */
const softMatchers = new WeakMap<Clause[], WeakMap<Embedder, SoftMatcher | undefined>>();
const NUMBER = '(\\d+|[一二三四五六七八九十百零两]+)';
const ARTICLE_REF = new RegExp(`第${NUMBER}(?:条|项|款)`, 'g');
const ITEM_LABEL_REF = /([一二三四五六七八九十]+)[（(]([一二三四五六七八九十]+)[）)]\s*(\d+)?/g;
const BARE_ITEM_REF = /(?:^|[^\d.])(\d{1,2})(?:条|项|号)/g;
/** 第一部分、第三部分: a section of a plan by its order. */
const PART_REF = new RegExp(`第${NUMBER}(?:部分|章|大项)`, 'g');

function toInt(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : Number(Nzh.cn.decodeS(text.replace(/两/g, '二')));
}

/** Hybrid retrieval: explicit references first, then BM25 and vector results fused by reciprocal rank. */
export function createRetriever(parts: RetrieverParts): Retriever {
  const { clauses, bm25, vectors, embedder, tokenizer } = parts;
  const fusion = parts.fusion ?? { k: 10, bm25Weight: 1, vectorWeight: embedder?.fusionWeight ?? 1 };
  const topK = parts.topK ?? 5;
  const adaptive: AdaptiveFusion | undefined =
    parts.adaptive === false
      ? undefined
      : { ...DEFAULT_ADAPTIVE_FUSION, ...parts.adaptive, weights: { ...DEFAULT_ADAPTIVE_FUSION.weights, ...parts.adaptive?.weights } };
  // One soft matcher per clause list and embedder (see `softMatchers`), built when the retriever is made.
  let softMatcher: SoftMatcher | undefined | null = null;
  const soft = (): SoftMatcher | undefined => {
    if (softMatcher !== null) return softMatcher;
    softMatcher = undefined;
    if (!adaptive || !vectors || !embedder?.createSoftMatcher || clauses.length === 0 || clauses.length > SOFT_MATCH_MAX_CLAUSES)
      return softMatcher;
    let byEmbedder = softMatchers.get(clauses);
    if (!byEmbedder) softMatchers.set(clauses, (byEmbedder = new WeakMap()));
    if (byEmbedder.has(embedder)) return (softMatcher = byEmbedder.get(embedder));
    const titles = new Map(parts.documents.map((d) => [d.meta.id, d.meta.shortTitle]));
    softMatcher = embedder.createSoftMatcher(clauses.map((c) => clauseText(c, titles.get(c.docId))));
    byEmbedder.set(embedder, softMatcher);
    return softMatcher;
  };
  // Built now rather than on the first question, which would otherwise wait for it (tens of milliseconds).
  soft();
  // The character channel: only beside the soft matcher (the adaptive fusion is what weighs it).
  let characterIndex: Bm25Index | undefined;
  if (soft() && adaptive && adaptive.weights.characters > 0) {
    characterIndex = characterIndexes.get(clauses);
    if (!characterIndex) characterIndexes.set(clauses, (characterIndex = buildBm25(clauses.map((c) => cjkCharacters(c.text)))));
  }

  /** IDF of a term found in one clause only: the unit of BM25 strength. */
  const rareIdf = Math.log(1 + (Math.max(1, bm25.size) - 0.5) / 1.5);
  const byDoc = new Map<string, Map<string, Clause>>();
  const position = new Map<Clause, number>();
  clauses.forEach((clause, i) => {
    position.set(clause, i);
    let map = byDoc.get(clause.docId);
    if (!map) byDoc.set(clause.docId, (map = new Map()));
    map.set(clause.id, clause);
  });
  const roleOf = parts.roles ? clauses.map((c) => parts.roles!.ofClause(c.text)) : undefined;
  const metaById = new Map(parts.documents.map((d) => [d.meta.id, d.meta]));
  const jurisdictionOfClause = clauses.map((c) => metaById.get(c.docId)?.jurisdiction ?? '');
  const pointsAt = jurisdictionMatcher([...new Set(jurisdictionOfClause)].filter((j) => j !== ''));
  // Names compare without punctuation: 河南省实施中小企业促进法办法 names 河南省实施《中小企业促进法》办法.
  const aliasList = [...parts.aliases].flatMap(([docId, names]) => names.map((name) => ({ docId, name: matchingKey(name) })));

  const documentsNamed = (query: string): string[] => {
    const q = matchingKey(query);
    const matches = aliasList.filter((a) => q.includes(a.name)).sort((a, b) => b.name.length - a.name.length);
    if (matches.length === 0) return [];
    // A longer name that contains a shorter one (河南省实施《中小企业促进法》办法 ⊃ 中小企业促进法) wins.
    const best = matches[0]!;
    const rest = matches.filter((m) => m.docId !== best.docId && !best.name.includes(m.name));
    return [...new Set([best.docId, ...rest.map((m) => m.docId)])];
  };

  const resolveReferences = (query: string): Clause[] => {
    const q = normaliseInput(query);
    const named = documentsNamed(q);
    const docId = named[0] ?? parts.primaryDocId;
    const docClauses = byDoc.get(docId);
    if (!docClauses) return [];
    const isPlan = metaById.get(docId)?.format === 'plan-web-page';
    const found: Clause[] = [];
    const push = (clause: Clause | undefined) => {
      if (clause && !found.includes(clause)) found.push(clause);
    };
    for (const m of q.matchAll(ITEM_LABEL_REF)) {
      if (!isPlan) break;
      const section = toInt(m[1]!);
      const sub = toInt(m[2]!);
      if (m[3]) push(docClauses.get(`item-${m[3]}`));
      else push(docClauses.get(`sec-${section}-${sub}`));
    }
    for (const m of q.matchAll(ARTICLE_REF)) {
      const n = toInt(m[1]!);
      push(docClauses.get(isPlan ? `item-${n}` : `art-${n}`));
    }
    if (found.length === 0 && isPlan) {
      for (const m of q.matchAll(BARE_ITEM_REF)) push(docClauses.get(`item-${m[1]}`));
      for (const m of q.matchAll(PART_REF)) push(docClauses.get(`sec-${toInt(m[1]!)}`));
    }
    return found;
  };

  return {
    resolveReferences,
    documentsNamed,
    async search(query, options = {}) {
      const k = options.k ?? topK;
      const named = documentsNamed(query);
      const docFilter = options.docIds ? new Set(options.docIds) : named.length > 0 ? new Set(named.slice(0, 1)) : undefined;
      const filtered = docFilter !== undefined || options.jurisdictions !== undefined || options.validOn !== undefined;
      const accept = (doc: number): boolean => {
        const clause = clauses[doc]!;
        if (docFilter && !docFilter.has(clause.docId)) return false;
        const meta = metaById.get(clause.docId);
        if (options.jurisdictions && meta && !options.jurisdictions.includes(meta.jurisdiction)) return false;
        if (options.validOn && meta) {
          if (options.validOn < meta.validity.from) return false;
          if (meta.validity.to && options.validOn > meta.validity.to) return false;
        }
        return true;
      };

      const fused = new Map<number, SearchHit>();
      const hitFor = (doc: number): SearchHit => {
        let hit = fused.get(doc);
        if (!hit) fused.set(doc, (hit = { clause: clauses[doc]!, score: 0, matchedBy: { reference: false } }));
        return hit;
      };

      resolveReferences(query).forEach((clause, i) => {
        const doc = position.get(clause)!;
        if (!accept(doc)) return;
        const hit = hitFor(doc);
        hit.matchedBy.reference = true;
        hit.score += 2 - i * 0.01; // above any fused score, in the order named
      });

      // Once the search is limited to a named document, its name only adds noise (实施 in 河南省实施…办法).
      let searchText = query;
      if (named.length > 0) {
        const key = matchingKey(query);
        const name = aliasList.filter((a) => a.docId === named[0] && key.includes(a.name)).sort((a, b) => b.name.length - a.name.length)[0];
        if (name) searchText = key.replace(name.name, ' ');
      }
      const queryTerms = tokenizer.queryTerms(searchText);
      const lexical = bm25.search(queryTerms, CANDIDATES, filtered ? accept : undefined);
      // Reciprocal rank fusion, as before the soft channel: kept apart from reference scores to be blended.
      const rrf = new Map<number, number>();
      const addRrf = (doc: number, value: number) => rrf.set(doc, (rrf.get(doc) ?? 0) + value);
      lexical.forEach(({ doc }, rank) => {
        hitFor(doc).matchedBy.bm25Rank = rank + 1;
        addRrf(doc, fusion.bm25Weight / (fusion.k + rank + 1));
      });
      let vectorHits: { doc: number; similarity: number }[] = [];
      if (vectors && embedder && vectors.size > 0) {
        const [vector] = await embedder.embed([searchText]);
        const depth = vectors.size <= FULL_VECTOR_LIST ? vectors.size : CANDIDATES;
        vectorHits = vectors.search(vector!, depth, filtered ? accept : undefined);
        vectorHits.slice(0, CANDIDATES).forEach(({ doc }, rank) => {
          hitFor(doc).matchedBy.vectorRank = rank + 1;
          addRrf(doc, fusion.vectorWeight / (fusion.k + rank + 1));
        });
      }
      const matcher = soft();
      const amountBonus = (hit: SearchHit) =>
        options.preferClausesWithAmounts && hit.clause.amountsYuan.length > 0 && !hit.matchedBy.reference ? 0.5 / (fusion.k + 1) : 0;
      if (!matcher || !adaptive) {
        for (const [doc, value] of rrf) hitFor(doc).score += value;
        for (const hit of fused.values()) hit.score += amountBonus(hit);
      } else {
        const words = tokenizer.words(normaliseInput(searchText));
        const expansions = queryTerms.filter((t) => t.weight < 1 && !t.term.startsWith('#')).map((t) => t.term);
        const softScores = matcher.score(words, expansions);
        const textScores = adaptive.weights.text > 0 ? matcher.similarity?.(words) : undefined;
        let textMin = Infinity;
        let textMax = -Infinity;
        // The soft list: its best CANDIDATES clauses among those accepted.
        const softRanked: number[] = [];
        let softMin = Infinity;
        let softMax = 0;
        for (let doc = 0; doc < softScores.length; doc++) {
          if (filtered && !accept(doc)) continue;
          const value = softScores[doc]!;
          softMin = Math.min(softMin, value);
          softMax = Math.max(softMax, value);
          if (textScores) {
            textMin = Math.min(textMin, textScores[doc]!);
            textMax = Math.max(textMax, textScores[doc]!);
          }
          if (value > 0) softRanked.push(doc);
        }
        softRanked.sort((a, b) => softScores[b]! - softScores[a]! || a - b).splice(CANDIDATES);
        softRanked.forEach((doc, rank) => (hitFor(doc).matchedBy.softRank = rank + 1));

        // The character list: BM25 over the question's distinct Chinese characters, its best CANDIDATES clauses.
        const characterScores = characterIndex?.scoreAll([...new Set(cjkCharacters(searchText))].map((term) => ({ term, weight: 1 })));
        let characterMin = Infinity;
        let characterMax = 0;
        if (characterScores) {
          const characterRanked: number[] = [];
          for (let doc = 0; doc < characterScores.length; doc++) {
            if (filtered && !accept(doc)) continue;
            characterMin = Math.min(characterMin, characterScores[doc]!);
            characterMax = Math.max(characterMax, characterScores[doc]!);
            if (characterScores[doc]! > 0) characterRanked.push(doc);
          }
          characterRanked.sort((a, b) => characterScores[b]! - characterScores[a]! || a - b).splice(CANDIDATES);
          characterRanked.forEach((doc, rank) => (hitFor(doc).matchedBy.characterRank = rank + 1));
        }
        // The jurisdiction the question points at: counts only when it tells the accepted clauses apart.
        const pointedAt = adaptive.weights.jurisdiction > 0 ? pointsAt(normaliseInput(searchText)) : new Set<string>();
        let placeDistinguishes = false;
        if (pointedAt.size > 0) {
          let inside = false;
          let outside = false;
          for (let doc = 0; doc < clauses.length; doc++) {
            if (filtered && !accept(doc)) continue;
            if (pointedAt.has(jurisdictionOfClause[doc]!)) inside = true;
            else outside = true;
          }
          placeDistinguishes = inside && outside;
        }

        const bm25Score = new Map(lexical.map(({ doc, score }) => [doc, score]));
        const bm25Max = lexical[0]?.score ?? 0;
        const similarity = new Map(vectorHits.map(({ doc, similarity: s }) => [doc, s]));
        const vectorMax = vectorHits[0]?.similarity ?? 0;
        const vectorMin = vectorHits.length > 0 ? vectorHits[vectorHits.length - 1]!.similarity : 0;
        const strength = bm25Max / rareIdf;
        const [low, high] = adaptive.lexical;
        const g = Math.min(1, Math.max(0, (strength - low) / Math.max(1e-9, high - low)));
        const { weights } = adaptive;
        const semantic = new Map<number, number>();
        for (const hit of fused.values()) {
          const doc = position.get(hit.clause)!;
          const cosine = similarity.get(doc);
          semantic.set(
            doc,
            (bm25Max > 0 ? (weights.bm25 * (bm25Score.get(doc) ?? 0)) / bm25Max : 0) +
              (softMax > softMin ? (weights.soft * (softScores[doc]! - softMin)) / (softMax - softMin) : 0) +
              (cosine !== undefined && vectorMax > vectorMin ? (weights.vector * (cosine - vectorMin)) / (vectorMax - vectorMin) : 0) +
              (textScores && textMax > textMin ? (weights.text * (textScores[doc]! - textMin)) / (textMax - textMin) : 0) +
              (characterScores && characterMax > characterMin
                ? (weights.characters * (characterScores[doc]! - characterMin)) / (characterMax - characterMin)
                : 0) +
              (placeDistinguishes && pointedAt.has(jurisdictionOfClause[doc]!) ? weights.jurisdiction : 0),
          );
        }
        const rrfMax = Math.max(0, ...rrf.values());
        const semanticMax = Math.max(0, ...semantic.values());
        for (const hit of fused.values()) {
          const doc = position.get(hit.clause)!;
          const r = rrfMax > 0 ? (rrf.get(doc) ?? 0) / rrfMax : 0;
          const sm = semanticMax > 0 ? semantic.get(doc)! / semanticMax : 0;
          hit.score += g * r + (1 - g) * sm + (rrfMax > 0 ? amountBonus(hit) / rrfMax : 0);
          hit.confidence = hitConfidence({ bm25Strength: (bm25Score.get(doc) ?? 0) / rareIdf, soft: softScores[doc]! });
        }
      }
      // The role the question asks for (初衷、依据、哪天施行、谁印发): its clauses gain a share of the best score.
      const asked = roleOf ? parts.roles!.askedBy(normaliseInput(searchText).toLowerCase()) : [];
      if (asked.length > 0) {
        const best = Math.max(0, ...[...fused.values()].filter((h) => !h.matchedBy.reference).map((h) => h.score));
        roleOf!.forEach((roles, doc) => {
          const role = roles.find((r) => asked.includes(r));
          if (!role || (filtered && !accept(doc))) return;
          const hit = hitFor(doc);
          hit.matchedBy.role = role;
          // Of a document the question names, the clause with that role is all but named itself (促进法的初衷).
          hit.score += (named.length > 0 ? 1 : ROLE_WEIGHT) * best;
        });
      }
      return [...fused.values()].sort((a, b) => b.score - a.score || a.clause.order - b.clause.order).slice(0, k);
    },
  };
}
