/**
 * Paraphrase retrieval: do questions worded unlike their clause (我们想去国外开拓市场 → 出海) still find it?
 * Five systems side by side, on the default knowledge base:
 *
 *   1. today's hybrid: BM25 fused with the default local embedder (hashed words + synonym groups), weight 0.3;
 *   2. BM25 only;
 *   3. BM25 fused with the proposed embedder: the local embedder combined with the law word vectors
 *      (knowledge/models/law-word-vectors.bin) at the recommended share and fusion weight;
 *   4. the law word vectors alone: plain cosine over every clause (no reference look-up, no document filter);
 *   5. SQLite FTS5 with the trigram tokenizer (bench/lib/fts5.ts).
 *   Two more rows for context: 3b, BM25 fused with the word vectors without the local embedder; 4b, the
 *   combined vectors alone.
 *
 *   npx tsx bench/paraphrase-retrieval.ts [--set FILE] [--model FILE] [--share X] [--fusion-weight X]
 *                                         [--sif-a X] [--remove-common] [--dev-only] [--no-write]
 *
 * Sets: the paraphrase set (default /work/blind/paraphrase/paraphrase.jsonl, lines {id, question, docId,
 * clauseId}) split by the number in the id, odd = DEV, even = TEST; and the project's retrieval set
 * (eval/retrieval/questions.jsonl), which must not get worse. Settings are tuned on DEV only: the sweep over
 * share and fusion weight at the end scores DEV and the retrieval set, never TEST; `--dev-only` leaves TEST
 * unscored altogether while trying models. Scores: recall@1/3/5 and MRR (eval/retrieval/retrieval-set.ts).
 * Also measured: model load time and one question's embedding time.
 * Results: tables on stdout, JSON in bench/results/paraphrase-retrieval.json.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadRetrievalSet, scoreRetrieval, type RetrievalQuestion, type RetrievalScores } from '../eval/retrieval/retrieval-set.js';
import { buildBm25 } from '../knowledge/index/bm25.js';
import { corpusIdf, createLocalEmbedder, type Embedder } from '../knowledge/index/embedder.js';
import { loadLexicon } from '../knowledge/index/lexicon.js';
import type { Retriever } from '../knowledge/index/retriever.js';
import {
  createWordVectorEmbedder,
  DEFAULT_WORD_VECTORS_FILE,
  indexWordVectors,
  readWordVectors,
  RECOMMENDED_BASE_SHARE,
  WORD_VECTOR_FUSION_WEIGHT,
  type TextVectorSettings,
  type WordVectorModel,
} from '../knowledge/index/word-vectors.js';
import { indexableText, openKnowledgeBase, type KnowledgeBase } from '../knowledge/knowledge-base.js';
import { buildFts5 } from './lib/fts5.js';
import { argFlag, argValue, formatTable, ms, pct, summariseLatency, type LatencySummary } from './lib/measure.js';
import { runInfo, writeResult } from './lib/report.js';

const DEFAULT_SET = '/work/blind/paraphrase/paraphrase.jsonl';
/** RRF constant of the retriever's default fusion; only the vector list's weight is varied here. */
const RRF_K = 10;
const SWEEP_SHARES = [1, 0.8, 0.7, 0.65, 0.6, 0.5, 0.4, 0];
const SWEEP_WEIGHTS = [0.3, 0.5, 0.6, 0.7, 0.8, 1];

type Ranked = { docId: string; clauseId: string }[];
type Search = (question: string) => Promise<Ranked>;
type Scores = Omit<RetrievalScores, 'misses'>;

const paraphraseSchema = z.object({ id: z.string(), question: z.string().min(1), docId: z.string(), clauseId: z.string() });

/** The number an id ends with (p-017 → 17): odd ids are DEV, even ones TEST. */
function idNumber(id: string): number {
  const digits = /(\d+)\D*$/.exec(id);
  if (!digits) throw new Error(`paraphrase id ${id} has no number to split DEV/TEST by`);
  return Number(digits[1]);
}

/** The paraphrase set as retrieval questions, split by the parity of the number in each id. */
export function loadParaphraseSet(file: string): { dev: RetrievalQuestion[]; test: RetrievalQuestion[] } {
  const items = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed = paraphraseSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
  const asQuestion = (p: z.infer<typeof paraphraseSchema>): RetrievalQuestion => ({
    id: p.id,
    question: p.question,
    expect: [{ docId: p.docId, clauseId: p.clauseId }],
    style: 'colloquial',
  });
  return {
    dev: items.filter((p) => idNumber(p.id) % 2 === 1).map(asQuestion),
    test: items.filter((p) => idNumber(p.id) % 2 === 0).map(asQuestion),
  };
}

/**
 * Today's default embedder, rebuilt outside the knowledge base so that system 1 stays today's hybrid whatever
 * the base defaults to: the local embedder weighs words by the IDF of the indexed clauses, so the same BM25
 * index is built over the same texts (as `indexClauses` does).
 */
function localEmbedder(kb: KnowledgeBase): Embedder {
  const bm25 = buildBm25(kb.clauses.map((c) => kb.tokenizer.terms(indexableText(c, kb.getDocument(c.docId)))));
  return createLocalEmbedder({ tokenizer: kb.tokenizer, lexicon: loadLexicon(kb.base.lexiconFile), idf: corpusIdf(bm25) });
}

const retrieverSearch =
  (retriever: Retriever): Search =>
  async (q) =>
    (await retriever.search(q, { k: 10 })).map((h) => ({ docId: h.clause.docId, clauseId: h.clause.id }));

/** Plain cosine ranking of every clause against the question: an embedder on its own. */
async function cosineSearch(kb: KnowledgeBase, embedder: Embedder): Promise<Search> {
  const clauseVectors = await embedder.embed(kb.clauses.map((c) => indexableText(c, kb.getDocument(c.docId))));
  return async (q) => {
    const [v] = await embedder.embed([q]);
    return clauseVectors
      .map((c, i) => ({ i, dot: c.reduce((sum, x, d) => sum + x * v![d]!, 0) }))
      .sort((a, b) => b.dot - a.dot || a.i - b.i)
      .slice(0, 10)
      .map(({ i }) => ({ docId: kb.clauses[i]!.docId, clauseId: kb.clauses[i]!.id }));
  };
}

function fts5Search(kb: KnowledgeBase): { search: Search; dispose: () => void } {
  const fts = buildFts5(kb.clauses.map((c) => indexableText(c, kb.getDocument(c.docId))));
  return {
    search: async (q) => fts.search(q, 10).map((h) => ({ docId: kb.clauses[h.doc]!.docId, clauseId: kb.clauses[h.doc]!.id })),
    dispose: () => fts.dispose(),
  };
}

async function score(questions: RetrievalQuestion[], search: Search): Promise<{ scores: Scores; misses: RetrievalScores['misses'] }> {
  const { misses, ...scores } = await scoreRetrieval(questions, search);
  return { scores, misses };
}

/** Embedding time of one question, over every question of the sets, several passes after a warm-up pass. */
async function embedLatency(embedder: Embedder, questions: string[], passes = 20): Promise<LatencySummary> {
  for (const q of questions) await embedder.embed([q]);
  const samples: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    for (const q of questions) {
      // The tokenizer keeps its last results; a unique suffix makes every call segment afresh, as a new question would.
      const text = `${q}${pass}`;
      const t = performance.now();
      await embedder.embed([text]);
      samples.push(performance.now() - t);
    }
  }
  return summariseLatency(samples);
}

/** Reading, verifying and indexing the model, five times (the first is the cold one that matters at start-up). */
function loadTimes(file: string): number[] {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    indexWordVectors(readWordVectors(file));
    times.push(performance.now() - t);
  }
  return times;
}

function settingsFromArgs(): Partial<TextVectorSettings> {
  const settings: Partial<TextVectorSettings> = {};
  const sifA = argValue('--sif-a');
  if (sifA !== undefined) settings.sifA = Number(sifA);
  if (argFlag('--remove-common')) settings.removeCommon = true;
  return settings;
}

/** A knowledge base indexed in a fresh temp folder with the given embedder; the folders are removed at the end. */
function kbOpener(): { open: (embedder?: Embedder) => Promise<KnowledgeBase>; cleanUp: () => void } {
  const dirs: string[] = [];
  return {
    open: (embedder) => {
      const distDir = mkdtempSync(path.join(tmpdir(), 'bench-paraphrase-'));
      dirs.push(distDir);
      return openKnowledgeBase({ distDir, rebuild: 'always', ...(embedder ? { embedder } : {}) });
    },
    cleanUp: () => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })),
  };
}

interface SweepPoint {
  share: number;
  weight: number;
  dev: Scores;
  retrievalSet: Scores;
}

/** Share × fusion weight on DEV and the retrieval set (never TEST): how the recommended point was chosen. */
async function sweep(
  open: (embedder: Embedder) => Promise<KnowledgeBase>,
  makeEmbedder: (share: number) => Embedder,
  dev: RetrievalQuestion[],
  retrievalSet: RetrievalQuestion[],
): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  for (const share of SWEEP_SHARES) {
    const kb = await open(makeEmbedder(share));
    for (const weight of SWEEP_WEIGHTS) {
      const search = retrieverSearch(kb.retrieverWith({ fusion: { k: RRF_K, bm25Weight: 1, vectorWeight: weight } }));
      points.push({ share, weight, dev: (await score(dev, search)).scores, retrievalSet: (await score(retrievalSet, search)).scores });
    }
  }
  return points;
}

const HEADERS = ['system', 'n', 'R@1', 'R@3', 'R@5', 'MRR'];
const scoreRow = (name: string, s: Scores): (string | number)[] => [
  name,
  s.questions,
  pct(s.recallAt1),
  pct(s.recallAt3),
  pct(s.recallAt5),
  s.mrr.toFixed(3),
];

/** True when `s` is no worse than `baseline` on any of the four measures. */
const noWorse = (s: Scores, baseline: Scores): boolean =>
  s.recallAt1 >= baseline.recallAt1 &&
  s.recallAt3 >= baseline.recallAt3 &&
  s.recallAt5 >= baseline.recallAt5 &&
  s.mrr >= baseline.mrr - 1e-9;

function printSweep(points: SweepPoint[], baseline: Scores): void {
  console.log('\n== sweep: share of the local embedder × fusion weight (BM25 1, RRF k 10); DEV and retrieval set only ==');
  console.log('   share 1 = the local embedder alone (today at weight 0.3); share 0 = the word vectors alone');
  console.log(
    formatTable(
      ['share', 'weight', 'DEV R@1', 'DEV R@5', 'DEV MRR', 'set R@1', 'set R@3', 'set R@5', 'set MRR', 'set no worse'],
      points.map((p) => [
        p.share,
        p.weight,
        pct(p.dev.recallAt1),
        pct(p.dev.recallAt5),
        p.dev.mrr.toFixed(3),
        pct(p.retrievalSet.recallAt1),
        pct(p.retrievalSet.recallAt3),
        pct(p.retrievalSet.recallAt5),
        p.retrievalSet.mrr.toFixed(3),
        noWorse(p.retrievalSet, baseline) ? 'yes' : '',
      ]),
    ),
  );
}

async function main(): Promise<void> {
  const setFile = argValue('--set') ?? DEFAULT_SET;
  const modelFile = argValue('--model') ?? DEFAULT_WORD_VECTORS_FILE;
  const share = Number(argValue('--share') ?? RECOMMENDED_BASE_SHARE);
  const fusionWeight = Number(argValue('--fusion-weight') ?? WORD_VECTOR_FUSION_WEIGHT.combined);
  const devOnly = argFlag('--dev-only');
  if (!existsSync(setFile)) throw new Error(`paraphrase set ${setFile} not found`);
  const paraphrases = loadParaphraseSet(setFile);
  const retrievalSet = loadRetrievalSet();
  const sets: Record<string, RetrievalQuestion[]> = {
    'paraphrase DEV (odd ids)': paraphrases.dev,
    ...(devOnly ? {} : { 'paraphrase TEST (even ids)': paraphrases.test }),
    'project retrieval set': retrievalSet,
  };

  const loads = loadTimes(modelFile);
  const model: WordVectorModel = readWordVectors(modelFile);
  const settings = settingsFromArgs();
  const kbs = kbOpener();
  try {
    const kb = await kbs.open();
    const local = localEmbedder(kb);
    const kbLocal = await kbs.open(local);
    const tokenizer = kb.tokenizer;
    const wordVectors = createWordVectorEmbedder({ tokenizer, model, settings });
    const combinedWith = (s: number) => createWordVectorEmbedder({ tokenizer, model, settings, base: { embedder: local, share: s } });
    const combined = combinedWith(share);
    const kbCombined = await kbs.open(combined);
    const kbWordVectors = await kbs.open(wordVectors);
    const fts = fts5Search(kb);

    const systems: { name: string; search: Search }[] = [
      { name: `1 hybrid today: BM25 + local embedder (w=${local.fusionWeight})`, search: retrieverSearch(kbLocal.retriever) },
      { name: '2 BM25 only', search: retrieverSearch(kb.retrieverWith({ vectors: false })) },
      {
        name: `3 BM25 + local⊕law word vectors (share ${share}, w=${fusionWeight})`,
        search: retrieverSearch(kbCombined.retrieverWith({ fusion: { k: RRF_K, bm25Weight: 1, vectorWeight: fusionWeight } })),
      },
      { name: '4 law word vectors alone (cosine)', search: await cosineSearch(kb, wordVectors) },
      { name: '5 SQLite FTS5 trigram', search: fts.search },
      { name: `3b BM25 + law word vectors, no local (w=${wordVectors.fusionWeight})`, search: retrieverSearch(kbWordVectors.retriever) },
      {
        name: '3c BM25 + law word vectors, no local (w=1)',
        search: retrieverSearch(kbWordVectors.retrieverWith({ fusion: { k: RRF_K, bm25Weight: 1, vectorWeight: 1 } })),
      },
      { name: `4b local⊕law word vectors alone (cosine, share ${share})`, search: await cosineSearch(kb, combined) },
    ];

    const results: Record<string, Record<string, { scores: Scores; misses: RetrievalScores['misses'] }>> = {};
    for (const [setName, questions] of Object.entries(sets)) {
      const bySystem: Record<string, { scores: Scores; misses: RetrievalScores['misses'] }> = {};
      for (const system of systems) bySystem[system.name] = await score(questions, system.search);
      results[setName] = bySystem;
      console.log(`\n== ${setName} ==`);
      console.log(
        formatTable(
          HEADERS,
          Object.entries(bySystem).map(([name, r]) => scoreRow(name, r.scores)),
        ),
      );
    }
    fts.dispose();

    const baseline = results['project retrieval set']![systems[0]!.name]!.scores;
    const sweepPoints = await sweep(kbs.open, combinedWith, paraphrases.dev, retrievalSet);
    printSweep(sweepPoints, baseline);

    const allQuestions = Object.values(sets).flatMap((qs) => qs.map((q) => q.question));
    const embedAlone = await embedLatency(wordVectors, allQuestions);
    const embedCombined = await embedLatency(combined, allQuestions);
    const load = summariseLatency(loads);
    const modelBytes = statSync(modelFile).size;
    console.log(
      `\nmodel ${path.relative(process.cwd(), modelFile)}: ${(modelBytes / 1e6).toFixed(2)} MB, ${model.header.dimensions} dimensions, ` +
        `${model.header.words} words + ${model.header.characters} characters` +
        `\nload (read + checksum + decode + index): ${ms(loads[0]!)} ms first, ${ms(load.p50Ms)} ms median of ${loads.length}` +
        `\nembed one question: word vectors ${ms(embedAlone.meanMs)} ms mean / ${ms(embedAlone.p95Ms)} ms p95; ` +
        `local⊕word vectors ${ms(embedCombined.meanMs)} ms mean / ${ms(embedCombined.p95Ms)} ms p95`,
    );

    if (!argFlag('--no-write')) {
      const file = writeResult('paraphrase-retrieval', {
        run: runInfo(),
        setFile,
        split: { dev: paraphrases.dev.length, test: devOnly ? 0 : paraphrases.test.length, rule: 'odd id number = DEV, even = TEST' },
        model: {
          file: path.relative(process.cwd(), modelFile),
          bytes: modelBytes,
          dimensions: model.header.dimensions,
          words: model.header.words,
          characters: model.header.characters,
          training: model.header.training,
          loadMs: { first: loads[0], median: load.p50Ms },
        },
        proposed: { embedderId: combined.id, share, fusion: { k: RRF_K, bm25Weight: 1, vectorWeight: fusionWeight } },
        embedOneQuestionMs: { wordVectors: embedAlone, combined: embedCombined },
        results,
        sweep: sweepPoints,
      });
      console.log(`results: ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    kbs.cleanUp();
  }
}

await main();
