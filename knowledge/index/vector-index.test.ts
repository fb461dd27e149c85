import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVectorIndex, readVectorIndex } from './vector-index.js';

function unit(values: number[]): Float32Array {
  const norm = Math.hypot(...values);
  return Float32Array.from(values.map((v) => v / norm));
}

describe('vector index', () => {
  const vectors = [unit([1, 0, 0]), unit([0.9, 0.1, 0]), unit([0, 1, 0]), unit([0, 0.2, 1])];

  it('finds the nearest vectors by cosine, best first, and honours a filter', () => {
    const index = buildVectorIndex(vectors, 3);
    expect(index.search(unit([1, 0.05, 0]), 2).map((h) => h.doc)).toEqual([0, 1]);
    expect(index.search(unit([1, 0.05, 0]), 2, (doc) => doc !== 0).map((h) => h.doc)).toEqual([1, 2]);
    expect(index.search(unit([1, 0, 0]), 1)[0]!.similarity).toBeCloseTo(1, 5);
  });

  it('survives being written and read back', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'vectors-')), 'v.hnsw');
    buildVectorIndex(vectors, 3).write(file);
    const copy = readVectorIndex(file, 3);
    expect(copy.size).toBe(4);
    expect(copy.search(unit([0, 0.1, 1]), 1)[0]!.doc).toBe(3);
  });

  it('an empty index (vectors not built for a large corpus) writes, reads and finds nothing', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'vectors-')), 'empty.hnsw');
    buildVectorIndex([], 3).write(file);
    const copy = readVectorIndex(file, 3);
    expect(copy.size).toBe(0);
    expect(copy.search(unit([1, 0, 0]), 5)).toEqual([]);
  });

  it('the exact scan over sparse queries ranks and scores as a full dot product does', () => {
    const dimensions = 64;
    const sparse = fc
      .array(fc.tuple(fc.integer({ min: 0, max: dimensions - 1 }), fc.double({ min: -1, max: 1, noNaN: true })), {
        minLength: 1,
        maxLength: 8,
      })
      .map((entries) => {
        const v = new Float32Array(dimensions);
        for (const [d, x] of entries) v[d] = x;
        return v;
      })
      .filter((v) => v.some((x) => x !== 0));
    const normalised = (v: Float32Array) => {
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    };
    fc.assert(
      fc.property(fc.array(sparse, { minLength: 1, maxLength: 30 }), sparse, (points, query) => {
        const stored = points.map(normalised);
        const index = buildVectorIndex(stored, dimensions);
        const queryNorm = Math.hypot(...query);
        const expected = stored
          .map((p, doc) => ({ doc, similarity: p.reduce((sum, x, d) => sum + x * query[d]!, 0) / queryNorm }))
          .sort((a, b) => b.similarity - a.similarity || a.doc - b.doc);
        const found = index.search(query, stored.length);
        expect(found.map((h) => h.similarity)).toEqual(found.map((_, i) => expect.closeTo(expected[i]!.similarity, 5)));
        expect(found).toHaveLength(stored.length);
      }),
      { numRuns: 200 },
    );
  });
});
