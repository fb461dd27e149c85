/**
 * Benchmark 4: how the advisor's index grows from one law to a province's library, FTS5 beside it.
 *
 *   npm run bench:scale [-- --corpus DIR] [--sizes 1,10,100,1000,3475] [--headings 100] [--profile]
 *
 * At each size (the first N corpus documents in the fixed subset order, so every size contains the
 * smaller ones) each engine builds in its own process and answers the same query list once.
 * Results: a table on stdout, JSON in bench/results/scale.json, the curves in bench/results/scale.png.
 */
import path from 'node:path';
import type { WorkerResult } from './engine-worker.js';
import { writeChartPng, type Series } from './lib/chart.js';
import { corpusDirFromArgs, loadCorpus, REPO_ROOT } from './lib/corpus.js';
import { argFlag, argValue, formatTable, mb, ms } from './lib/measure.js';
import { benchQueries } from './lib/queries.js';
import { RESULTS_DIR, runInfo, writeResult } from './lib/report.js';
import { runEngineWorker } from './lib/worker.js';

interface Point {
  docs: number;
  clauses: number;
  engine: string;
  buildMs: number;
  docsPerSecond: number;
  clausesPerSecond: number;
  indexBytes: number;
  peakRssBytes: number;
  rssOverDocumentsBytes: number;
  peakHeapUsedBytes: number;
  p50Ms: number;
  p95Ms: number;
  phasesMs: Record<string, number>;
}

/** Slope of log(y) against log(x) between two points: 1 is linear growth, below 1 sub-linear. */
const slope = (a: Point, b: Point, y: (p: Point) => number) => Math.log(y(b) / y(a)) / Math.log(b.docs / a.docs);

function point(result: WorkerResult, engine: string, run: string): Point {
  const latency = result.queries[run]!.latency;
  return {
    docs: result.documents,
    clauses: result.clauses,
    engine,
    buildMs: result.buildMs,
    docsPerSecond: result.documents / (result.buildMs / 1000),
    clausesPerSecond: result.clauses / (result.buildMs / 1000),
    indexBytes: result.indexBytes,
    peakRssBytes: result.memory.peakRssBytes,
    rssOverDocumentsBytes: result.memory.peakRssBytes - result.memory.beforeBuild.rssBytes,
    peakHeapUsedBytes: result.memory.peakHeapUsedBytes,
    p50Ms: latency.p50Ms,
    p95Ms: latency.p95Ms,
    phasesMs: result.phasesMs,
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const corpusDir = corpusDirFromArgs();
  const headings = Number(argValue('--headings') ?? 100);
  const profileDir = argFlag('--profile') ? path.join(REPO_ROOT, 'bench/results/profiles') : undefined;
  const corpus = loadCorpus({ dir: corpusDir });
  const total = corpus.files.length;
  const sizes = [...new Set((argValue('--sizes') ?? `1,10,100,1000,${total}`).split(',').map((s) => Math.min(total, Number(s))))].filter(
    (n) => n > 0,
  );
  const queries = benchQueries(corpus.documents, headings);
  console.log(
    `corpus ${corpusDir}: ${total} documents, ${corpus.clauses} clauses, parsed in ${(corpus.ms / 1000).toFixed(1)} s; ${queries.length} queries per size`,
  );

  const points: Point[] = [];
  for (const docs of sizes) {
    console.log(`-- ${docs} documents`);
    const advisor = await runEngineWorker({ engine: 'advisor', docs, corpusDir, queries, passes: 1, profileDir });
    points.push(point(advisor, 'advisor hybrid', 'hybrid'), point(advisor, 'advisor BM25 only', 'bm25'));
    const fts5 = await runEngineWorker({ engine: 'fts5', docs, corpusDir, queries, passes: 1, profileDir });
    points.push(point(fts5, 'FTS5 trigram', 'fts5'));
  }

  const engines = ['advisor hybrid', 'FTS5 trigram'];
  console.log(
    formatTable(
      [
        'docs',
        'clauses',
        'engine',
        'build s',
        'docs/s',
        'clauses/s',
        'index MB',
        'peak RSS MB',
        'RSS over docs MB',
        'peak heap MB',
        'p50 ms',
        'p95 ms',
      ],
      points
        .filter((p) => engines.includes(p.engine) || p.engine === 'advisor BM25 only')
        .map((p) => {
          const buildShared = p.engine === 'advisor BM25 only';
          return [
            p.docs,
            p.clauses,
            p.engine,
            buildShared ? '〃' : (p.buildMs / 1000).toFixed(2),
            buildShared ? '' : p.docsPerSecond.toFixed(0),
            buildShared ? '' : p.clausesPerSecond.toFixed(0),
            buildShared ? '' : mb(p.indexBytes),
            buildShared ? '' : mb(p.peakRssBytes),
            buildShared ? '' : mb(p.rssOverDocumentsBytes),
            buildShared ? '' : mb(p.peakHeapUsedBytes),
            ms(p.p50Ms),
            ms(p.p95Ms),
          ];
        }),
    ),
  );
  const phases = points.filter((p) => p.engine === 'advisor hybrid');
  console.log(
    'advisor build phases (s): ' +
      phases
        .map(
          (p) =>
            `${p.docs} docs: ${Object.entries(p.phasesMs)
              .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`)
              .join(' ')}`,
        )
        .join(' | '),
  );
  // Exponents over the large end of the curve, where fixed start-up costs no longer dominate; over the last
  // step too, because a change of method between sizes (the local embedder builds no vector index above its
  // clause limit) bends the curve.
  const growth: Record<string, { from: number; to: number; build: number; p95: number }[]> = {};
  for (const engine of [...engines, 'advisor BM25 only']) {
    const series = points.filter((p) => p.engine === engine && p.docs >= Math.min(100, sizes.at(-1)!));
    if (series.length < 2) continue;
    const spans = [[series[0]!, series.at(-1)!], ...(series.length > 2 ? [[series.at(-2)!, series.at(-1)!]] : [])] as [Point, Point][];
    growth[engine] = spans.map(([a, b]) => ({
      from: a.docs,
      to: b.docs,
      build: slope(a, b, (p) => p.buildMs),
      p95: slope(a, b, (p) => p.p95Ms),
    }));
    const text = growth[engine]!.map((g) => `${g.from}→${g.to} docs: build N^${g.build.toFixed(2)}, query p95 N^${g.p95.toFixed(2)}`).join(
      '; ',
    );
    console.log(`${engine}: ${text} (1 = linear)`);
  }

  const pngFile = path.join(RESULTS_DIR, 'scale.png');
  const color: Record<string, string> = { 'advisor hybrid': '#d62728', 'advisor BM25 only': '#ff9896', 'FTS5 trigram': '#1f77b4' };
  const seriesOf = (names: string[], y: (p: Point) => number): Series[] =>
    names.map((name) => ({
      name,
      color: color[name]!,
      points: points.filter((p) => p.engine === name).map((p) => ({ x: p.docs, y: y(p) })),
    }));
  const advisorBuild = points.filter((p) => p.engine === 'advisor hybrid');
  const last = advisorBuild.at(-1)!;
  const linear: Series = {
    name: '∝ N (linear)',
    color: '#999',
    dashed: true,
    points: advisorBuild.map((p) => ({ x: p.docs, y: (last.buildMs / 1000) * (p.docs / last.docs) })),
  };
  writeChartPng(
    pngFile,
    [
      {
        title: 'Index build time',
        xLabel: 'documents (log)',
        yLabel: 'seconds (log)',
        series: [...seriesOf(engines, (p) => p.buildMs / 1000), linear],
      },
      {
        title: 'Query latency p95',
        xLabel: 'documents (log)',
        yLabel: 'milliseconds (log)',
        series: seriesOf([...engines, 'advisor BM25 only'], (p) => p.p95Ms),
      },
      {
        title: 'Peak resident memory',
        xLabel: 'documents (log)',
        yLabel: 'MB (log)',
        series: seriesOf(engines, (p) => p.peakRssBytes / 1024 / 1024),
      },
    ],
    `Law corpus subsets, ${queries.length} queries per size, each engine in its own process; ${new Date().toISOString().slice(0, 10)}, ${process.version}`,
  );
  const file = writeResult('scale', {
    run: runInfo(),
    corpus: { dir: corpusDir, documents: total, clauses: corpus.clauses, parseMs: corpus.ms },
    sizes,
    queries: queries.length,
    points,
    growth,
  });
  console.log(
    `wrote ${path.relative(process.cwd(), file)} and ${path.relative(process.cwd(), pngFile)} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
