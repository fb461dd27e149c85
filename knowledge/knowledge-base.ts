import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveBaseFolder, type BaseFolder } from './base-folder.js';
import { KnowledgeError } from './errors.js';
import { buildBm25, loadBm25, type Bm25Data, type Bm25Index } from './index/bm25.js';
import { corpusIdf, createLocalEmbedder, type Embedder } from './index/embedder.js';
import { loadLexicon, type Lexicon } from './index/lexicon.js';
import { loadClauseRoles } from './index/clause-roles.js';
import { createRetriever, type Retriever, type RetrieverParts } from './index/retriever.js';
import { createWordVectorEmbedder, readWordVectors } from './index/word-vectors.js';
import { createTokenizer, type Tokenizer } from './index/tokenize.js';
import { buildVectorIndex, readVectorIndex, type VectorIndex } from './index/vector-index.js';
import { loadSources } from './pipeline/sources.js';
import { checkRuleConstants } from './rules/constants-check.js';
import { loadRuleSets } from './rules/load-rules.js';
import type { RuleSet } from './rules/rules-schema.js';
import type { Clause, CleaningReport, DocumentMeta, PolicyDocument } from './types.js';

/** Bumped whenever the on-disk layout or the way clauses are indexed changes. */
export const INDEX_FORMAT_VERSION = 3;

export interface KnowledgeBase {
  /** The folder this base was read from. */
  readonly base: BaseFolder;
  /** The award rules of the base's documents, each checked against the clause it cites. */
  readonly ruleSets: RuleSet[];
  /** The base's words, synonyms, places and English terms. */
  readonly lexicon: Lexicon;
  /** How the advisor names itself to callers of this base. */
  readonly assistantName: string;
  /** Sample questions and search terms the console offers for this base. */
  readonly examples: { questions: string[]; searchTerms: string[] };
  readonly documents: PolicyDocument[];
  readonly clauses: Clause[];
  readonly reports: CleaningReport[];
  readonly primaryDocId: string;
  readonly retriever: Retriever;
  /** A retriever over the same index with other settings (fusion weights, without vectors or clause roles), for comparisons. */
  retrieverWith(settings: { fusion?: RetrieverParts['fusion']; vectors?: boolean; roles?: boolean }): Retriever;
  readonly tokenizer: Tokenizer;
  readonly embedderId: string;
  /** How the index was obtained this time, for logs and `/readyz`. */
  readonly origin: 'loaded' | 'built';
  readonly inputsHash: string;
  /** True when a segmenter word occurs anywhere in the knowledge base (for telling off-topic questions). */
  knowsWord(word: string): boolean;
  /** How informative a term (word or `#bigram`) is in this base's clauses: its inverse document frequency; 0 when unseen. */
  idf(term: string): number;
  getDocument(docId: string): DocumentMeta | undefined;
  getClause(docId: string, clauseId: string): Clause | undefined;
  /** The clauses of the same document around one, in document order. */
  neighbours(docId: string, clauseId: string, radius?: number): Clause[];
}

export interface OpenKnowledgeOptions {
  /** The knowledge base folder, or its name under knowledge/bases; default: `KNOWLEDGE_BASE`, then the Zhengzhou base. */
  base?: string | BaseFolder;
  /** Where the built index is kept; default: the base's `dist/`. */
  distDir?: string;
  embedder?: Embedder;
  /** `if-stale` (default) rebuilds when the inputs changed or the index is unreadable; `never` fails instead. */
  rebuild?: 'if-stale' | 'always' | 'never';
  onProgress?: (event: { phase: 'parse' | 'bm25' | 'embed' | 'vectors' | 'write'; done: number; total: number }) => void;
  log?: (message: string) => void;
}

interface IndexManifest {
  formatVersion: number;
  inputsHash: string;
  embedderId: string;
  dimensions: number;
  builtAt: string;
  files: Record<string, string>;
}

interface StoredDocuments {
  documents: PolicyDocument[];
  reports: CleaningReport[];
  aliases: [string, string[]][];
  primaryDocId: string;
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Clause text as indexed: label, aliases, path and heading give look-ups by name a field to hit. */
export function indexableText(clause: Clause, meta?: DocumentMeta): string {
  return [
    meta?.shortTitle ?? '',
    clause.label,
    clause.aliases.join(' '),
    clause.path.join(' '),
    clause.heading,
    clause.heading,
    clause.text,
  ].join('\n');
}

/** Writes BM25 data in the index's on-disk layout (bm25.bin); benchmarks use it to measure the same files. */
export function writeBm25(file: string, data: Bm25Data): void {
  const header = Buffer.from(
    JSON.stringify({
      k1: data.k1,
      b: data.b,
      terms: data.terms,
      counts: [data.postingsStart.length, data.postingsDoc.length, data.docLength.length],
    }),
  );
  const lengths = Buffer.alloc(4);
  lengths.writeUInt32LE(header.length);
  const parts = [lengths, header, data.postingsStart, data.postingsDoc, data.docLength, data.postingsTf].map((p) =>
    Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength),
  );
  writeFileSync(file, Buffer.concat(parts));
}

function readBm25(file: string): Bm25Data {
  const buffer = readFileSync(file);
  const headerLength = buffer.readUInt32LE(0);
  const header = JSON.parse(buffer.subarray(4, 4 + headerLength).toString('utf8')) as {
    k1: number;
    b: number;
    terms: string[];
    counts: [number, number, number];
  };
  let offset = 4 + headerLength;
  const take = <T>(count: number, bytes: number, make: (b: ArrayBuffer) => T): T => {
    const copy = new ArrayBuffer(count * bytes);
    buffer.copy(Buffer.from(copy), 0, offset, offset + count * bytes);
    offset += count * bytes;
    return make(copy);
  };
  const [starts, postings, docs] = header.counts;
  const postingsStart = take(starts, 4, (b) => new Uint32Array(b));
  const postingsDoc = take(postings, 4, (b) => new Uint32Array(b));
  const docLength = take(docs, 4, (b) => new Uint32Array(b));
  const postingsTf = take(postings, 2, (b) => new Uint16Array(b));
  if (offset !== buffer.length) throw new Error(`bm25 index has ${buffer.length - offset} unexpected trailing bytes`);
  return { k1: header.k1, b: header.b, terms: header.terms, postingsStart, postingsDoc, postingsTf, docLength };
}

/** Builds the BM25 and vector indexes over clauses. Used by the knowledge base and the scale benchmarks. */
export async function indexClauses(
  clauses: Clause[],
  documents: Map<string, DocumentMeta>,
  tools: { tokenizer: Tokenizer; embedder: Embedder | ((bm25: Bm25Index) => Embedder) },
  onProgress?: OpenKnowledgeOptions['onProgress'],
): Promise<{ bm25: Bm25Index; vectors: VectorIndex; embedder: Embedder }> {
  const texts = clauses.map((c) => indexableText(c, documents.get(c.docId)));
  const bm25 = buildBm25(
    (function* () {
      for (let i = 0; i < texts.length; i++) {
        if (i % 500 === 0) onProgress?.({ phase: 'bm25', done: i, total: texts.length });
        yield tools.tokenizer.terms(texts[i]!);
      }
    })(),
  );
  // The local embedder weighs words by the IDF of these very clauses, so it is made once BM25 exists.
  const embedder = typeof tools.embedder === 'function' ? tools.embedder(bm25) : tools.embedder;
  const vectorsList: Float32Array[] = [];
  const batch = 256;
  const embedAll = embedder.maxClauses === undefined || texts.length <= embedder.maxClauses;
  for (let i = 0; embedAll && i < texts.length; i += batch) {
    onProgress?.({ phase: 'embed', done: i, total: texts.length });
    vectorsList.push(...(await embedder.embed(texts.slice(i, i + batch))));
  }
  onProgress?.({ phase: 'vectors', done: 0, total: texts.length });
  const vectors = buildVectorIndex(vectorsList, embedder.dimensions);
  return { bm25, vectors, embedder };
}

/**
 * Opens the knowledge base: loads the built index from `distDir` when it matches the sources, the
 * lexicon, the index format and the embedder; otherwise rebuilds and persists it.
 * It never serves from an index whose files fail their checksums.
 */
export async function openKnowledgeBase(options: OpenKnowledgeOptions = {}): Promise<KnowledgeBase> {
  const base = typeof options.base === 'object' ? options.base : resolveBaseFolder(options.base);
  const distDir = options.distDir ?? base.distDir;
  const lexicon: Lexicon = loadLexicon(base.lexiconFile);
  const tokenizer = createTokenizer(lexicon);
  // The embedded default: the local concept embedder combined with word vectors learned from the law corpus
  // (knowledge/models), so a question worded unlike its clause still lands near it (BENCHMARKS.md §3).
  const wordVectors = options.embedder ? undefined : readWordVectors();
  const defaultEmbedder = (idf: (word: string) => number | undefined): Embedder =>
    createWordVectorEmbedder({ tokenizer, model: wordVectors, base: { embedder: createLocalEmbedder({ tokenizer, lexicon, idf }) } });
  const embedderFor = (bm25: Bm25Index): Embedder => options.embedder ?? defaultEmbedder(corpusIdf(bm25));
  // The id only (it enters the inputs hash); the real default embedder needs the built BM25 index.
  const embedderId = options.embedder?.id ?? defaultEmbedder(() => undefined).id;
  const log = options.log ?? (() => {});
  const sources = loadSources(base, [`format:${INDEX_FORMAT_VERSION}`, `embedder:${embedderId}`]);
  const rebuild = options.rebuild ?? 'if-stale';

  const files = { documents: 'documents.json', bm25: 'bm25.bin', vectors: 'vectors.hnsw' };
  const manifestFile = path.join(distDir, 'index.json');

  const tryLoad = (): { stored: StoredDocuments; bm25: Bm25Index; vectors: VectorIndex } | string => {
    if (!existsSync(manifestFile)) return 'no built index';
    let manifest: IndexManifest;
    try {
      manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as IndexManifest;
    } catch {
      return 'index.json is unreadable';
    }
    if (manifest.formatVersion !== INDEX_FORMAT_VERSION) return `index format ${manifest.formatVersion}, expected ${INDEX_FORMAT_VERSION}`;
    if (manifest.inputsHash !== sources.inputsHash) return 'sources changed since the index was built';
    for (const name of Object.values(files)) {
      const file = path.join(distDir, name);
      if (!existsSync(file)) return `${name} is missing`;
      if (sha256(file) !== manifest.files[name]) return `${name} fails its checksum (truncated or modified)`;
    }
    try {
      const stored = JSON.parse(readFileSync(path.join(distDir, files.documents), 'utf8')) as StoredDocuments;
      const bm25 = loadBm25(readBm25(path.join(distDir, files.bm25)));
      const vectors = readVectorIndex(path.join(distDir, files.vectors), manifest.dimensions);
      return { stored, bm25, vectors };
    } catch (error) {
      return `index files unreadable: ${(error as Error).message}`;
    }
  };

  let origin: 'loaded' | 'built' = 'loaded';
  let loaded = rebuild === 'always' ? 'rebuild requested' : tryLoad();
  if (typeof loaded === 'string') {
    if (rebuild === 'never')
      throw new KnowledgeError('index_stale', `knowledge index in ${distDir} cannot be used: ${loaded}; run npm run knowledge:build`);
    log(`building knowledge index: ${loaded}`);
    origin = 'built';
    const stored: StoredDocuments = {
      documents: sources.documents,
      reports: sources.reports,
      aliases: [...sources.aliases],
      primaryDocId: sources.primaryDocId,
    };
    const clauses = stored.documents.flatMap((d) => d.clauses);
    const metas = new Map(stored.documents.map((d) => [d.meta.id, d.meta]));
    const { bm25, vectors, embedder } = await indexClauses(clauses, metas, { tokenizer, embedder: embedderFor }, options.onProgress);
    options.onProgress?.({ phase: 'write', done: 0, total: 1 });
    persist(distDir, files, stored, bm25, vectors, sources.inputsHash, embedder);
    loaded = { stored, bm25, vectors };
  }

  const { stored, bm25, vectors } = loaded;
  const embedder = embedderFor(bm25);
  const clauses = stored.documents.flatMap((d) => d.clauses);
  const aliases = new Map(stored.aliases);
  const parts: RetrieverParts = {
    documents: stored.documents,
    clauses,
    bm25,
    vectors,
    embedder,
    tokenizer,
    aliases,
    primaryDocId: stored.primaryDocId,
    // What each clause does (purpose, basis, effect, issuance), from the drafting formulas of its own text.
    roles: loadClauseRoles(),
  };
  const retriever = createRetriever(parts);
  const metaById = new Map(stored.documents.map((d) => [d.meta.id, d.meta]));
  // Nested maps: a look-up builds no key string (the advisor looks clauses up several times per answer).
  const clauseIndex = new Map<string, Map<string, Clause>>();
  for (const c of clauses) {
    let ofDocument = clauseIndex.get(c.docId);
    if (!ofDocument) clauseIndex.set(c.docId, (ofDocument = new Map()));
    ofDocument.set(c.id, c);
  }

  const ruleSets = loadRuleSets(base.rulesDir);
  const getClause = (docId: string, clauseId: string) => clauseIndex.get(docId)?.get(clauseId);
  const violations = ruleSets.flatMap((ruleSet) =>
    checkRuleConstants(ruleSet, getClause).map((v) => `${ruleSet.id} ${v.ruleId} ${v.path}: ${v.message}（${v.docId}:${v.clauseId}）`),
  );
  if (violations.length > 0) throw new KnowledgeError('rules_invalid', `award rules do not match their clauses: ${violations.join('; ')}`);

  return {
    base,
    ruleSets,
    lexicon,
    assistantName: sources.assistantName,
    examples: sources.examples,
    documents: stored.documents,
    clauses,
    reports: stored.reports,
    primaryDocId: stored.primaryDocId,
    retriever,
    retrieverWith: (settings) =>
      createRetriever({
        ...parts,
        fusion: settings.fusion ?? parts.fusion,
        ...(settings.vectors === false ? { vectors: undefined } : {}),
        ...(settings.roles === false ? { roles: undefined } : {}),
      }),
    tokenizer,
    embedderId: embedder.id,
    origin,
    inputsHash: sources.inputsHash,
    knowsWord: (word) => bm25.has(word),
    idf: (term) => {
      const df = bm25.documentFrequency(term);
      return df === 0 ? 0 : Math.log(1 + (bm25.size - df + 0.5) / (df + 0.5));
    },
    getDocument: (docId) => metaById.get(docId),
    getClause,
    neighbours(docId, clauseId, radius = 1) {
      const document = stored.documents.find((d) => d.meta.id === docId);
      if (!document) return [];
      const at = document.clauses.findIndex((c) => c.id === clauseId);
      if (at < 0) return [];
      return document.clauses.slice(Math.max(0, at - radius), at + radius + 1);
    },
  };
}

function persist(
  distDir: string,
  files: Record<'documents' | 'bm25' | 'vectors', string>,
  stored: StoredDocuments,
  bm25: Bm25Index,
  vectors: VectorIndex,
  inputsHash: string,
  embedder: Embedder,
): void {
  // Write into a fresh folder and swap it in, so a crash mid-write never leaves a half index behind.
  const staging = `${distDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(path.join(staging, files.documents), JSON.stringify(stored));
  writeBm25(path.join(staging, files.bm25), bm25.data());
  vectors.write(path.join(staging, files.vectors));
  const manifest: IndexManifest = {
    formatVersion: INDEX_FORMAT_VERSION,
    inputsHash,
    embedderId: embedder.id,
    dimensions: embedder.dimensions,
    builtAt: new Date().toISOString(),
    files: Object.fromEntries(Object.values(files).map((name) => [name, sha256(path.join(staging, name))])),
  };
  writeFileSync(path.join(staging, 'index.json'), JSON.stringify(manifest, null, 2));
  rmSync(distDir, { recursive: true, force: true });
  mkdirSync(path.dirname(distDir), { recursive: true });
  try {
    renameSync(staging, distDir);
  } catch {
    // Another process built the same index at the same moment and won the rename; its copy is as good.
    rmSync(staging, { recursive: true, force: true });
  }
}
