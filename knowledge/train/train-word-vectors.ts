/**
 * Offline trainer of the law word vectors (knowledge/models/law-word-vectors.bin, read by
 * knowledge/index/word-vectors.ts). Count-based, deterministic, pure TypeScript:
 *
 *   1. every `第X条` article of every law in the corpus, cleaned and parsed as the knowledge base parses laws,
 *      segmented with the project's jieba tokenizer (search mode, stopwords dropped), words with a Chinese
 *      character only;
 *   2. word–context co-occurrence counts within a window inside each article, closer words counting more;
 *   3. positive PMI with context-distribution smoothing (Levy, Goldberg & Dagan 2015);
 *   4. truncated SVD by randomized range finding with power iterations (Halko, Martinsson & Tropp 2011);
 *      word vector = U·Σ^p;
 *   5. a vector per character: the frequency-weighted mean of the words containing it, for words the model
 *      has never seen;
 *   6. the common components of SIF text vectors over the articles (Arora, Liang & Ma 2017), stored so that
 *      they can be removed at run time (off by default: measured, removing them did not help);
 *   7. int8 quantisation per row, written with a checksum.
 *
 *   npx tsx knowledge/train/train-word-vectors.ts --corpus /work/shared/corpus/laws --out knowledge/models/law-word-vectors.bin
 *
 * Options (defaults are the shipped model's):
 *   --corpus DIR           the law corpus: Markdown laws, nested in folders (required)
 *   --out FILE             where the model is written (required)
 *   --lexicon FILE|none    a knowledge base lexicon.yaml whose `words` the segmenter is taught, as that base's
 *                          tokenizer is (default none: the model stays independent of any one base; measured, the
 *                          Zhengzhou lexicon changed nothing, its words being rare in laws)
 *   --clauses articles|all which clauses to learn from: `第X条` articles only, or every clause, also preambles
 *                          and files without articles (published cases, one private guide) (articles: official
 *                          legal texts only, and measured no worse than all)
 *   --dimensions N         vector size (256)
 *   --window N             co-occurrence window, words on each side (5)
 *   --min-count N          a word needs this many occurrences to get a vector (5)
 *   --max-words N          vocabulary cap, most frequent first (60000)
 *   --contexts N           context vocabulary: the N most frequent words (30000)
 *   --cds X                context-distribution smoothing exponent (0.75)
 *   --shift X              PMI shift: log(shift) is subtracted before clipping at zero (1: none)
 *   --eigen-weight X       exponent p of Σ in U·Σ^p (0.5)
 *   --oversample N         extra columns of the randomized SVD (20)
 *   --power-iterations N   power iterations of the randomized SVD (3)
 *   --common N             common components to store (1)
 *   --sif-a X              SIF smoothing used to find the common components; match the run-time setting (1e-4)
 *   --seed N               seed of the random projection (42)
 *   --limit N              only the first N files in path order (for quick trials)
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLexicon } from '../index/lexicon.js';
import { createTokenizer } from '../index/tokenize.js';
import {
  DEFAULT_TEXT_VECTOR_SETTINGS,
  encodeWordVectors,
  indexWordVectors,
  textVector,
  type WordVectorModel,
} from '../index/word-vectors.js';
import { cleanLawMarkdown } from '../pipeline/clean.js';
import { parseLaw } from '../pipeline/parse.js';

export interface TrainOptions {
  corpus: string;
  out: string;
  lexicon: string;
  clauses: 'articles' | 'all';
  dimensions: number;
  window: number;
  minCount: number;
  maxWords: number;
  contexts: number;
  cds: number;
  shift: number;
  eigenWeight: number;
  oversample: number;
  powerIterations: number;
  common: number;
  sifA: number;
  seed: number;
  limit: number;
}

export const DEFAULT_TRAIN_OPTIONS: Omit<TrainOptions, 'corpus' | 'out'> = {
  lexicon: 'none',
  clauses: 'articles',
  dimensions: 256,
  window: 5,
  minCount: 5,
  maxWords: 60_000,
  contexts: 30_000,
  cds: 0.75,
  shift: 1,
  eigenWeight: 0.5,
  oversample: 20,
  powerIterations: 3,
  common: 1,
  sifA: DEFAULT_TEXT_VECTOR_SETTINGS.sifA,
  seed: 42,
  limit: 0,
};

/** Progress messages; the command line prints them, tests pass a no-op. */
export type TrainLog = (message: string) => void;

const logToStderr: TrainLog = (message) =>
  process.stderr.write(`[train-word-vectors ${(performance.now() / 1000).toFixed(1)}s] ${message}\n`);

// ---------------------------------------------------------------------------------------------------------
// Corpus

/** Every `.md` file under `dir`, as relative POSIX paths in code-point order (a stable order on every machine). */
export function listLawFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && entry.name.endsWith('.md')) out.push(child);
    }
  };
  walk('');
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The clause texts of one law, cleaned and parsed exactly as the knowledge base does it: its `第X条` articles
 * only, or every clause (also preambles and the text of files without articles, such as published cases).
 */
export function lawClauses(markdown: string, docId: string, which: 'articles' | 'all'): string[] {
  const { clauses } = parseLaw(cleanLawMarkdown(markdown, { docId }).lines, docId);
  return clauses.filter((c) => which === 'all' || c.kind === 'article').map((c) => c.text);
}

/**
 * Only words with a Chinese character are learned: numbers (2024, 19) and Latin letters carry no meaning a
 * co-occurrence count can capture, yet as rare tokens they would weigh heavily in a text's vector; BM25
 * matches them exactly anyway.
 */
const HAS_CJK = /[\u3400-\u9fff]/u;

/** The corpus as word-id sequences, one per article, with the interned words and their frequencies. */
export interface TokenisedCorpus {
  words: string[];
  counts: number[];
  /** Article i is ids[starts[i] .. starts[i+1]). */
  ids: Uint32Array;
  starts: Uint32Array;
  documents: number;
}

export function tokeniseCorpus(options: Pick<TrainOptions, 'corpus' | 'lexicon' | 'limit' | 'clauses'>, log: TrainLog): TokenisedCorpus {
  const lexicon = options.lexicon === 'none' ? { words: [], synonyms: [] } : loadLexicon(options.lexicon);
  const tokenizer = createTokenizer({ words: lexicon.words, synonyms: [] });
  let files = listLawFiles(options.corpus);
  if (options.limit > 0) files = files.slice(0, options.limit);
  const idOf = new Map<string, number>();
  const words: string[] = [];
  const counts: number[] = [];
  const ids = new GrowableUint32();
  const starts = new GrowableUint32();
  files.forEach((file, i) => {
    if (i % 500 === 0) log(`segmenting ${i}/${files.length} laws`);
    for (const article of lawClauses(readFileSync(path.join(options.corpus, file), 'utf8'), file, options.clauses)) {
      starts.push(ids.length);
      for (const word of tokenizer.words(article)) {
        if (!HAS_CJK.test(word)) continue;
        let id = idOf.get(word);
        if (id === undefined) {
          id = words.length;
          idOf.set(word, id);
          words.push(word);
          counts.push(0);
        }
        counts[id]!++;
        ids.push(id);
      }
    }
  });
  starts.push(ids.length);
  return { words, counts, ids: ids.toArray(), starts: starts.toArray(), documents: files.length };
}

/** An append-only uint32 list: 10 million token ids as numbers in a JS array would cost 8 bytes each. */
class GrowableUint32 {
  private data = new Uint32Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  toArray(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * The `limit` most frequent ids with at least `minCount` occurrences, most frequent first (ties by word, so
 * the order does not depend on the order files were read in).
 */
export function topWords(words: readonly string[], counts: readonly number[], minCount: number, limit: number): number[] {
  return counts
    .map((count, id) => ({ id, count }))
    .filter((w) => w.count >= minCount)
    .sort((a, b) => b.count - a.count || (words[a.id]! < words[b.id]! ? -1 : 1))
    .slice(0, limit)
    .map((w) => w.id);
}

// ---------------------------------------------------------------------------------------------------------
// Co-occurrence and PPMI

/**
 * Open-addressing hash map from uint32 keys to float64 sums: a JavaScript Map of ~50 million pairs would not fit
 * in the heap, these two typed arrays do.
 */
class PairCounts {
  private static readonly EMPTY = 0xffffffff;
  keys: Uint32Array;
  values: Float64Array;
  size = 0;
  constructor(capacityLog2 = 22) {
    this.keys = new Uint32Array(1 << capacityLog2).fill(PairCounts.EMPTY);
    this.values = new Float64Array(1 << capacityLog2);
  }
  add(key: number, value: number): void {
    const mask = this.keys.length - 1;
    let slot = (Math.imul(key, 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      const k = this.keys[slot]!;
      if (k === key) {
        this.values[slot]! += value;
        return;
      }
      if (k === PairCounts.EMPTY) {
        this.keys[slot] = key;
        this.values[slot] = value;
        if (++this.size * 10 > this.keys.length * 6) this.grow();
        return;
      }
      slot = (slot + 1) & mask;
    }
  }
  /** Calls `visit` for every pair, in slot order (deterministic for a given insertion sequence). */
  forEach(visit: (key: number, value: number) => void): void {
    for (let slot = 0; slot < this.keys.length; slot++)
      if (this.keys[slot] !== PairCounts.EMPTY) visit(this.keys[slot]!, this.values[slot]!);
  }
  private grow(): void {
    const { keys, values } = this;
    this.keys = new Uint32Array(keys.length * 2).fill(PairCounts.EMPTY);
    this.values = new Float64Array(keys.length * 2);
    this.size = 0;
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot] !== PairCounts.EMPTY) this.add(keys[slot]!, values[slot]!);
  }
}

/** A sparse matrix in compressed sparse row form. */
export interface Csr {
  rows: number;
  columns: number;
  rowStart: Uint32Array;
  column: Uint32Array;
  value: Float32Array;
}

/**
 * Counts (row word, context word) pairs within `window` words of each other inside each article; a pair at
 * distance d adds 1/d (near words say more about a word than far ones, as in GloVe).
 */
function countCooccurrences(corpus: TokenisedCorpus, axes: MatrixAxes, window: number, log: TrainLog): PairCounts {
  const { rowOf, contextOf, contexts } = axes;
  const { ids, starts } = corpus;
  // Sized for the corpus (the table doubles when it fills): the full corpus has ~10 million distinct pairs.
  const pairs = new PairCounts(Math.min(24, Math.max(12, Math.ceil(Math.log2(ids.length + 1)) + 1)));
  const articles = starts.length - 1;
  for (let a = 0; a < articles; a++) {
    if (a % 20_000 === 0) log(`counting co-occurrences ${a}/${articles} articles, ${pairs.size} pairs`);
    const end = starts[a + 1]!;
    for (let i = starts[a]!; i < end; i++) {
      const rowI = rowOf[ids[i]!]!;
      const contextI = contextOf[ids[i]!]!;
      const last = Math.min(end - 1, i + window);
      for (let j = i + 1; j <= last; j++) {
        const weight = 1 / (j - i);
        const rowJ = rowOf[ids[j]!]!;
        const contextJ = contextOf[ids[j]!]!;
        if (rowI >= 0 && contextJ >= 0) pairs.add(rowI * contexts + contextJ, weight);
        if (rowJ >= 0 && contextI >= 0) pairs.add(rowJ * contexts + contextI, weight);
      }
    }
  }
  return pairs;
}

/**
 * Positive PMI of the counts, with the context distribution raised to `cds` (which stops rare contexts from
 * getting huge PMIs) and shifted by log(shift). Rows keep their pairs in hash-slot order.
 */
export function ppmiMatrix(pairs: PairCounts, rows: number, columns: number, cds: number, shift: number): Csr {
  const rowSum = new Float64Array(rows);
  const columnSum = new Float64Array(columns);
  pairs.forEach((key, value) => {
    rowSum[Math.floor(key / columns)]! += value;
    columnSum[key % columns]! += value;
  });
  let smoothedTotal = 0;
  for (const s of columnSum) smoothedTotal += Math.pow(s, cds);
  const logShift = Math.log(shift);
  const ppmi = (key: number, value: number): number => {
    const r = Math.floor(key / columns);
    const c = key % columns;
    const pContext = Math.pow(columnSum[c]!, cds) / smoothedTotal;
    return Math.log(value / rowSum[r]! / pContext) - logShift;
  };
  const rowStart = new Uint32Array(rows + 1);
  pairs.forEach((key, value) => {
    if (ppmi(key, value) > 0) rowStart[Math.floor(key / columns) + 1]!++;
  });
  for (let r = 0; r < rows; r++) rowStart[r + 1]! += rowStart[r]!;
  const fill = rowStart.slice(0, rows);
  const column = new Uint32Array(rowStart[rows]!);
  const value = new Float32Array(rowStart[rows]!);
  pairs.forEach((key, count) => {
    const v = ppmi(key, count);
    if (v <= 0) return;
    const r = Math.floor(key / columns);
    const at = fill[r]!++;
    column[at] = key % columns;
    value[at] = v;
  });
  return { rows, columns, rowStart, column, value };
}

// ---------------------------------------------------------------------------------------------------------
// Dense linear algebra (row-major Float64Array matrices)

/** A seeded PRNG (mulberry32): the same projection, hence the same model, on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** rows × columns standard normal entries (Box–Muller). */
function gaussianMatrix(rows: number, columns: number, random: () => number): Float64Array {
  const out = new Float64Array(rows * columns);
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const theta = 2 * Math.PI * random();
    out[i] = r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/** M·X: M sparse (r × c), X dense (c × width); result r × width. */
export function sparseTimesDense(m: Csr, x: Float64Array, width: number): Float64Array {
  const out = new Float64Array(m.rows * width);
  for (let r = 0; r < m.rows; r++) {
    const base = r * width;
    for (let at = m.rowStart[r]!; at < m.rowStart[r + 1]!; at++) {
      const v = m.value[at]!;
      const xBase = m.column[at]! * width;
      for (let k = 0; k < width; k++) out[base + k]! += v * x[xBase + k]!;
    }
  }
  return out;
}

/** Mᵀ·Y: M sparse (r × c), Y dense (r × width); result c × width. */
export function sparseTransposeTimesDense(m: Csr, y: Float64Array, width: number): Float64Array {
  const out = new Float64Array(m.columns * width);
  for (let r = 0; r < m.rows; r++) {
    const yBase = r * width;
    for (let at = m.rowStart[r]!; at < m.rowStart[r + 1]!; at++) {
      const v = m.value[at]!;
      const base = m.column[at]! * width;
      for (let k = 0; k < width; k++) out[base + k]! += v * y[yBase + k]!;
    }
  }
  return out;
}

/** Yᵀ·Y for Y (rows × width): width × width, symmetric. */
export function gram(y: Float64Array, rows: number, width: number): Float64Array {
  const g = new Float64Array(width * width);
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    for (let a = 0; a < width; a++) {
      const ya = y[base + a]!;
      if (ya === 0) continue;
      const gBase = a * width;
      for (let b = a; b < width; b++) g[gBase + b]! += ya * y[base + b]!;
    }
  }
  for (let a = 0; a < width; a++) for (let b = 0; b < a; b++) g[a * width + b] = g[b * width + a]!;
  return g;
}

/**
 * Orthonormalises the columns of Y in place by Cholesky QR, done twice (CholeskyQR2): one pass loses accuracy
 * when Y is ill-conditioned, the second restores it. Columns that are numerically dependent are zeroed.
 */
export function orthonormaliseColumns(y: Float64Array, rows: number, width: number): void {
  for (let pass = 0; pass < 2; pass++) {
    const r = cholesky(gram(y, rows, width), width);
    // Y ← Y·R⁻¹, row by row: solve xᵀR = yᵀ for each row (forward substitution over the upper triangle).
    const row = new Float64Array(width);
    for (let i = 0; i < rows; i++) {
      const base = i * width;
      for (let j = 0; j < width; j++) {
        let s = y[base + j]!;
        for (let k = 0; k < j; k++) s -= row[k]! * r[k * width + j]!;
        const diagonal = r[j * width + j]!;
        row[j] = diagonal > 0 ? s / diagonal : 0;
      }
      y.set(row, base);
    }
  }
}

/** Upper-triangular R with RᵀR = G; a non-positive pivot (dependent column) gives a zero row. */
function cholesky(g: Float64Array, n: number): Float64Array {
  const r = new Float64Array(n * n);
  const scale = Math.max(...Array.from({ length: n }, (_, i) => g[i * n + i]!));
  for (let j = 0; j < n; j++) {
    let d = g[j * n + j]!;
    for (let k = 0; k < j; k++) d -= r[k * n + j]! ** 2;
    if (d <= scale * 1e-14) continue;
    const pivot = Math.sqrt(d);
    r[j * n + j] = pivot;
    for (let i = j + 1; i < n; i++) {
      let s = g[j * n + i]!;
      for (let k = 0; k < j; k++) s -= r[k * n + j]! * r[k * n + i]!;
      r[j * n + i] = s / pivot;
    }
  }
  return r;
}

/**
 * Eigen-decomposition of a symmetric n × n matrix by cyclic Jacobi rotations. Returns the eigenvalues in
 * decreasing order and the eigenvectors as the columns of a row-major n × n matrix, in the same order.
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diagonal = 0;
    for (let p = 0; p < n; p++) {
      diagonal += a[p * n + p]! ** 2;
      for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    }
    if (off <= 1e-22 * diagonal) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y]! - a[x * n + x]! || x - y);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n);
  for (let row = 0; row < n; row++) order.forEach((col, j) => (vectors[row * n + j] = v[row * n + col]!));
  return { values, vectors };
}

/**
 * Rank-`rank` truncated SVD of a sparse matrix by randomized range finding (Halko et al. 2011, algorithm 4.4):
 * returns the left singular vectors (rows × rank, row-major) and the singular values, largest first.
 */
export function randomizedSvd(
  m: Csr,
  rank: number,
  settings: { oversample: number; powerIterations: number; seed: number; log?: TrainLog },
): { u: Float64Array; sigma: Float64Array } {
  const width = Math.min(rank + settings.oversample, m.columns, m.rows);
  const omega = gaussianMatrix(m.columns, width, seededRandom(settings.seed));
  let q = sparseTimesDense(m, omega, width);
  orthonormaliseColumns(q, m.rows, width);
  for (let i = 0; i < settings.powerIterations; i++) {
    settings.log?.(`SVD power iteration ${i + 1}/${settings.powerIterations}`);
    const z = sparseTransposeTimesDense(m, q, width);
    orthonormaliseColumns(z, m.columns, width);
    q = sparseTimesDense(m, z, width);
    orthonormaliseColumns(q, m.rows, width);
  }
  // B = QᵀM is small (width × columns); BBᵀ = (MᵀQ)ᵀ(MᵀQ) gives its left singular vectors and σ².
  const bt = sparseTransposeTimesDense(m, q, width);
  const { values, vectors } = symmetricEigen(gram(bt, m.columns, width), width);
  const k = Math.min(rank, width);
  const u = new Float64Array(m.rows * k);
  for (let r = 0; r < m.rows; r++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < width; t++) s += q[r * width + t]! * vectors[t * width + j]!;
      u[r * k + j] = s;
    }
  }
  return { u, sigma: Float64Array.from(values.subarray(0, k), (x) => Math.sqrt(Math.max(0, x))) };
}

// ---------------------------------------------------------------------------------------------------------
// Model assembly

/** Word vectors U·Σ^p, rows × rank. */
function scaleBySingularValues(u: Float64Array, sigma: Float64Array, rows: number, eigenWeight: number): Float64Array {
  const k = sigma.length;
  const weights = Float64Array.from(sigma, (s) => Math.pow(s, eigenWeight));
  const out = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[r * k + j] = u[r * k + j]! * weights[j]!;
  return out;
}

const CJK = /^[\u3400-\u9fff]$/u;

/**
 * A vector per CJK character: the mean of the vectors of the vocabulary words containing it, each weighted by
 * the square root of its frequency (so 国 is mostly 国家 and 中国, yet 国外 still counts).
 */
export function characterVectors(
  words: readonly string[],
  counts: ArrayLike<number>,
  vectors: Float64Array,
  dimensions: number,
): { characters: string[]; vectors: Float64Array } {
  const sums = new Map<string, { sum: Float64Array; weight: number }>();
  words.forEach((word, row) => {
    const weight = Math.sqrt(counts[row]!);
    for (const character of new Set(word)) {
      if (!CJK.test(character)) continue;
      let entry = sums.get(character);
      if (!entry) sums.set(character, (entry = { sum: new Float64Array(dimensions), weight: 0 }));
      for (let d = 0; d < dimensions; d++) entry.sum[d]! += weight * vectors[row * dimensions + d]!;
      entry.weight += weight;
    }
  });
  const characters = [...sums.keys()].sort();
  const out = new Float64Array(characters.length * dimensions);
  characters.forEach((character, i) => {
    const { sum, weight } = sums.get(character)!;
    for (let d = 0; d < dimensions; d++) out[i * dimensions + d] = sum[d]! / weight;
  });
  return { characters, vectors: out };
}

/** int8 per row: value ≈ q × scale, scale = max |value| / 127. */
export function quantiseRows(vectors: Float64Array, rows: number, dimensions: number): { scales: Float32Array; values: Int8Array } {
  const scales = new Float32Array(rows);
  const values = new Int8Array(rows * dimensions);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let d = 0; d < dimensions; d++) max = Math.max(max, Math.abs(vectors[r * dimensions + d]!));
    const scale = max / 127 || 1;
    scales[r] = scale;
    for (let d = 0; d < dimensions; d++) values[r * dimensions + d] = Math.round(vectors[r * dimensions + d]! / scale);
  }
  return { scales, values };
}

/**
 * The top `count` right singular vectors of the matrix whose rows are the given text vectors (uncentred, as
 * SIF does): the directions every law text shares.
 */
export function commonComponents(textVectors: Float32Array[], dimensions: number, count: number): Float32Array {
  const covariance = new Float64Array(dimensions * dimensions);
  for (const v of textVectors) {
    for (let a = 0; a < dimensions; a++) for (let b = a; b < dimensions; b++) covariance[a * dimensions + b]! += v[a]! * v[b]!;
  }
  for (let a = 0; a < dimensions; a++) for (let b = 0; b < a; b++) covariance[a * dimensions + b] = covariance[b * dimensions + a]!;
  const { vectors } = symmetricEigen(covariance, dimensions);
  const out = new Float32Array(count * dimensions);
  for (let k = 0; k < count; k++) for (let d = 0; d < dimensions; d++) out[k * dimensions + d] = vectors[d * dimensions + k]!;
  return out;
}

/** The rows (vocabulary) and columns (contexts) of the co-occurrence matrix, as corpus ids and look-ups. */
interface MatrixAxes {
  vocabulary: number[];
  contexts: number;
  /** Corpus id → row, or -1. */
  rowOf: Int32Array;
  /** Corpus id → column, or -1. */
  contextOf: Int32Array;
}

function matrixAxes(corpus: TokenisedCorpus, options: TrainOptions): MatrixAxes {
  const vocabulary = topWords(corpus.words, corpus.counts, options.minCount, options.maxWords);
  const contextIds = topWords(corpus.words, corpus.counts, 1, options.contexts);
  // Pair keys are row × contexts + column in a uint32.
  if (vocabulary.length * contextIds.length >= 0xffffffff)
    throw new Error('vocabulary × contexts must fit in 32 bits; lower --max-words or --contexts');
  const rowOf = new Int32Array(corpus.words.length).fill(-1);
  vocabulary.forEach((id, row) => (rowOf[id] = row));
  const contextOf = new Int32Array(corpus.words.length).fill(-1);
  contextIds.forEach((id, column) => (contextOf[id] = column));
  return { vocabulary, contexts: contextIds.length, rowOf, contextOf };
}

/** Words and characters with their quantised vectors; no common component yet. */
function assembleModel(
  corpus: TokenisedCorpus,
  vocabulary: number[],
  wordVectors: Float64Array,
  dimensions: number,
  options: TrainOptions,
): Omit<WordVectorModel, 'checksum'> {
  const words = vocabulary.map((id) => corpus.words[id]!);
  const counts = Uint32Array.from(vocabulary, (id) => corpus.counts[id]!);
  const chars = characterVectors(words, counts, wordVectors, dimensions);
  const allVectors = new Float64Array(wordVectors.length + chars.vectors.length);
  allVectors.set(wordVectors);
  allVectors.set(chars.vectors, wordVectors.length);
  const { scales, values } = quantiseRows(allVectors, words.length + chars.characters.length, dimensions);
  // Only what determines the vectors goes into the header (no output path, no timings): same input, same bytes.
  const { out: _out, ...recorded } = options;
  return {
    header: {
      format: 1,
      dimensions,
      words: words.length,
      characters: chars.characters.length,
      vocabularyBytes: 0,
      commonComponents: 0,
      totalCount: counts.reduce((s, c) => s + c, 0),
      training: {
        corpus: path.basename(options.corpus),
        documents: corpus.documents,
        articles: corpus.starts.length - 1,
        tokens: corpus.ids.length,
        options: { ...recorded, corpus: path.basename(options.corpus), lexicon: path.basename(options.lexicon) },
      },
    },
    words,
    characters: chars.characters,
    counts,
    scales,
    vectors: values,
    common: new Float32Array(0),
  };
}

/** Every article's text vector, composed as at run time (SIF, no removal) from the quantised model. */
function articleVectors(corpus: TokenisedCorpus, model: Omit<WordVectorModel, 'checksum'>, sifA: number): Float32Array[] {
  const lookup = indexWordVectors({ ...model, checksum: '' });
  const out: Float32Array[] = [];
  for (let a = 0; a + 1 < corpus.starts.length; a++) {
    const words = Array.from(corpus.ids.subarray(corpus.starts[a]!, corpus.starts[a + 1]!), (id) => corpus.words[id]!);
    out.push(textVector(lookup, words, { sifA, removeCommon: false }));
  }
  return out;
}

/** Runs the whole pipeline and returns the encoded model file. */
export function train(options: TrainOptions, log: TrainLog = logToStderr): Buffer {
  const started = performance.now();
  const corpus = tokeniseCorpus(options, log);
  log(`${corpus.documents} laws, ${corpus.starts.length - 1} articles, ${corpus.ids.length} tokens, ${corpus.words.length} distinct words`);
  const axes = matrixAxes(corpus, options);
  log(`vocabulary ${axes.vocabulary.length} words, ${axes.contexts} contexts`);

  const pairs = countCooccurrences(corpus, axes, options.window, log);
  log(`${pairs.size} distinct pairs`);
  const ppmi = ppmiMatrix(pairs, axes.vocabulary.length, axes.contexts, options.cds, options.shift);
  log(`PPMI: ${ppmi.value.length} positive entries`);

  const { u, sigma } = randomizedSvd(ppmi, options.dimensions, { ...options, log });
  const dimensions = sigma.length;
  log(`SVD done: σ₁ = ${sigma[0]!.toFixed(1)}, σ_${dimensions} = ${sigma[dimensions - 1]!.toFixed(1)}`);
  const wordVectors = scaleBySingularValues(u, sigma, axes.vocabulary.length, options.eigenWeight);

  const model = assembleModel(corpus, axes.vocabulary, wordVectors, dimensions, options);
  log(`${model.characters.length} character vectors`);
  const common = commonComponents(articleVectors(corpus, model, options.sifA), dimensions, options.common);
  log(`done in ${Math.round((performance.now() - started) / 1000)} s`);
  return encodeWordVectors({ ...model, header: { ...model.header, commonComponents: options.common }, common });
}

// ---------------------------------------------------------------------------------------------------------
// Command line

/** Parses `--name value` pairs into options; unknown names and missing required ones are errors. */
export function parseTrainArgs(argv: string[]): TrainOptions {
  const options: Record<string, string | number> = { ...DEFAULT_TRAIN_OPTIONS };
  const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const name = camel(flag.replace(/^--/, ''));
    if (!flag.startsWith('--') || value === undefined || !(name in options || name === 'corpus' || name === 'out'))
      throw new Error(`unknown or incomplete option ${flag}`);
    const numeric = typeof DEFAULT_TRAIN_OPTIONS[name as keyof typeof DEFAULT_TRAIN_OPTIONS] === 'number';
    if (numeric && !Number.isFinite(Number(value))) throw new Error(`${flag} needs a number, got ${value}`);
    if (name === 'clauses' && value !== 'all' && value !== 'articles') throw new Error(`--clauses is all or articles, got ${value}`);
    options[name] = numeric ? Number(value) : value;
  }
  if (typeof options.corpus !== 'string' || typeof options.out !== 'string') throw new Error('--corpus DIR and --out FILE are required');
  return options as unknown as TrainOptions;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseTrainArgs(process.argv.slice(2));
  const file = train(options);
  mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
  writeFileSync(options.out, file);
  logToStderr(`wrote ${options.out}: ${(file.length / 1e6).toFixed(2)} MB`);
}
