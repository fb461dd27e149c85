/**
 * One engine, one library size, one process: builds the index, answers the query list, reports time and
 * memory as JSON. The benchmarks spawn one of these per measurement so that peak memory of one engine never
 * includes the other's.
 *
 *   node --expose-gc --import tsx bench/engine-worker.ts --engine advisor|fts5 --docs N --queries FILE --out FILE
 *        [--corpus DIR] [--with-default] [--passes 2]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { baseFolder, DEFAULT_BASE_DIR } from '../knowledge/base-folder.js';
import { indexableText } from '../knowledge/knowledge-base.js';
import { loadSources } from '../knowledge/pipeline/sources.js';
import type { PolicyDocument } from '../knowledge/types.js';
import { buildAdvisorIndex } from './lib/advisor.js';
import { corpusDirFromArgs, loadCorpus } from './lib/corpus.js';
import { buildFts5 } from './lib/fts5.js';
import {
  argFlag,
  argValue,
  collectGarbage,
  memoryNow,
  PeakMemory,
  summariseLatency,
  type LatencySummary,
  type MemorySnapshot,
} from './lib/measure.js';
import type { BenchQuery } from './lib/queries.js';

export type EngineName = 'advisor' | 'fts5';

export interface QueryRun {
  latency: LatencySummary;
  /** Top 10 of the first timed pass, `docId:clauseId`, in query order. */
  results: string[][];
  /** Per query, milliseconds of each pass. */
  samplesMs: number[][];
  /** FTS5 only: how many queries took the MATCH, LIKE fallback and empty paths. */
  modes?: Record<string, number>;
}

export interface WorkerResult {
  engine: EngineName;
  documents: number;
  corpusDocuments: number;
  clauses: number;
  corpusLoadMs: number;
  buildMs: number;
  phasesMs: Record<string, number>;
  indexBytes: number;
  files: Record<string, number>;
  memory: {
    /** After loading documents, before building (collected). */
    beforeBuild: MemorySnapshot;
    /** After building, collected: what the index keeps. */
    afterBuild: MemorySnapshot;
    /** Largest heap seen at progress points during the build (a lower bound). */
    peakHeapUsedBytes: number;
    /** OS peak resident set of the whole process (getrusage maxrss), including document loading and queries. */
    peakRssBytes: number;
    /** Peak RSS when the build ended, before queries ran. */
    peakRssAfterBuildBytes: number;
  };
  queries: Record<string, QueryRun>;
  /** Advisor only: per query, whether it names a document (the retriever then filters to that document). */
  namesDocument?: boolean[];
  gcExposed: boolean;
}

async function main(): Promise<void> {
  const engine = argValue('--engine') as EngineName;
  if (engine !== 'advisor' && engine !== 'fts5') throw new Error('--engine advisor|fts5');
  const docs = Number(argValue('--docs') ?? 'NaN');
  const queriesFile = argValue('--queries');
  const outFile = argValue('--out');
  if (!Number.isInteger(docs) || !queriesFile || !outFile) throw new Error('--docs N --queries FILE --out FILE are required');
  const passes = Number(argValue('--passes') ?? 1);
  const queries = JSON.parse(readFileSync(queriesFile, 'utf8')) as BenchQuery[];

  const corpus = loadCorpus({ dir: corpusDirFromArgs(), limit: docs, progress: process.stderr.isTTY });
  const documents: PolicyDocument[] = [];
  let aliases: Map<string, string[]> | undefined;
  let primaryDocId: string | undefined;
  if (argFlag('--with-default')) {
    // The advisor's own documents first, as the product would have them, then the library around them.
    const sources = loadSources(baseFolder(DEFAULT_BASE_DIR));
    documents.push(...sources.documents);
    aliases = new Map(sources.aliases);
    primaryDocId = sources.primaryDocId;
  }
  documents.push(...corpus.documents);
  if (aliases) for (const d of corpus.documents) aliases.set(d.meta.id, [d.meta.title, ...(d.meta.shortTitle ? [d.meta.shortTitle] : [])]);
  const clauses = documents.flatMap((d) => d.clauses);
  const metas = new Map(documents.map((d) => [d.meta.id, d.meta]));
  const key = (i: number) => `${clauses[i]!.docId}:${clauses[i]!.id}`;

  const gcExposed = collectGarbage();
  const beforeBuild = memoryNow();
  const peak = new PeakMemory();
  peak.sample();

  let buildMs: number;
  let phasesMs: Record<string, number>;
  let indexBytes: number;
  let files: Record<string, number>;
  let searchers: Record<string, (q: string) => Promise<{ ranked: string[]; mode?: string }>>;
  let dispose: () => void;
  let namesDocument: boolean[] | undefined;

  if (engine === 'advisor') {
    const bar =
      process.stderr.isTTY && clauses.length >= 2000
        ? new cliProgress.SingleBar(
            { format: 'advisor {phase} [{bar}] {value}/{total} clauses', hideCursor: true, stream: process.stderr },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
    bar?.start(clauses.length, 0, { phase: 'bm25' });
    const built = await buildAdvisorIndex(documents, {
      aliases,
      primaryDocId,
      peak,
      // HNSW inserts report no progress of their own: the bar waits at "vectors 0" until they are done.
      onPhase: (phase, done) => bar?.update(done, { phase }),
    });
    bar?.stop();
    ({ buildMs, phasesMs, indexBytes, files } = built);
    dispose = built.dispose;
    namesDocument = queries.map((q) => built.hybrid.documentsNamed(q.question).length > 0);
    const ids = (hits: Awaited<ReturnType<typeof built.hybrid.search>>) => hits.map((h) => `${h.clause.docId}:${h.clause.id}`);
    searchers = {
      hybrid: async (q) => ({ ranked: ids(await built.hybrid.search(q, { k: 10 })) }),
      bm25: async (q) => ({ ranked: ids(await built.bm25Only.search(q, { k: 10 })) }),
    };
  } else {
    const started = performance.now();
    const texts = clauses.map((c) => indexableText(c, metas.get(c.docId)));
    const fts = buildFts5(texts, { onProgress: () => peak.sample() });
    buildMs = performance.now() - started;
    const size = fts.size();
    phasesMs = { insertAndOptimize: buildMs };
    indexBytes = size.fileBytes;
    files = { database: size.fileBytes, ftsIndex: size.indexBytes, storedText: size.contentBytes, other: size.otherBytes };
    dispose = () => fts.dispose();
    searchers = {
      fts5: async (q) => {
        const hits = fts.search(q, 10);
        return { ranked: hits.map((h) => key(h.doc)), mode: fts.lastMode };
      },
    };
  }
  peak.sample();
  const peakRssAfterBuildBytes = PeakMemory.peakRssBytes();
  collectGarbage();
  const afterBuild = memoryNow();

  const runs: Record<string, QueryRun> = {};
  for (const [name, search] of Object.entries(searchers)) {
    for (const q of queries.slice(0, 10)) await search(q.question); // warm-up: JIT, statement cache, page cache
    const samplesMs: number[][] = queries.map(() => []);
    const results: string[][] = [];
    const modes: Record<string, number> = {};
    for (let pass = 0; pass < passes; pass++) {
      for (const [i, q] of queries.entries()) {
        const t = performance.now();
        const { ranked, mode } = await search(q.question);
        samplesMs[i]!.push(performance.now() - t);
        if (pass > 0) continue;
        results.push(ranked);
        if (mode) modes[mode] = (modes[mode] ?? 0) + 1;
      }
    }
    runs[name] = { latency: summariseLatency(samplesMs.flat()), results, samplesMs, ...(Object.keys(modes).length ? { modes } : {}) };
  }
  dispose();

  const result: WorkerResult = {
    engine,
    documents: documents.length,
    corpusDocuments: corpus.documents.length,
    clauses: clauses.length,
    corpusLoadMs: corpus.ms,
    buildMs,
    phasesMs,
    indexBytes,
    files,
    memory: {
      beforeBuild,
      afterBuild,
      peakHeapUsedBytes: peak.heapUsedBytes,
      peakRssBytes: PeakMemory.peakRssBytes(),
      peakRssAfterBuildBytes,
    },
    queries: runs,
    namesDocument,
    gcExposed,
  };
  writeFileSync(outFile, JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
