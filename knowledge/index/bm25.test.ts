import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildBm25, loadBm25 } from './bm25.js';

describe('BM25', () => {
  const docs = [['设备', '补助', '设备'], ['创客', '大赛', '奖励'], ['设备'], ['人才', '培训'], []];
  const index = buildBm25(docs);

  it('ranks by term weight and length, and returns only documents that match', () => {
    const hits = index.search([{ term: '设备', weight: 1 }], 10);
    expect(hits.map((h) => h.doc).sort()).toEqual([0, 2]);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
    expect(index.search([{ term: '不存在', weight: 1 }], 10)).toEqual([]);
    expect(index.documentFrequency('设备')).toBe(2);
    expect(index.has('创客')).toBe(true);
  });

  it('survives serialisation unchanged', () => {
    const copy = loadBm25(index.data());
    const query = [
      { term: '设备', weight: 1 },
      { term: '奖励', weight: 0.5 },
    ];
    expect(copy.search(query, 5)).toEqual(index.search(query, 5));
  });

  it('top-k selection returns exactly what a full sort would, for any corpus and query', () => {
    const vocabulary = ['a', 'b', 'c', 'd', 'e', 'f'];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...vocabulary), { maxLength: 12 }), { minLength: 1, maxLength: 60 }),
        fc.uniqueArray(fc.constantFrom(...vocabulary), { minLength: 1 }),
        fc.integer({ min: 1, max: 20 }),
        (corpus, query, k) => {
          const bm25 = buildBm25(corpus);
          const terms = query.map((term) => ({ term, weight: 1 }));
          const all = bm25.search(terms, corpus.length);
          expect(bm25.search(terms, k)).toEqual(all.slice(0, k));
          for (let i = 1; i < all.length; i++) expect(all[i - 1]!.score).toBeGreaterThanOrEqual(all[i]!.score);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('scores every document as search ranks them, 0 where nothing matched', () => {
    const vocabulary = ['a', 'b', 'c', 'd'];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...vocabulary), { maxLength: 8 }), { minLength: 1, maxLength: 30 }),
        fc.uniqueArray(fc.constantFrom(...vocabulary), { minLength: 1 }),
        (corpus, query) => {
          const bm25 = buildBm25(corpus);
          const terms = query.map((term, i) => ({ term, weight: 1 / (i + 1) }));
          const all = bm25.scoreAll(terms);
          expect(all.length).toBe(corpus.length);
          const hits = bm25.search(terms, corpus.length);
          for (const hit of hits) expect(all[hit.doc]).toBeCloseTo(hit.score, 12);
          const found = new Set(hits.map((h) => h.doc));
          all.forEach((score, doc) => {
            if (!found.has(doc)) expect(score).toBe(0);
          });
          // search's scratch space is left clean by scoreAll and vice versa.
          expect(bm25.search(terms, corpus.length)).toEqual(hits);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('applies a filter without losing the best accepted documents', () => {
    const hits = index.search([{ term: '设备', weight: 1 }], 1, (doc) => doc !== 0);
    expect(hits.map((h) => h.doc)).toEqual([2]);
  });
});
