import Nzh from 'nzh';
import type { Clause, Jurisdiction, PolicyDocument } from '../types.js';
import { matchingKey, normaliseInput } from '../text/normalise.js';
import type { Bm25Index } from './bm25.js';
import type { Embedder } from './embedder.js';
import type { Tokenizer } from './tokenize.js';
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
  /** Fused score (reciprocal rank fusion), higher is better. */
  score: number;
  /** How the hit was found: an explicit reference (第19条), or its ranks in each list (1-based). */
  matchedBy: { reference: boolean; bm25Rank?: number; vectorRank?: number };
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
}

const CANDIDATES = 50;
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
  const byDoc = new Map<string, Map<string, Clause>>();
  const position = new Map<Clause, number>();
  clauses.forEach((clause, i) => {
    position.set(clause, i);
    let map = byDoc.get(clause.docId);
    if (!map) byDoc.set(clause.docId, (map = new Map()));
    map.set(clause.id, clause);
  });
  const metaById = new Map(parts.documents.map((d) => [d.meta.id, d.meta]));
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
        hit.score += 1 - i * 0.01; // above any fused score, in the order named
      });

      // Once the search is limited to a named document, its name only adds noise (实施 in 河南省实施…办法).
      let searchText = query;
      if (named.length > 0) {
        const key = matchingKey(query);
        const name = aliasList.filter((a) => a.docId === named[0] && key.includes(a.name)).sort((a, b) => b.name.length - a.name.length)[0];
        if (name) searchText = key.replace(name.name, ' ');
      }
      const lexical = bm25.search(tokenizer.queryTerms(searchText), CANDIDATES, filtered ? accept : undefined);
      lexical.forEach(({ doc }, rank) => {
        const hit = hitFor(doc);
        hit.matchedBy.bm25Rank = rank + 1;
        hit.score += fusion.bm25Weight / (fusion.k + rank + 1);
      });
      if (vectors && embedder && vectors.size > 0) {
        const [vector] = await embedder.embed([searchText]);
        vectors.search(vector!, CANDIDATES, filtered ? accept : undefined).forEach(({ doc }, rank) => {
          const hit = hitFor(doc);
          hit.matchedBy.vectorRank = rank + 1;
          hit.score += fusion.vectorWeight / (fusion.k + rank + 1);
        });
      }
      if (options.preferClausesWithAmounts) {
        for (const hit of fused.values())
          if (hit.clause.amountsYuan.length > 0 && !hit.matchedBy.reference) hit.score += 0.5 / (fusion.k + 1);
      }
      return [...fused.values()].sort((a, b) => b.score - a.score || a.clause.order - b.clause.order).slice(0, k);
    },
  };
}
