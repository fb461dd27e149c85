/**
 * The advisor's own index over any set of documents, built with the product's code (`indexClauses`,
 * `createRetriever`) and written to disk in the product's layout, so the benchmarks measure what
 * `npm start` would build and load for a library of that size.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { baseFolder, DEFAULT_BASE_DIR } from '../../knowledge/base-folder.js';
import { indexClauses, writeBm25 } from '../../knowledge/knowledge-base.js';
import { corpusIdf, createLocalEmbedder } from '../../knowledge/index/embedder.js';
import { loadLexicon } from '../../knowledge/index/lexicon.js';
import { createRetriever, type Retriever } from '../../knowledge/index/retriever.js';
import { createTokenizer } from '../../knowledge/index/tokenize.js';
import type { PolicyDocument } from '../../knowledge/types.js';
import { type PeakMemory } from './measure.js';

export interface AdvisorBuild {
  hybrid: Retriever;
  bm25Only: Retriever;
  clauses: number;
  /** Milliseconds per phase: setup (segmenter and lexicon), bm25 (segmenting + postings), embed, vectors (HNSW inserts), write. */
  phasesMs: Record<'setup' | 'bm25' | 'embed' | 'vectors' | 'write', number>;
  buildMs: number;
  files: Record<'documents' | 'bm25' | 'vectors', number>;
  indexBytes: number;
  dir: string;
  dispose(): void;
}

export async function buildAdvisorIndex(
  documents: PolicyDocument[],
  options: {
    aliases?: Map<string, string[]>;
    primaryDocId?: string;
    peak?: PeakMemory;
    onPhase?: (phase: string, done: number, total: number) => void;
  } = {},
): Promise<AdvisorBuild> {
  const phasesMs = { setup: 0, bm25: 0, embed: 0, vectors: 0, write: 0 };
  const started = performance.now();
  let mark = started;
  let phase: keyof typeof phasesMs = 'setup';
  const enter = (next: keyof typeof phasesMs) => {
    const now = performance.now();
    phasesMs[phase] += now - mark;
    mark = now;
    phase = next;
    options.peak?.sample();
  };

  const lexicon = loadLexicon(baseFolder(DEFAULT_BASE_DIR).lexiconFile);
  const tokenizer = createTokenizer(lexicon);
  const clauses = documents.flatMap((d) => d.clauses);
  const metas = new Map(documents.map((d) => [d.meta.id, d.meta]));
  enter('bm25');
  // As openKnowledgeBase does: the local embedder weighs words by the IDF of these clauses, so BM25 comes first.
  const embedderFor = (index: Parameters<typeof corpusIdf>[0]) => createLocalEmbedder({ tokenizer, lexicon, idf: corpusIdf(index) });
  const { bm25, vectors, embedder } = await indexClauses(clauses, metas, { tokenizer, embedder: embedderFor }, (event) => {
    if (event.phase !== phase && (event.phase === 'embed' || event.phase === 'vectors')) enter(event.phase);
    options.peak?.sample();
    options.onPhase?.(event.phase, event.done, event.total);
  });
  enter('write');
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-advisor-'));
  const files = { documents: path.join(dir, 'documents.json'), bm25: path.join(dir, 'bm25.bin'), vectors: path.join(dir, 'vectors.hnsw') };
  const aliases =
    options.aliases ?? new Map(documents.map((d) => [d.meta.id, [d.meta.title, ...(d.meta.shortTitle ? [d.meta.shortTitle] : [])]]));
  const primaryDocId = options.primaryDocId ?? documents[0]?.meta.id ?? '';
  writeFileSync(files.documents, JSON.stringify({ documents, reports: [], aliases: [...aliases], primaryDocId }));
  writeBm25(files.bm25, bm25.data());
  vectors.write(files.vectors);
  enter('write');
  const buildMs = performance.now() - started;
  const sizes = { documents: statSync(files.documents).size, bm25: statSync(files.bm25).size, vectors: statSync(files.vectors).size };

  const parts = { documents, clauses, bm25, vectors, embedder, tokenizer, aliases, primaryDocId };
  return {
    hybrid: createRetriever(parts),
    bm25Only: createRetriever({ ...parts, vectors: undefined }),
    clauses: clauses.length,
    phasesMs,
    buildMs,
    files: sizes,
    indexBytes: sizes.bm25 + sizes.vectors,
    dir,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
