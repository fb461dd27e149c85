import type { WeightedTerm } from './tokenize.js';

export interface Bm25Options {
  k1?: number;
  b?: number;
}

export interface ScoredDoc {
  doc: number;
  score: number;
}

/** Serialisable form: terms and flat postings arrays, so a large corpus loads without JSON-parsing millions of objects. */
export interface Bm25Data {
  k1: number;
  b: number;
  terms: string[];
  /** postingsStart[i]..postingsStart[i+1] are the postings of terms[i]. */
  postingsStart: Uint32Array;
  postingsDoc: Uint32Array;
  postingsTf: Uint16Array;
  docLength: Uint32Array;
}

export interface Bm25Index {
  readonly size: number;
  /** True when any indexed document contains the term. */
  has(term: string): boolean;
  /** In how many documents the term occurs. */
  documentFrequency(term: string): number;
  search(query: WeightedTerm[], k: number, accept?: (doc: number) => boolean): ScoredDoc[];
  /** Every document's score, 0 where nothing matched (for callers that normalise over all documents). */
  scoreAll(query: WeightedTerm[]): Float64Array;
  data(): Bm25Data;
}

/** Builds an Okapi BM25 index over pre-tokenised documents (one term array per document). */
export function buildBm25(docs: Iterable<string[]>, options: Bm25Options = {}): Bm25Index {
  const postings = new Map<string, number[]>();
  const lengths: number[] = [];
  let doc = 0;
  for (const terms of docs) {
    lengths.push(terms.length);
    const tf = new Map<string, number>();
    for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
    for (const [term, count] of tf) {
      let list = postings.get(term);
      if (!list) postings.set(term, (list = []));
      list.push(doc, Math.min(count, 65535));
    }
    doc++;
  }
  const terms = [...postings.keys()];
  const postingsStart = new Uint32Array(terms.length + 1);
  let total = 0;
  terms.forEach((term, i) => {
    postingsStart[i] = total;
    total += postings.get(term)!.length / 2;
  });
  postingsStart[terms.length] = total;
  const postingsDoc = new Uint32Array(total);
  const postingsTf = new Uint16Array(total);
  terms.forEach((term, i) => {
    const list = postings.get(term)!;
    const start = postingsStart[i]!;
    for (let j = 0; j < list.length; j += 2) {
      postingsDoc[start + j / 2] = list[j]!;
      postingsTf[start + j / 2] = list[j + 1]!;
    }
  });
  return loadBm25({
    k1: options.k1 ?? 1.2,
    b: options.b ?? 0.75,
    terms,
    postingsStart,
    postingsDoc,
    postingsTf,
    docLength: Uint32Array.from(lengths),
  });
}

/** Wraps serialised BM25 data for searching. */
export function loadBm25(data: Bm25Data): Bm25Index {
  const termIndex = new Map<string, number>();
  data.terms.forEach((t, i) => termIndex.set(t, i));
  const n = data.docLength.length;
  let lengthSum = 0;
  for (const l of data.docLength) lengthSum += l;
  const avgdl = n === 0 ? 1 : lengthSum / n;
  const { k1, b } = data;
  const scores = new Float64Array(n);
  const touched: number[] = [];
  /** Adds each query term's BM25 contribution into `into`; documents first touched are listed in `touchedDocs`. */
  const accumulate = (query: WeightedTerm[], into: Float64Array, touchedDocs?: number[]) => {
    for (const { term, weight } of query) {
      const t = termIndex.get(term);
      if (t === undefined) continue;
      const start = data.postingsStart[t]!;
      const end = data.postingsStart[t + 1]!;
      const df = end - start;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let p = start; p < end; p++) {
        const doc = data.postingsDoc[p]!;
        const tf = data.postingsTf[p]!;
        const norm = tf + k1 * (1 - b + (b * data.docLength[doc]!) / avgdl);
        if (touchedDocs && into[doc] === 0) touchedDocs.push(doc);
        into[doc]! += weight * idf * ((tf * (k1 + 1)) / norm);
      }
    }
  };

  return {
    size: n,
    data: () => data,
    has: (term) => termIndex.has(term),
    documentFrequency(term) {
      const t = termIndex.get(term);
      return t === undefined ? 0 : data.postingsStart[t + 1]! - data.postingsStart[t]!;
    },
    scoreAll(query) {
      const out = new Float64Array(n);
      accumulate(query, out);
      return out;
    },
    search(query, k, accept) {
      touched.length = 0;
      accumulate(query, scores, touched);
      // Keep the best k in a small min-heap: sorting every touched document costs more than scoring them
      // once a large corpus makes common bigrams touch most of it.
      const heap: ScoredDoc[] = [];
      const worse = (a: ScoredDoc, b: ScoredDoc) => a.score < b.score || (a.score === b.score && a.doc > b.doc);
      for (const doc of touched) {
        const score = scores[doc]!;
        scores[doc] = 0;
        if (score <= 0) continue;
        if (heap.length === k && !worse(heap[0]!, { doc, score })) continue;
        if (accept && !accept(doc)) continue;
        const item = { doc, score };
        if (heap.length < k) {
          heap.push(item);
          for (let i = heap.length - 1; i > 0;) {
            const parent = (i - 1) >> 1;
            if (!worse(heap[i]!, heap[parent]!)) break;
            [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
            i = parent;
          }
        } else {
          heap[0] = item;
          for (let i = 0; ;) {
            const left = 2 * i + 1;
            const right = left + 1;
            let smallest = i;
            if (left < heap.length && worse(heap[left]!, heap[smallest]!)) smallest = left;
            if (right < heap.length && worse(heap[right]!, heap[smallest]!)) smallest = right;
            if (smallest === i) break;
            [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
            i = smallest;
          }
        }
      }
      return heap.sort((x, y) => y.score - x.score || x.doc - y.doc);
    },
  };
}
