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

function wrap(index: InstanceType<typeof HierarchicalNSW>): VectorIndex {
  const size = index.getCurrentCount();
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
