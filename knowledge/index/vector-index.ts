import hnswlib from 'hnswlib-node';

export interface VectorHit {
  doc: number;
  similarity: number;
}

export interface VectorIndex {
  readonly size: number;
  search(vector: Float32Array, k: number, accept?: (doc: number) => boolean): VectorHit[];
  write(file: string): void;
}

const { HierarchicalNSW } = hnswlib;

/** An HNSW index over cosine similarity; labels are clause positions. */
export function buildVectorIndex(vectors: Float32Array[], dimensions: number): VectorIndex {
  const index = new HierarchicalNSW('cosine', dimensions);
  index.initIndex({ maxElements: Math.max(1, vectors.length), m: 16, efConstruction: 200, randomSeed: 42 });
  vectors.forEach((v, label) => index.addPoint(Array.from(v), label));
  return wrap(index);
}

/** Reads an index written by `write`; throws when the file is unreadable. */
export function readVectorIndex(file: string, dimensions: number): VectorIndex {
  const index = new HierarchicalNSW('cosine', dimensions);
  index.readIndexSync(file);
  return wrap(index);
}

/** Below this many vectors an exact scan is both faster than the HNSW call and exact. */
const EXACT_SCAN_LIMIT = 4096;

function wrap(index: InstanceType<typeof HierarchicalNSW>): VectorIndex {
  const size = index.getCurrentCount();
  if (size > 0 && size <= EXACT_SCAN_LIMIT) return exactScan(index, size);
  return {
    size,
    search(vector, k, accept) {
      if (size === 0) return [];
      const n = Math.min(k, size);
      index.setEf(Math.max(64, n * 2));
      const result = accept ? index.searchKnn(Array.from(vector), n, accept) : index.searchKnn(Array.from(vector), n);
      return result.neighbors.map((doc, i) => ({ doc, similarity: 1 - result.distances[i]! }));
    },
    write: (file) => index.writeIndexSync(file),
  };
}

/**
 * Exact cosine search over all points (the stored points are unit vectors). The matrix is kept
 * dimension-major and only the query's non-zero dimensions are visited: the local embedder's vectors
 * touch a few dozen of 1,024 dimensions, so a query costs a few thousand multiply-adds, not a million.
 * Per point, the products are summed in the same order as a full dot product, so the scores are the same.
 */
function exactScan(index: InstanceType<typeof HierarchicalNSW>, size: number): VectorIndex {
  const dimensions = index.getNumDimensions();
  const byDimension = new Float32Array(size * dimensions);
  for (let label = 0; label < size; label++) {
    const point = index.getPoint(label);
    for (let d = 0; d < dimensions; d++) byDimension[d * size + label] = point[d]!;
  }
  const dots = new Float64Array(size);
  return {
    size,
    search(vector, k, accept) {
      let norm = 0;
      dots.fill(0);
      for (let d = 0; d < dimensions; d++) {
        const value = vector[d]!;
        if (value === 0) continue;
        norm += value * value;
        const offset = d * size;
        for (let doc = 0; doc < size; doc++) dots[doc]! += byDimension[offset + doc]! * value;
      }
      norm = Math.sqrt(norm) || 1;
      const hits: VectorHit[] = [];
      for (let doc = 0; doc < size; doc++) {
        if (accept && !accept(doc)) continue;
        hits.push({ doc, similarity: dots[doc]! / norm });
      }
      hits.sort((a, b) => b.similarity - a.similarity || a.doc - b.doc);
      return hits.slice(0, k);
    },
    write: (file) => index.writeIndexSync(file),
  };
}
