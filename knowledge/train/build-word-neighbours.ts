/**
 * Offline builder of the word neighbour lists (knowledge/models/law-word-neighbours.bin) read by
 * knowledge/index/word-vectors.ts (`readWordNeighbours`, `createSoftMatcher`): for every row of the law word
 * vectors — each word, then each character — the words most similar to it, with their cosines.
 *
 * The soft-matching channel of the retriever matches each word of a question to its most similar word in a
 * clause (国外 → 境外, 借钱 → 贷款). Comparing a question's words with every word of a knowledge base costs
 * milliseconds per question in JavaScript; looking them up in these lists costs microseconds. They depend on
 * the vectors only, never on a knowledge base, so they are computed once, here, when the vectors change.
 *
 *   npx tsx knowledge/train/build-word-neighbours.ts [--model FILE] [--out FILE] [--per-row N] [--min-similarity X]
 *
 * Defaults: the shipped model and file, 64 neighbours per row, cosine at least 0.3 (in a simulation of the
 * channel on the paraphrase DEV half, 128 neighbours put one or two more questions in the top 3 at twice the
 * size; the soft-matching channel ignores similarities below 0.3 anyway). No randomness: the same model gives
 * the same lists. About 4 minutes on one core of the 2-core development machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_WORD_NEIGHBOURS_FILE,
  DEFAULT_WORD_VECTORS_FILE,
  encodeWordNeighbours,
  NO_NEIGHBOUR,
  readWordVectors,
  type WordNeighbours,
  type WordVectorModel,
} from '../index/word-vectors.js';

export interface NeighbourOptions {
  /** Slots per row (64). */
  perRow: number;
  /** Neighbours less similar than this are dropped (0.3). */
  minSimilarity: number;
}

export const DEFAULT_NEIGHBOUR_OPTIONS: NeighbourOptions = { perRow: 64, minSimilarity: 0.3 };

/** Every row of the model as a unit float32 vector (int8 × scale, normalised), rows × dimensions. */
export function unitRows(model: WordVectorModel): Float32Array {
  const { dimensions } = model.header;
  const rows = model.header.words + model.header.characters;
  const out = new Float32Array(rows * dimensions);
  for (let r = 0; r < rows; r++) {
    const base = r * dimensions;
    const scale = model.scales[r]!;
    let norm = 0;
    for (let d = 0; d < dimensions; d++) {
      const v = model.vectors[base + d]! * scale;
      out[base + d] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let d = 0; d < dimensions; d++) out[base + d]! /= norm;
  }
  return out;
}

/**
 * For each row, its `perRow` most similar word rows with cosine ≥ `minSimilarity` (a word is not its own
 * neighbour), most similar first, ties by row. `log` is called every few thousand rows.
 */
export function computeWordNeighbours(
  model: WordVectorModel,
  options: NeighbourOptions = DEFAULT_NEIGHBOUR_OPTIONS,
  log: (message: string) => void = () => {},
): Omit<WordNeighbours, 'checksum'> {
  const { dimensions } = model.header;
  const words = model.header.words;
  const rows = words + model.header.characters;
  if (words >= NO_NEIGHBOUR) throw new RangeError(`${words} words do not fit the 16-bit neighbour ids`);
  const { perRow, minSimilarity } = options;
  const unit = unitRows(model);
  const ids = new Uint16Array(rows * perRow).fill(NO_NEIGHBOUR);
  const similarities = new Uint8Array(rows * perRow);
  const dots = new Float64Array(words);
  const kept: number[] = [];
  const started = performance.now();
  for (let r = 0; r < rows; r++) {
    if (r % 2000 === 0) log(`row ${r}/${rows}, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const q = r * dimensions;
    kept.length = 0;
    for (let w = 0; w < words; w++) {
      const o = w * dimensions;
      let dot = 0;
      for (let d = 0; d < dimensions; d++) dot += unit[q + d]! * unit[o + d]!;
      dots[w] = dot;
      if (dot >= minSimilarity && w !== r) kept.push(w);
    }
    kept.sort((a, b) => dots[b]! - dots[a]! || a - b);
    const n = Math.min(perRow, kept.length);
    for (let i = 0; i < n; i++) {
      const w = kept[i]!;
      ids[r * perRow + i] = w;
      const quantised = Math.round(((Math.min(1, dots[w]!) - minSimilarity) / (1 - minSimilarity)) * 255);
      similarities[r * perRow + i] = Math.max(0, Math.min(255, quantised));
    }
  }
  return {
    header: { format: 1, rows, perRow, minSimilarity, vectorsChecksum: model.checksum },
    ids,
    similarities,
  };
}

function main(): void {
  const args = process.argv.slice(2);
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const modelFile = value('--model') ?? DEFAULT_WORD_VECTORS_FILE;
  const out = value('--out') ?? DEFAULT_WORD_NEIGHBOURS_FILE;
  const options: NeighbourOptions = {
    perRow: Number(value('--per-row') ?? DEFAULT_NEIGHBOUR_OPTIONS.perRow),
    minSimilarity: Number(value('--min-similarity') ?? DEFAULT_NEIGHBOUR_OPTIONS.minSimilarity),
  };
  const log = (message: string) => process.stderr.write(`[build-word-neighbours ${(performance.now() / 1000).toFixed(1)}s] ${message}\n`);
  const model = readWordVectors(modelFile);
  log(`${model.header.words} words + ${model.header.characters} characters, ${options.perRow} neighbours ≥ ${options.minSimilarity}`);
  const bytes = encodeWordNeighbours(computeWordNeighbours(model, options, log));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  log(`wrote ${out}: ${(bytes.length / 1e6).toFixed(2)} MB`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
