import { idf } from '@node-rs/jieba/dict.js';
import { KnowledgeError } from '../errors.js';
import type { Lexicon } from './lexicon.js';
import type { Tokenizer } from './tokenize.js';
import { normaliseInput } from '../text/normalise.js';

/** Turns texts into vectors for the vector index. `id` changes whenever vectors would change. */
export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  /**
   * Weight of this embedder's ranked list in reciprocal rank fusion. The local embedder is lexical at heart
   * and gets a low weight (measured on the retrieval set, see BENCHMARKS.md); a real embedding model, full weight.
   */
  readonly fusionWeight: number;
  /**
   * Above this many clauses the vector index is not built. The local embedder is lexical at heart: on the
   * 150,000-clause law corpus its HNSW search cost p95 571 ms against 30 ms for BM25 (BENCHMARKS.md §3),
   * for +0.006 MRR on the retrieval set. A real embedding model has no limit.
   */
  readonly maxClauses?: number;
  embed(texts: string[]): Promise<Float32Array[]>;
  /**
   * A soft-matching channel over these clause texts, for embedders that know word similarities (the law word
   * vectors): each question word matched to its most similar clause word. Undefined when the embedder has none
   * or its data is missing; the retriever then fuses BM25 and vectors as before.
   */
  createSoftMatcher?(texts: readonly string[]): SoftMatcher | undefined;
}

/** Word-level soft matching of a question against fixed clause texts (see `Embedder.createSoftMatcher`). */
export interface SoftMatcher {
  /** How many clauses it scores. */
  readonly size: number;
  /**
   * Per clause, in 0..1: the weighted share of the question's words the clause matches, each word by its most
   * similar clause word (1 for the word itself, its cosine above a threshold for a similar one, rescaled).
   * `expansions` (synonyms of the question's words) can only add: the best-matching one counts, at a lower weight.
   */
  score(words: readonly string[], expansions?: readonly string[]): Float64Array;
  /**
   * Per clause, the cosine of the question's text vector with the clause's, both composed from the same word
   * vectors (unlike `score`, a whole-text comparison); undefined when the matcher keeps no clause vectors.
   */
  similarity?(words: readonly string[]): Float64Array | undefined;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

let generalIdf: Map<string, number> | undefined;

/** jieba's general-Chinese IDF table (shipped with the segmenter): how informative a word is in ordinary text. */
function loadGeneralIdf(): Map<string, number> {
  if (generalIdf) return generalIdf;
  generalIdf = new Map();
  for (const line of Buffer.from(idf).toString('utf8').split('\n')) {
    const space = line.lastIndexOf(' ');
    if (space > 0) generalIdf.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return generalIdf;
}

export interface LocalEmbedderOptions {
  tokenizer: Tokenizer;
  lexicon: Pick<Lexicon, 'words' | 'synonyms'>;
  dimensions?: number;
  /**
   * How informative a word is. The knowledge base passes the IDF of its own clauses; without it the
   * segmenter's general-Chinese table is used (35 MB of heap for 270,000 words).
   */
  idf?: (word: string) => number | undefined;
}

/** IDF of the indexed clauses themselves, for the local embedder. */
export function corpusIdf(documents: { size: number; documentFrequency(term: string): number }): (word: string) => number | undefined {
  return (word) => {
    const df = documents.documentFrequency(word);
    return df === 0 ? undefined : Math.log(1 + (documents.size - df + 0.5) / (df + 0.5)) * 3;
  };
}

/**
 * The embedded default: a bag-of-concepts vector, feature-hashed. Words are weighted by their IDF
 * (so 创客 outweighs 企业), and every synonym group a text touches adds one shared concept feature,
 * so 补贴 and 奖励, or 小巨人 and 国家级专精特新, land near each other. Runs locally, downloads nothing, and
 * gives the same vector for the same text on every machine.
 */
export function createLocalEmbedder(options: LocalEmbedderOptions): Embedder {
  const dimensions = options.dimensions ?? 1024;
  const idfOf = options.idf ?? ((word: string) => loadGeneralIdf().get(word));
  const unknownWordIdf = 11; // words missing from the table are rare, hence informative
  const groups = options.lexicon.synonyms.map((g) => g.map((v) => normaliseInput(v)));
  const vectorOf = (text: string): Float32Array => {
    const normalised = normaliseInput(text);
    const counts = new Map<string, number>();
    for (const word of options.tokenizer.words(normalised)) counts.set(word, (counts.get(word) ?? 0) + 1);
    const weights = new Map<string, number>();
    for (const [word, count] of counts) weights.set(word, (1 + Math.log(count)) * (idfOf(word) ?? unknownWordIdf));
    groups.forEach((group, i) => {
      const hits = group.filter((variant) => normalised.includes(variant)).length;
      if (hits > 0) weights.set(`@synonym-group-${i}`, 10 * (1 + Math.log(hits)));
    });
    const vector = new Float32Array(dimensions);
    for (const [feature, weight] of weights) {
      const hash = fnv1a(feature);
      const sign = hash & 0x80000000 ? -1 : 1;
      vector[hash % dimensions]! += sign * weight;
    }
    let norm = 0;
    for (const v of vector) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < dimensions; i++) vector[i]! /= norm;
    return vector;
  };
  return {
    id: `local-concepts-v3-${dimensions}${options.idf ? '-corpus-idf' : ''}`,
    dimensions,
    fusionWeight: 0.3,
    maxClauses: 20_000,
    embed: async (texts) => texts.map(vectorOf),
  };
}

export interface OpenAiEmbedderOptions {
  baseURL: string;
  model: string;
  apiKey?: string;
  /** Vector size the endpoint returns (bge-m3: 1024). */
  dimensions: number;
  batchSize?: number;
  timeoutMs?: number;
}

/**
 * Any OpenAI-compatible embeddings endpoint (bge-m3 behind Ollama, vLLM, Xinference, DashScope…),
 * through LangChain's client.
 */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  // Loaded on first use: LangChain's client costs tens of MB and the embedded default never needs it.
  const client = import('@langchain/openai').then(
    ({ OpenAIEmbeddings }) =>
      new OpenAIEmbeddings({
        model: options.model,
        apiKey: options.apiKey ?? 'not-needed',
        batchSize: options.batchSize ?? 64,
        timeout: options.timeoutMs ?? 30_000,
        maxRetries: 2,
        configuration: { baseURL: options.baseURL },
      }),
  );
  return {
    id: `openai-compatible:${options.baseURL}:${options.model}:${options.dimensions}`,
    dimensions: options.dimensions,
    fusionWeight: 1,
    async embed(texts) {
      let vectors: number[][];
      try {
        vectors = await (await client).embedDocuments(texts);
      } catch (error) {
        throw new KnowledgeError('embedder_failed', `embeddings endpoint ${options.baseURL} failed: ${(error as Error).message}`);
      }
      return vectors.map((v) => {
        if (v.length !== options.dimensions) {
          throw new KnowledgeError(
            'embedder_failed',
            `embeddings endpoint returned ${v.length} dimensions, configured ${options.dimensions}`,
          );
        }
        return Float32Array.from(v);
      });
    },
  };
}
