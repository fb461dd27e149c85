/**
 * Law word vectors: a small embedding model learned offline from the law corpus (knowledge/train/
 * train-word-vectors.ts) and shipped in knowledge/models/, so that questions worded unlike the clause they
 * need (我们想去国外开拓市场 → 出海、海外市场) still land near it, with no network and no download.
 *
 * The model holds one vector per segmenter word and one per character (the mean of the words that contain it,
 * for words the model never saw). A text's vector is the SIF-weighted sum of its words' vectors (rare words
 * count more), normalised; the component every law text shares is stored too and can be removed (measured,
 * it does not help here). Combined with the local embedder (`base`), it keeps the local embedder's exact-word
 * precision and adds what the corpus taught about meaning.
 *
 * File layout (little-endian), version 1:
 *
 *   0    4 bytes   magic `LWV1`
 *   4    uint32    header length H
 *   8    H bytes   header, UTF-8 JSON (`WordVectorHeader`)
 *        …         vocabulary: the words then the characters, UTF-8, joined by `\n` (header.vocabularyBytes)
 *        …         uint32 × words        corpus frequency of each word
 *        …         float32 × rows        per-row quantisation scale (rows = words + characters)
 *        …         int8 × rows × dims    vectors, row-major; value = int8 × scale
 *        …         float32 × k × dims    common components of law texts (removable, see `removeCommon`)
 *        32 bytes  SHA-256 of everything before it
 *
 * A file that is truncated, padded or altered fails its length or checksum test and is rejected whole.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KnowledgeError } from '../errors.js';
import { normaliseInput } from '../text/normalise.js';
import type { Embedder, SoftMatcher } from './embedder.js';
import type { Tokenizer } from './tokenize.js';

/** Where the shipped model lives: knowledge/models/law-word-vectors.bin. */
export const DEFAULT_WORD_VECTORS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../models/law-word-vectors.bin');

const MAGIC = 'LWV1';
const FORMAT_VERSION = 1;
const CHECKSUM_BYTES = 32;

/** How the model was trained, kept in the file for the record (knowledge/models/README.md quotes it). */
export interface WordVectorTraining {
  corpus: string;
  documents: number;
  articles: number;
  tokens: number;
  /** Every option the trainer ran with. No timings: the same corpus and options give the same bytes. */
  options: Record<string, string | number | boolean>;
}

/** The JSON header of a model file. */
export interface WordVectorHeader {
  format: number;
  dimensions: number;
  words: number;
  characters: number;
  vocabularyBytes: number;
  commonComponents: number;
  /** Sum of all word frequencies, the denominator of a word's probability. */
  totalCount: number;
  training: WordVectorTraining;
}

/** A decoded model: the vocabulary and its int8 vectors. Rows `0..words-1` are words, the rest characters. */
export interface WordVectorModel {
  readonly header: WordVectorHeader;
  readonly words: readonly string[];
  readonly characters: readonly string[];
  /** Corpus frequency per word. */
  readonly counts: Uint32Array;
  /** Quantisation scale per row. */
  readonly scales: Float32Array;
  /** rows × dimensions, row-major. */
  readonly vectors: Int8Array;
  /** commonComponents × dimensions, unit rows. */
  readonly common: Float32Array;
  /** Hex SHA-256 of the file: changes whenever any vector would. */
  readonly checksum: string;
}

/** Encodes a model in the layout above (the trainer's writer; the reader is `decodeWordVectors`). */
export function encodeWordVectors(model: Omit<WordVectorModel, 'checksum'>): Buffer {
  const { header } = model;
  const vocabulary = Buffer.from([...model.words, ...model.characters].join('\n'), 'utf8');
  const fullHeader: WordVectorHeader = { ...header, format: FORMAT_VERSION, vocabularyBytes: vocabulary.length };
  const headerBytes = Buffer.from(JSON.stringify(fullHeader), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  const bytesOf = (view: ArrayBufferView) => Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  const body = Buffer.concat([
    Buffer.from(MAGIC, 'ascii'),
    length,
    headerBytes,
    vocabulary,
    bytesOf(model.counts),
    bytesOf(model.scales),
    bytesOf(model.vectors),
    bytesOf(model.common),
  ]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

const corrupt = (message: string) => new KnowledgeError('index_corrupt', `word vector model: ${message}`);

/** Decodes a model file; throws `index_corrupt` when it is truncated, altered or of another format. */
export function decodeWordVectors(buffer: Buffer): WordVectorModel {
  if (buffer.length < 8 + CHECKSUM_BYTES || buffer.toString('ascii', 0, 4) !== MAGIC) throw corrupt('not a word vector file');
  const bodyLength = buffer.length - CHECKSUM_BYTES;
  const checksum = createHash('sha256').update(buffer.subarray(0, bodyLength)).digest();
  if (!checksum.equals(buffer.subarray(bodyLength))) throw corrupt('checksum mismatch (truncated or modified file)');
  const headerLength = buffer.readUInt32LE(4);
  const header = JSON.parse(buffer.toString('utf8', 8, 8 + headerLength)) as WordVectorHeader;
  if (header.format !== FORMAT_VERSION) throw corrupt(`format ${header.format}, expected ${FORMAT_VERSION}`);
  const rows = header.words + header.characters;
  let offset = 8 + headerLength;
  // Copies into fresh, aligned buffers: the sections' offsets in the file are not multiples of 4.
  const take = (bytes: number): ArrayBuffer => {
    if (offset + bytes > bodyLength) throw corrupt('sections run past the end of the file');
    const copy = new ArrayBuffer(bytes);
    buffer.copy(new Uint8Array(copy), 0, offset, offset + bytes);
    offset += bytes;
    return copy;
  };
  const vocabulary = Buffer.from(take(header.vocabularyBytes)).toString('utf8').split('\n');
  if (vocabulary.length !== rows) throw corrupt(`vocabulary has ${vocabulary.length} entries, header says ${rows}`);
  const counts = new Uint32Array(take(header.words * 4));
  const scales = new Float32Array(take(rows * 4));
  const vectors = new Int8Array(take(rows * header.dimensions));
  const common = new Float32Array(take(header.commonComponents * header.dimensions * 4));
  if (offset !== bodyLength) throw corrupt(`${bodyLength - offset} unexpected trailing bytes`);
  return {
    header,
    words: vocabulary.slice(0, header.words),
    characters: vocabulary.slice(header.words),
    counts,
    scales,
    vectors,
    common,
    checksum: checksum.toString('hex'),
  };
}

/** Reads and decodes a model file. */
export function readWordVectors(file: string = DEFAULT_WORD_VECTORS_FILE): WordVectorModel {
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch (error) {
    throw new KnowledgeError('source_missing', `word vector model ${file} is unreadable: ${(error as Error).message}`);
  }
  return decodeWordVectors(buffer);
}

// ---------------------------------------------------------------------------------------------------------
// Word neighbours: each row's nearest words, computed offline (knowledge/train/build-word-neighbours.ts)

/** Where the shipped neighbour lists live: knowledge/models/law-word-neighbours.bin. */
export const DEFAULT_WORD_NEIGHBOURS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../models/law-word-neighbours.bin');

const NEIGHBOURS_MAGIC = 'LWN1';
const NEIGHBOURS_FORMAT_VERSION = 1;
/** An empty slot of a row's list (ids are word rows, fewer than 65,535). */
export const NO_NEIGHBOUR = 0xffff;

/**
 * The JSON header of a neighbour file. Layout (little-endian), version 1:
 *
 *   0    4 bytes   magic `LWN1`
 *   4    uint32    header length H
 *   8    H bytes   header, UTF-8 JSON (`WordNeighboursHeader`)
 *        …         uint16 × rows × perRow   neighbour word rows, most similar first; `NO_NEIGHBOUR` pads a short list
 *        …         uint8 × rows × perRow    their cosines, quantised: minSimilarity + q / 255 × (1 − minSimilarity)
 *        32 bytes  SHA-256 of everything before it
 */
export interface WordNeighboursHeader {
  format: number;
  /** Rows of the model: its words, then its characters (the same order as in the vector file). */
  rows: number;
  /** Slots per row. */
  perRow: number;
  /** Only neighbours at least this similar are kept. */
  minSimilarity: number;
  /** SHA-256 of the vector file the lists were computed from: a list is only valid for that model. */
  vectorsChecksum: string;
}

/** Decoded neighbour lists. */
export interface WordNeighbours {
  readonly header: WordNeighboursHeader;
  /** rows × perRow word rows. */
  readonly ids: Uint16Array;
  /** rows × perRow quantised cosines. */
  readonly similarities: Uint8Array;
  readonly checksum: string;
}

/** The cosine a quantised neighbour similarity stands for. */
export function neighbourSimilarity(neighbours: WordNeighbours, quantised: number): number {
  const { minSimilarity } = neighbours.header;
  return minSimilarity + (quantised / 255) * (1 - minSimilarity);
}

/** Encodes neighbour lists in the layout above. */
export function encodeWordNeighbours(neighbours: Omit<WordNeighbours, 'checksum'>): Buffer {
  const header: WordNeighboursHeader = { ...neighbours.header, format: NEIGHBOURS_FORMAT_VERSION };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  const bytesOf = (view: ArrayBufferView) => Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  const body = Buffer.concat([
    Buffer.from(NEIGHBOURS_MAGIC, 'ascii'),
    length,
    headerBytes,
    bytesOf(neighbours.ids),
    bytesOf(neighbours.similarities),
  ]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

const corruptNeighbours = (message: string) => new KnowledgeError('index_corrupt', `word neighbour lists: ${message}`);

/** Decodes a neighbour file; throws `index_corrupt` when it is truncated, altered or of another format. */
export function decodeWordNeighbours(buffer: Buffer): WordNeighbours {
  if (buffer.length < 8 + CHECKSUM_BYTES || buffer.toString('ascii', 0, 4) !== NEIGHBOURS_MAGIC)
    throw corruptNeighbours('not a word neighbour file');
  const bodyLength = buffer.length - CHECKSUM_BYTES;
  const checksum = createHash('sha256').update(buffer.subarray(0, bodyLength)).digest();
  if (!checksum.equals(buffer.subarray(bodyLength))) throw corruptNeighbours('checksum mismatch (truncated or modified file)');
  const headerLength = buffer.readUInt32LE(4);
  const header = JSON.parse(buffer.toString('utf8', 8, 8 + headerLength)) as WordNeighboursHeader;
  if (header.format !== NEIGHBOURS_FORMAT_VERSION)
    throw corruptNeighbours(`format ${header.format}, expected ${NEIGHBOURS_FORMAT_VERSION}`);
  const slots = header.rows * header.perRow;
  const start = 8 + headerLength;
  if (start + slots * 3 !== bodyLength) throw corruptNeighbours(`${bodyLength - start} bytes of lists, header says ${slots * 3}`);
  const ids = new Uint16Array(slots);
  Buffer.from(ids.buffer).set(buffer.subarray(start, start + slots * 2));
  const similarities = new Uint8Array(buffer.subarray(start + slots * 2, bodyLength));
  return { header, ids, similarities, checksum: checksum.toString('hex') };
}

/** Reads and decodes a neighbour file. */
export function readWordNeighbours(file: string = DEFAULT_WORD_NEIGHBOURS_FILE): WordNeighbours {
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch (error) {
    throw new KnowledgeError('source_missing', `word neighbour lists ${file} are unreadable: ${(error as Error).message}`);
  }
  return decodeWordNeighbours(buffer);
}

/** How text vectors are composed from word vectors. */
export interface TextVectorSettings {
  /**
   * SIF smoothing `a`: a word of probability p weighs a / (a + p). Frequent words (规定, 应当) count little,
   * rare ones almost fully.
   */
  sifA: number;
  /**
   * Remove the model's common components (the direction all law texts share, as SIF proposes). Off by default:
   * measured on the paraphrase DEV set and the retrieval set, keeping it ranked as well or better, alone and fused.
   */
  removeCommon: boolean;
}

/** The composition the shipped model was tuned with (bench/paraphrase-retrieval.ts, DEV half only). */
export const DEFAULT_TEXT_VECTOR_SETTINGS: TextVectorSettings = { sifA: 1e-4, removeCommon: false };

/** Fast look-up over a model: rows of words and characters, a word's weight, a word's vector. */
export interface WordVectorLookup {
  readonly model: WordVectorModel;
  /** The word's row, or undefined when it is not in the vocabulary. */
  wordRow(word: string): number | undefined;
  /** The character's row (a row past the words), or undefined. */
  characterRow(character: string): number | undefined;
  /**
   * Adds `weight ×` the word's vector into `into`; a word the model never saw contributes the mean of its
   * characters' vectors. Returns false when neither is known (the word adds nothing).
   */
  addWord(into: Float64Array, word: string, weight: number): boolean;
  /** SIF weight of a word; a word the model never saw is as rare as the rarest and weighs about 1. */
  weightOf(word: string, sifA: number): number;
}

/** Indexes a model's vocabulary for look-ups. */
export function indexWordVectors(model: WordVectorModel): WordVectorLookup {
  const { dimensions } = model.header;
  const wordRows = new Map<string, number>();
  model.words.forEach((w, i) => wordRows.set(w, i));
  const characterRows = new Map<string, number>();
  model.characters.forEach((c, i) => characterRows.set(c, model.words.length + i));
  const total = model.header.totalCount;

  const addRow = (into: Float64Array, row: number, weight: number) => {
    const scale = model.scales[row]! * weight;
    const base = row * dimensions;
    for (let d = 0; d < dimensions; d++) into[d]! += model.vectors[base + d]! * scale;
  };

  return {
    model,
    wordRow: (word) => wordRows.get(word),
    characterRow: (character) => characterRows.get(character),
    weightOf(word, sifA) {
      const row = wordRows.get(word);
      const probability = row === undefined ? 0 : model.counts[row]! / total;
      return sifA / (sifA + probability);
    },
    addWord(into, word, weight) {
      const row = wordRows.get(word);
      if (row !== undefined) {
        addRow(into, row, weight);
        return true;
      }
      const rows = [...word].map((c) => characterRows.get(c)).filter((r): r is number => r !== undefined);
      for (const r of rows) addRow(into, r, weight / rows.length);
      return rows.length > 0;
    },
  };
}

/**
 * The vector of a text given as segmenter words: SIF-weighted sum, common components removed, unit length.
 * A text with no known word or character gets the zero vector. Shared by the trainer (to find the common
 * components) and the embedder, so both compose vectors the same way.
 */
export function textVector(lookup: WordVectorLookup, words: readonly string[], settings: TextVectorSettings): Float32Array {
  const { dimensions, commonComponents } = lookup.model.header;
  const sum = new Float64Array(dimensions);
  for (const word of words) lookup.addWord(sum, word, lookup.weightOf(word, settings.sifA));
  if (settings.removeCommon) removeComponents(sum, lookup.model.common, commonComponents);
  return normalised(sum);
}

/** Subtracts the projection of `vector` on each of `count` unit rows of `components`. */
export function removeComponents(vector: Float64Array, components: Float32Array, count: number): void {
  const dimensions = vector.length;
  for (let k = 0; k < count; k++) {
    const base = k * dimensions;
    let dot = 0;
    for (let d = 0; d < dimensions; d++) dot += vector[d]! * components[base + d]!;
    for (let d = 0; d < dimensions; d++) vector[d]! -= dot * components[base + d]!;
  }
}

function normalised(vector: Float64Array): Float32Array {
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  const out = new Float32Array(vector.length);
  if (norm === 0) return out;
  for (let d = 0; d < vector.length; d++) out[d] = vector[d]! / norm;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Soft matching: each question word to its most similar clause word

/** How the soft-matching channel scores (tuned on the paraphrase DEV half and the retrieval set). */
export interface SoftMatchSettings {
  /** Word cosines at or below this count for nothing; above it a match counts (cos − t) / (1 − t); the word itself counts 1. */
  threshold: number;
  /** Weight of the lexicon's synonym expansions relative to a question word; only the best-matching one counts. */
  expansionWeight: number;
  /** SIF smoothing of the word weights (rare words count more), as for text vectors. */
  sifA: number;
}

export const DEFAULT_SOFT_MATCH_SETTINGS: SoftMatchSettings = {
  threshold: 0.3,
  expansionWeight: 0.45,
  sifA: DEFAULT_TEXT_VECTOR_SETTINGS.sifA,
};

/** Norms of the model's rows (int8 × scale), computed once per model. */
const rowNormsCache = new WeakMap<WordVectorModel, Float32Array>();
function rowNorms(model: WordVectorModel): Float32Array {
  let norms = rowNormsCache.get(model);
  if (norms) return norms;
  const { dimensions } = model.header;
  const rows = model.header.words + model.header.characters;
  norms = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let d = 0; d < dimensions; d++) sum += model.vectors[r * dimensions + d]! ** 2;
    norms[r] = Math.sqrt(sum) * model.scales[r]!;
  }
  rowNormsCache.set(model, norms);
  return norms;
}

/** Options of `createSoftMatcher`. */
export interface SoftMatcherOptions {
  lookup: WordVectorLookup;
  /** Neighbour lists computed from the same model (checked by checksum). */
  neighbours: WordNeighbours;
  tokenizer: Pick<Tokenizer, 'words'>;
  /** The clause texts, in the retriever's clause order. */
  texts: readonly string[];
  settings?: Partial<SoftMatchSettings>;
  /** How text vectors are composed for `similarity` (default `DEFAULT_TEXT_VECTOR_SETTINGS`). */
  textSettings?: Partial<TextVectorSettings>;
}

/** Up to this many clauses the soft matcher also keeps clause text vectors (a question then costs n × dimensions). */
export const SOFT_MATCH_TEXT_VECTOR_LIMIT = 4096;

/**
 * The soft-matching channel (a max-similarity score, as BERTScore computes it, over word vectors): a question word
 * matches a clause through the clause word most similar to it, found in the precomputed neighbour lists, so a
 * question costs a few look-ups per word instead of a comparison with every word of the base. Words of a clause that
 * the model never saw (long compounds: 小微企业园) get the mean vector of their characters and are linked, when
 * the index is built, to the words near them among their characters' neighbours; so are such words of a question.
 */
export function createSoftMatcher(options: SoftMatcherOptions): SoftMatcher {
  return createSoftMatcher_(options);
}

function createSoftMatcher_(options: SoftMatcherOptions): SoftMatcher {
  const { lookup, neighbours, tokenizer } = options;
  const { model } = lookup;
  if (neighbours.header.vectorsChecksum !== model.checksum)
    throw new KnowledgeError('index_corrupt', 'word neighbour lists were computed from another word vector model');
  const settings: SoftMatchSettings = { ...DEFAULT_SOFT_MATCH_SETTINGS, ...options.settings };
  const { threshold } = settings;
  const { dimensions } = model.header;
  const { perRow } = neighbours.header;
  const norms = rowNorms(model);
  const n = options.texts.length;

  // Clause vocabulary and postings: local word id → the clauses that contain it.
  const vocabulary = new Map<string, number>();
  const lists: number[][] = [];
  options.texts.forEach((text, clause) => {
    for (const word of new Set(tokenizer.words(normaliseInput(text)))) {
      let id = vocabulary.get(word);
      if (id === undefined) {
        id = lists.length;
        vocabulary.set(word, id);
        lists.push([]);
      }
      lists[id]!.push(clause);
    }
  });
  // Clause text vectors, for the whole-text cosine (`similarity`).
  const textSettings: TextVectorSettings = { ...DEFAULT_TEXT_VECTOR_SETTINGS, ...options.textSettings };
  const clauseVectors = n <= SOFT_MATCH_TEXT_VECTOR_LIMIT ? new Float32Array(n * dimensions) : undefined;
  if (clauseVectors)
    options.texts.forEach((text, clause) =>
      clauseVectors.set(textVector(lookup, tokenizer.words(normaliseInput(text)), textSettings), clause * dimensions),
    );
  const postingsStart = new Uint32Array(lists.length + 1);
  lists.forEach((list, id) => (postingsStart[id + 1] = postingsStart[id]! + list.length));
  const postings = new Uint32Array(postingsStart[lists.length]!);
  lists.forEach((list, id) => postings.set(list, postingsStart[id]!));

  /** The unit vector of a word the model never saw (its characters' mean), or undefined. */
  const unknownWordVector = (word: string): Float64Array | undefined => {
    const sum = new Float64Array(dimensions);
    if (!lookup.addWord(sum, word, 1)) return undefined;
    let norm = 0;
    for (const v of sum) norm += v * v;
    norm = Math.sqrt(norm);
    if (norm === 0) return undefined;
    for (let d = 0; d < dimensions; d++) sum[d]! /= norm;
    return sum;
  };
  /** Word rows near a word the model never saw: its characters' neighbours, kept when close to its own vector. */
  const unknownWordNeighbours = (word: string): { row: number; similarity: number }[] => {
    const vector = unknownWordVector(word);
    if (!vector) return [];
    const candidates = new Set<number>();
    for (const character of new Set(word)) {
      const row = lookup.characterRow(character);
      if (row === undefined) continue;
      for (let slot = row * perRow; slot < (row + 1) * perRow; slot++) {
        const id = neighbours.ids[slot]!;
        if (id === NO_NEIGHBOUR) break;
        candidates.add(id);
      }
    }
    const out: { row: number; similarity: number }[] = [];
    for (const row of candidates) {
      let dot = 0;
      const base = row * dimensions;
      for (let d = 0; d < dimensions; d++) dot += vector[d]! * model.vectors[base + d]!;
      const similarity = (dot * model.scales[row]!) / (norms[row] || 1);
      if (similarity > threshold) out.push({ row, similarity });
    }
    return out;
  };

  // Model word row → local id; and, for clause words the model never saw, the word rows they are near.
  const localOfRow = new Map<number, number>();
  const nearUnknown = new Map<number, { id: number; similarity: number }[]>();
  for (const [word, id] of vocabulary) {
    const row = lookup.wordRow(word);
    if (row !== undefined) {
      localOfRow.set(row, id);
      continue;
    }
    for (const { row: near, similarity } of unknownWordNeighbours(word)) {
      let list = nearUnknown.get(near);
      if (!list) nearUnknown.set(near, (list = []));
      list.push({ id, similarity });
    }
  }

  /** The clause words a question word matches, with the strength of each match in (0, 1]. */
  const matchesOf = (word: string): { id: number; strength: number }[] => {
    const best = new Map<number, number>();
    const add = (id: number, similarity: number) => {
      const strength = similarity >= 1 ? 1 : (similarity - threshold) / (1 - threshold);
      if (strength > 0 && strength > (best.get(id) ?? 0)) best.set(id, strength);
    };
    const own = vocabulary.get(word);
    if (own !== undefined) add(own, 1);
    const row = lookup.wordRow(word);
    if (row !== undefined) {
      for (let slot = row * perRow; slot < (row + 1) * perRow; slot++) {
        const id = neighbours.ids[slot]!;
        if (id === NO_NEIGHBOUR) break;
        const local = localOfRow.get(id);
        if (local !== undefined) add(local, neighbourSimilarity(neighbours, neighbours.similarities[slot]!));
      }
      for (const { id, similarity } of nearUnknown.get(row) ?? []) add(id, similarity);
    } else {
      for (const { row: near, similarity } of unknownWordNeighbours(word)) {
        const local = localOfRow.get(near);
        if (local !== undefined) add(local, similarity);
      }
    }
    return [...best].map(([id, strength]) => ({ id, strength }));
  };
  // Questions repeat words (企业, 补贴) and every lexicon group expands to the same variants.
  const recent = new Map<string, { id: number; strength: number }[]>();
  const cachedMatches = (word: string) => {
    let found = recent.get(word);
    if (found) return found;
    found = matchesOf(word);
    if (recent.size >= 4096) recent.delete(recent.keys().next().value!);
    recent.set(word, found);
    return found;
  };

  const strongest = new Float64Array(n);
  const touched: number[] = [];
  /** Per clause, the strongest match of one word (into `strongest`, clauses listed in `touched`). */
  const matchWord = (word: string) => {
    touched.length = 0;
    for (const { id, strength } of cachedMatches(word)) {
      for (let p = postingsStart[id]!; p < postingsStart[id + 1]!; p++) {
        const clause = postings[p]!;
        if (strongest[clause] === 0) touched.push(clause);
        if (strength > strongest[clause]!) strongest[clause] = strength;
      }
    }
  };

  return {
    size: n,
    score(words, expansions = []) {
      const scores = new Float64Array(n);
      const unique = [...new Set(words)];
      let total = 0;
      for (const word of unique) {
        const weight = lookup.weightOf(word, settings.sifA);
        total += weight;
        matchWord(word);
        for (const clause of touched) {
          scores[clause]! += weight * strongest[clause]!;
          strongest[clause] = 0;
        }
      }
      if (total === 0) return scores;
      const pooled = new Map<number, number>();
      for (const word of new Set(expansions)) {
        if (unique.includes(word)) continue;
        const weight = settings.expansionWeight * lookup.weightOf(word, settings.sifA);
        matchWord(word);
        for (const clause of touched) {
          const value = weight * strongest[clause]!;
          if (value > (pooled.get(clause) ?? 0)) pooled.set(clause, value);
          strongest[clause] = 0;
        }
      }
      for (const [clause, value] of pooled) scores[clause]! += value;
      for (let c = 0; c < n; c++) scores[c] = Math.min(1, scores[c]! / total);
      return scores;
    },
    similarity(words) {
      if (!clauseVectors) return undefined;
      const question = textVector(lookup, words, textSettings);
      const out = new Float64Array(n);
      for (let c = 0; c < n; c++) {
        let dot = 0;
        const base = c * dimensions;
        for (let d = 0; d < dimensions; d++) dot += question[d]! * clauseVectors[base + d]!;
        out[c] = dot;
      }
      return out;
    },
  };
}

/** Options of `createWordVectorEmbedder`. */
export interface WordVectorEmbedderOptions {
  /** The knowledge base's tokenizer: the model was trained on the same jieba search-mode words. */
  tokenizer: Pick<Tokenizer, 'words'>;
  /** A decoded model, or a file to read; default: the shipped knowledge/models/law-word-vectors.bin. */
  model?: WordVectorModel | string;
  /** Overrides of the text-vector composition (default `DEFAULT_TEXT_VECTOR_SETTINGS`). */
  settings?: Partial<TextVectorSettings>;
  /**
   * An embedder to combine with: its unit vector and the word vector are concatenated, scaled by √share and
   * √(1 − share), so the cosine of two texts is share × the base's cosine + (1 − share) × the word vectors'.
   * The local embedder is the natural base: it knows exact words and the lexicon's synonym groups, which the
   * corpus-trained vectors blur, while they know what its hashing cannot (国外 ≈ 境外, 补贴 ≈ 补助).
   * `share` defaults to `RECOMMENDED_BASE_SHARE`.
   */
  base?: { embedder: Embedder; share?: number };
  /** Weight of the vector list in reciprocal rank fusion; default `WORD_VECTOR_FUSION_WEIGHT`. */
  fusionWeight?: number;
  /**
   * Neighbour lists for the soft-matching channel (`createSoftMatcher`): decoded lists, a file, or false for
   * none. Default: the shipped knowledge/models/law-word-neighbours.bin when it exists and was computed from
   * this model; otherwise the embedder offers no soft matching and the retriever fuses as before.
   */
  neighbours?: WordNeighbours | string | false;
  /** Overrides of the soft-matching settings. */
  softMatch?: Partial<SoftMatchSettings>;
}

/** Decoded neighbour files by path: every knowledge base (and every embedder made for one) shares them. */
const neighbourFiles = new Map<string, WordNeighbours | undefined>();

/** The neighbour lists to use for `model`, or undefined when there are none that fit it. */
function neighboursFor(model: WordVectorModel, option: WordVectorEmbedderOptions['neighbours']): WordNeighbours | undefined {
  if (option === false) return undefined;
  if (typeof option === 'object') return option;
  const file = option ?? DEFAULT_WORD_NEIGHBOURS_FILE;
  if (!neighbourFiles.has(file)) {
    // The default file is optional (the channel is an addition); a file named explicitly must be readable.
    neighbourFiles.set(file, option === undefined && !existsSync(file) ? undefined : readWordNeighbours(file));
  }
  const found = neighbourFiles.get(file);
  return found && found.header.vectorsChecksum === model.checksum ? found : undefined;
}

/**
 * Share of the base (local) embedder in a combined vector. Chosen on the paraphrase DEV half together with the
 * retrieval set (bench/paraphrase-retrieval.ts sweep): the point of highest DEV MRR inside the region where the
 * retrieval set loses nothing on any measure (shares 0.6–0.65 × fusion weights 0.6–0.7), rather than an
 * isolated better point; lower shares gain a little more on DEV and start to lose retrieval-set questions.
 */
export const RECOMMENDED_BASE_SHARE = 0.6;

/**
 * Fusion weights of the vector list (BM25 at 1, RRF k 10), measured the same way. Combined with the local
 * embedder, 0.7. Alone, the word vectors help paraphrases most at weight 1 but then cost retrieval-set
 * questions at any weight; 0.3, the local embedder's own weight, costs the fewest.
 */
export const WORD_VECTOR_FUSION_WEIGHT = { combined: 0.7, alone: 0.3 } as const;

/** Concatenates two vectors of unit length as [√share·a ; √(1 − share)·b]: unit again when both are. */
export function concatenateScaled(a: Float32Array, b: Float32Array, share: number): Float32Array {
  const out = new Float32Array(a.length + b.length);
  const wa = Math.sqrt(share);
  const wb = Math.sqrt(1 - share);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! * wa;
  for (let i = 0; i < b.length; i++) out[a.length + i] = b[i]! * wb;
  return out;
}

/**
 * An `Embedder` over the law word vectors, alone or combined with a base embedder (see `base`). On its own it
 * is dense and small (a few hundred dimensions) and has no clause limit; combined, the base's limit applies.
 */
export function createWordVectorEmbedder(options: WordVectorEmbedderOptions): Embedder {
  const model = typeof options.model === 'object' ? options.model : readWordVectors(options.model);
  const lookup = indexWordVectors(model);
  const settings: TextVectorSettings = { ...DEFAULT_TEXT_VECTOR_SETTINGS, ...options.settings };
  const vectorOf = (text: string) => textVector(lookup, options.tokenizer.words(normaliseInput(text)), settings);
  // The checksum covers every vector; the settings change how they are combined.
  const id = `law-word-vectors-${model.checksum.slice(0, 12)}-sif${settings.sifA}${settings.removeCommon ? '-common-removed' : ''}`;
  const { base } = options;
  // Loaded on first use: opening a base that is never searched, or whose id is all that is needed, reads nothing.
  const createSoftMatcher = (texts: readonly string[]): SoftMatcher | undefined => {
    const neighbours = neighboursFor(model, options.neighbours);
    if (!neighbours) return undefined;
    return createSoftMatcher_({
      lookup,
      neighbours,
      tokenizer: options.tokenizer,
      texts,
      textSettings: settings,
      ...(options.softMatch ? { settings: options.softMatch } : {}),
    });
  };
  if (!base) {
    const fusionWeight = options.fusionWeight ?? WORD_VECTOR_FUSION_WEIGHT.alone;
    return { id, dimensions: model.header.dimensions, fusionWeight, embed: async (texts) => texts.map(vectorOf), createSoftMatcher };
  }
  const share = base.share ?? RECOMMENDED_BASE_SHARE;
  if (!(share >= 0 && share <= 1)) throw new RangeError(`base share must be within [0, 1], got ${share}`);
  return {
    id: `${id}+${share}x${base.embedder.id}`,
    dimensions: base.embedder.dimensions + model.header.dimensions,
    fusionWeight: options.fusionWeight ?? WORD_VECTOR_FUSION_WEIGHT.combined,
    // The base's part of every vector is as costly to search as the base alone, so its clause limit still holds.
    ...(base.embedder.maxClauses === undefined ? {} : { maxClauses: base.embedder.maxClauses }),
    async embed(texts) {
      const baseVectors = await base.embedder.embed(texts);
      return texts.map((text, i) => concatenateScaled(baseVectors[i]!, vectorOf(text), share));
    },
    createSoftMatcher,
  };
}
