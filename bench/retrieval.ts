/**
 * Benchmark 3: the advisor's retrieval against a real engine, SQLite FTS5 with the trigram tokenizer.
 *
 *   npm run bench:retrieval [-- --corpus DIR] [--docs N] [--headings 100] [--passes 2] [--skip-corpus] [--profile]
 *
 * Part 1, the retrieval test set on the default knowledge base (in this process): recall@1/3/5 and MRR of
 * the hybrid retriever, its BM25-only variant and FTS5 over the same clause texts.
 * Part 2, the law corpus (3,475 documents) with the advisor's three documents among them: build time,
 * index size, memory and query latency of each engine, each in its own child process, over the same query
 * list (the test set's questions plus generated heading questions); also the recall each keeps at that size.
 * Results: a table on stdout, JSON in bench/results/retrieval.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadRetrievalSet, scoreRetrieval, type RetrievalQuestion, type RetrievalScores } from '../eval/retrieval/retrieval-set.js';
import { indexableText, openKnowledgeBase } from '../knowledge/knowledge-base.js';
import type { QueryRun, WorkerResult } from './engine-worker.js';
import { corpusDirFromArgs, loadCorpus, REPO_ROOT } from './lib/corpus.js';
import { buildFts5 } from './lib/fts5.js';
import { argFlag, argValue, formatTable, mb, ms, pct, summariseLatency, type LatencySummary } from './lib/measure.js';
import { benchQueries, type BenchQuery } from './lib/queries.js';
import { runInfo, writeResult } from './lib/report.js';
import { runEngineWorker } from './lib/worker.js';

type Ranked = { docId: string; clauseId: string }[];

interface EngineScore {
  engine: string;
  scores: Omit<RetrievalScores, 'misses'>;
  misses: RetrievalScores['misses'];
  latency: LatencySummary;
}

const RECALL_MARGIN_TARGET = 0.1;
const P95_RATIO_TARGET = 2;
const TEST_SET_PASSES = 5;

const toRanked = (keys: string[]): Ranked =>
  keys.map((k) => {
    const at = k.indexOf(':');
    return { docId: k.slice(0, at), clauseId: k.slice(at + 1) };
  });

async function scoreTimed(engine: string, questions: RetrievalQuestion[], search: (q: string) => Promise<Ranked>): Promise<EngineScore> {
  const samples: number[] = [];
  for (const q of questions.slice(0, 10)) await search(q.question); // warm-up
  const timed = async (q: string) => {
    const t = performance.now();
    const ranked = await search(q);
    samples.push(performance.now() - t);
    return ranked;
  };
  const { misses, ...scores } = await scoreRetrieval(questions, timed);
  // Sub-millisecond timings of 106 questions are noisy; more passes steady the percentiles.
  for (let pass = 1; pass < TEST_SET_PASSES; pass++) for (const q of questions) await timed(q.question);
  return { engine, scores, misses, latency: summariseLatency(samples) };
}

async function testSet(): Promise<{ questions: number; engines: EngineScore[]; fts5Modes: Record<string, number> }> {
  const questions = loadRetrievalSet();
  const distDir = mkdtempSync(path.join(tmpdir(), 'bench-kb-'));
  try {
    const kb = await openKnowledgeBase({ distDir });
    const texts = kb.clauses.map((c) => indexableText(c, kb.getDocument(c.docId)));
    const fts = buildFts5(texts);
    const bm25Only = kb.retrieverWith({ vectors: false });
    const fromHits = (hits: Awaited<ReturnType<typeof kb.retriever.search>>): Ranked =>
      hits.map((h) => ({ docId: h.clause.docId, clauseId: h.clause.id }));
    const fromFts =
      (raw: boolean) =>
      async (q: string): Promise<Ranked> =>
        fts.search(q, 10, { raw }).map((h) => ({ docId: kb.clauses[h.doc]!.docId, clauseId: kb.clauses[h.doc]!.id }));
    const fts5Modes: Record<string, number> = {};
    for (const q of questions) {
      const hits = fts.search(q.question, 10);
      fts5Modes[fts.lastMode] = (fts5Modes[fts.lastMode] ?? 0) + 1;
      if (hits.length === 0) fts5Modes['no result'] = (fts5Modes['no result'] ?? 0) + 1;
    }
    const engines = [
      await scoreTimed('advisor hybrid (BM25+vectors+RRF)', questions, async (q) => fromHits(await kb.retriever.search(q, { k: 10 }))),
      await scoreTimed('advisor BM25 only', questions, async (q) => fromHits(await bm25Only.search(q, { k: 10 }))),
      await scoreTimed('FTS5 trigram', questions, fromFts(false)),
      await scoreTimed('FTS5 trigram, raw question', questions, fromFts(true)),
    ];
    fts.dispose();
    return { questions: questions.length, engines, fts5Modes };
  } finally {
    rmSync(distDir, { recursive: true, force: true });
  }
}

function scoreFromWorker(queries: BenchQuery[], results: string[][], source: BenchQuery['source']) {
  const byQuestion = new Map<string, Ranked>();
  queries.forEach((q, i) => byQuestion.set(q.question, toRanked(results[i]!)));
  const subset: RetrievalQuestion[] = queries
    .filter((q) => q.source === source)
    .map((q) => ({ id: q.id, question: q.question, expect: q.expect, style: 'colloquial' }));
  return scoreRetrieval(subset, async (q) => byQuestion.get(q) ?? []);
}

function engineRows(result: WorkerResult) {
  return Object.entries(result.queries).map(([name, run]) => ({ name: name === 'fts5' ? 'FTS5 trigram' : `advisor ${name}`, run }));
}

async function main(): Promise<void> {
  const corpusDir = corpusDirFromArgs();
  const passes = Number(argValue('--passes') ?? 2);
  const headings = Number(argValue('--headings') ?? 100);
  const profileDir = argFlag('--profile') ? path.join(REPO_ROOT, 'bench/results/profiles') : undefined;
  const started = performance.now();

  console.log('== Retrieval test set (default knowledge base) ==');
  const set = await testSet();
  console.log(
    formatTable(
      ['engine', 'recall@1', 'recall@3', 'recall@5', 'MRR', 'p50 ms', 'p95 ms'],
      set.engines.map((e) => [
        e.engine,
        pct(e.scores.recallAt1),
        pct(e.scores.recallAt3),
        pct(e.scores.recallAt5),
        e.scores.mrr.toFixed(3),
        ms(e.latency.p50Ms),
        ms(e.latency.p95Ms),
      ]),
    ),
  );
  const hybrid = set.engines[0]!;
  const fts = set.engines[2]!;
  const recallMargin = hybrid.scores.recallAt5 - fts.scores.recallAt5;
  console.log(
    `${set.questions} questions; FTS5 query paths: ${Object.entries(set.fts5Modes)
      .map(([m, n]) => `${m} ${n}`)
      .join(', ')}`,
  );
  console.log(
    `target recall@5 ≥ FTS5 + ${pct(RECALL_MARGIN_TARGET)} points: ${pct(hybrid.scores.recallAt5)} vs ${pct(fts.scores.recallAt5)} (+${pct(recallMargin)}) → ${recallMargin >= RECALL_MARGIN_TARGET - 1e-9 ? 'MET' : 'MISSED'}`,
  );

  let corpusPart: Record<string, unknown> | undefined;
  if (!argFlag('--skip-corpus')) {
    console.log(`\n== Law corpus (${corpusDir}) ==`);
    const limit = argValue('--docs') ? Number(argValue('--docs')) : undefined;
    const corpus = loadCorpus({ dir: corpusDir, limit });
    console.log(
      `parsed ${corpus.documents.length} documents (${mb(corpus.bytes)} MB Markdown) into ${corpus.clauses} clauses in ${(corpus.ms / 1000).toFixed(1)} s` +
        ` (${(corpus.documents.length / (corpus.ms / 1000)).toFixed(0)} docs/s)${corpus.failures.length ? `; ${corpus.failures.length} failed` : ''}`,
    );
    const queries = benchQueries(corpus.documents, headings);
    const docs = corpus.documents.length + corpus.failures.length;
    console.log(
      `${queries.length} queries (${queries.filter((q) => q.source === 'retrieval-set').length} from the test set, ${queries.filter((q) => q.source === 'corpus-heading').length} from article headings), ${passes} timed passes`,
    );
    console.log('building the advisor index (own process)…');
    const advisor = await runEngineWorker({ engine: 'advisor', docs, corpusDir, queries, withDefault: true, passes, profileDir });
    console.log('building the FTS5 index (own process)…');
    const fts5 = await runEngineWorker({ engine: 'fts5', docs, corpusDir, queries, withDefault: true, passes, profileDir });

    const build = (r: WorkerResult, name: string, indexNote: string) => [
      name,
      (r.buildMs / 1000).toFixed(1),
      r.clauses,
      (r.documents / (r.buildMs / 1000)).toFixed(1),
      mb(r.indexBytes),
      indexNote,
      mb(r.memory.peakRssBytes),
      mb(r.memory.peakRssBytes - r.memory.beforeBuild.rssBytes),
      mb(r.memory.peakHeapUsedBytes),
      mb(r.memory.afterBuild.heapUsedBytes + r.memory.afterBuild.externalBytes),
    ];
    console.log(
      formatTable(
        [
          'engine',
          'build s',
          'clauses',
          'docs/s',
          'index MB',
          'index is',
          'peak RSS MB',
          'RSS over docs MB',
          'peak heap MB',
          'kept heap+ext MB',
        ],
        [
          build(
            advisor,
            'advisor (BM25 + HNSW)',
            `bm25 ${mb(advisor.files.bm25!)} + hnsw ${mb(advisor.files.vectors!)}; text ${mb(advisor.files.documents!)}`,
          ),
          build(fts5, 'FTS5 trigram', `fts ${mb(fts5.files.ftsIndex!)} + text ${mb(fts5.files.storedText!)} (one file)`),
        ],
      ),
    );
    console.log(
      `advisor build phases: ${Object.entries(advisor.phasesMs)
        .map(([p, v]) => `${p} ${(v / 1000).toFixed(1)} s`)
        .join(', ')}`,
    );

    const quality = new Map<string, { set: RetrievalScores; headings: RetrievalScores }>();
    for (const r of [advisor, fts5]) {
      for (const { name, run } of engineRows(r)) {
        quality.set(name, {
          set: await scoreFromWorker(queries, run.results, 'retrieval-set'),
          headings: await scoreFromWorker(queries, run.results, 'corpus-heading'),
        });
      }
    }
    const rows = [...engineRows(advisor), ...engineRows(fts5)];
    console.log(
      formatTable(
        ['engine at full size', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'test set R@5', 'test set MRR', 'headings R@5', 'headings MRR'],
        rows.map(({ name, run }) => {
          const q = quality.get(name)!;
          return [
            name,
            ms(run.latency.p50Ms),
            ms(run.latency.p95Ms),
            ms(run.latency.p99Ms),
            ms(run.latency.maxMs),
            pct(q.set.recallAt5),
            q.set.mrr.toFixed(3),
            pct(q.headings.recallAt5),
            q.headings.mrr.toFixed(3),
          ];
        }),
      ),
    );
    // A question that names a document (促进法, 河南省实施办法) is searched inside that document only; the split
    // shows what such filtered searches cost each engine (FTS5 has no such filter: it searches everything).
    const named = advisor.namesDocument ?? [];
    const split = (run: QueryRun, wanted: boolean) => summariseLatency(run.samplesMs.filter((_, i) => named[i] === wanted).flat());
    const namedCount = named.filter(Boolean).length;
    console.log(
      formatTable(
        ['latency by question kind', `names a document (${namedCount}) p50`, 'p95', `other (${named.length - namedCount}) p50`, 'p95'],
        rows.map(({ name, run }) => {
          const [a, b] = [split(run, true), split(run, false)];
          return [name, ms(a.p50Ms), ms(a.p95Ms), ms(b.p50Ms), ms(b.p95Ms)];
        }),
      ),
    );
    const ratio = advisor.queries.hybrid!.latency.p95Ms / fts5.queries.fts5!.latency.p95Ms;
    console.log(
      `FTS5 query paths: ${Object.entries(fts5.queries.fts5!.modes ?? {})
        .map(([m, n]) => `${m} ${n}`)
        .join(', ')}`,
    );
    console.log(
      `target query p95 ≤ ${P95_RATIO_TARGET}× FTS5 at full size: ${ms(advisor.queries.hybrid!.latency.p95Ms)} ms vs ${ms(fts5.queries.fts5!.latency.p95Ms)} ms (${ratio.toFixed(2)}×) → ${ratio <= P95_RATIO_TARGET ? 'MET' : 'MISSED'}`,
    );

    const strip = (r: WorkerResult) => ({
      ...r,
      namesDocument: undefined,
      queries: Object.fromEntries(Object.entries(r.queries).map(([k, v]) => [k, { latency: v.latency, modes: v.modes }])),
    });
    corpusPart = {
      dir: corpusDir,
      documents: corpus.documents.length,
      failures: corpus.failures,
      markdownBytes: corpus.bytes,
      parseMs: corpus.ms,
      clauses: corpus.clauses,
      queries: { total: queries.length, passes, headingSeed: 20241219 },
      advisor: strip(advisor),
      fts5: strip(fts5),
      quality: Object.fromEntries(
        [...quality].map(([k, v]) => [k, { testSet: { ...v.set, misses: undefined }, headings: { ...v.headings, misses: undefined } }]),
      ),
      latencyByKind: Object.fromEntries(rows.map(({ name, run }) => [name, { namesDocument: split(run, true), other: split(run, false) }])),
      target: { p95Ratio: ratio, limit: P95_RATIO_TARGET, met: ratio <= P95_RATIO_TARGET },
    };
  }

  const file = writeResult('retrieval', {
    run: runInfo(),
    testSet: {
      questions: set.questions,
      fts5Modes: set.fts5Modes,
      engines: set.engines,
      target: { recallAt5Margin: recallMargin, limit: RECALL_MARGIN_TARGET, met: recallMargin >= RECALL_MARGIN_TARGET - 1e-9 },
    },
    corpus: corpusPart,
    seconds: (performance.now() - started) / 1000,
  });
  console.log(`\nwrote ${path.relative(process.cwd(), file)} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
