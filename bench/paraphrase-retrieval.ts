/**
 * Paraphrase retrieval: do questions worded unlike their clause (我们想去国外开拓市场 → 出海) still find it?
 * The systems side by side, on the default knowledge base:
 *
 *   1. BM25 fused by reciprocal rank with the local embedder ⊕ law word vectors (share 0.6, weight 0.7), no
 *      soft matching;
 *   2. the same lists plus the soft-matching channel (each question word to its most similar clause word,
 *      through the law word neighbour lists) and query-dependent fusion (`SOFT_ONLY_ADAPTIVE_FUSION` in
 *      knowledge/index/retriever.ts);
 *   3. the previous default: 2 plus the character channel (BM25 over single Chinese characters of the clause
 *      texts) and the jurisdiction a question points at (市里, 郑州), weighed in the same fusion
 *      (`DEFAULT_ADAPTIVE_FUSION`);
 *   3r. the new default, as knowledge/knowledge-base.ts wires it: 3 plus clause roles (what a clause does in its
 *      document — purpose, basis, effect, issuance — by its drafting formula, and which one a question asks for:
 *      knowledge/index/clause-roles.yaml);
 *   4. BM25 only;
 *   5. SQLite FTS5 with the trigram tokenizer (bench/lib/fts5.ts).
 *   For context: 0, BM25 with the local embedder only (the default before the word vectors); 3a and 3b, the new
 *   default without its character or its jurisdiction channel; 6a, the law word vectors alone (plain cosine over
 *   every clause, no reference look-up, no document filter); 6b, the combined vectors alone; 6c, the
 *   soft-matching channel alone; 6d, the character channel alone.
 *
 *   npx tsx bench/paraphrase-retrieval.ts [--set FILE] [--dev-only] [--no-sweep] [--no-write]
 *
 * Sets: the paraphrase set (default eval/retrieval/paraphrase.jsonl, lines {id, question, docId,
 * clauseId}) split by the number in the id, odd = DEV, even = TEST; and the project's retrieval set
 * (eval/retrieval/questions.jsonl), which must not get worse. Settings are tuned on DEV and the retrieval set
 * only: the sweep at the end never scores TEST; `--dev-only` leaves TEST unscored altogether.
 * Scores: recall@1/3/5 and MRR (eval/retrieval/retrieval-set.ts). Also measured: one question's search time
 * per system (p50/p95), the soft matcher's and the character index's build times, the model files' sizes, and
 * how well the confidence of the best hit (`searchConfidence`) tells in-scope questions from out-of-scope ones.
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
import {
  createRetriever,
  DEFAULT_ADAPTIVE_FUSION,
  searchConfidence,
  SOFT_ONLY_ADAPTIVE_FUSION,
  type AdaptiveFusion,
  type Retriever,
  type RetrieverParts,
} from '../knowledge/index/retriever.js';
import { cjkCharacters } from '../knowledge/index/tokenize.js';
import { loadClauseRoles } from '../knowledge/index/clause-roles.js';
import {
  createSoftMatcher,
  createWordVectorEmbedder,
  DEFAULT_WORD_NEIGHBOURS_FILE,
  DEFAULT_WORD_VECTORS_FILE,
  indexWordVectors,
  readWordNeighbours,
  readWordVectors,
  WORD_VECTOR_FUSION_WEIGHT,
} from '../knowledge/index/word-vectors.js';
import { indexableText, indexClauses, openKnowledgeBase, type KnowledgeBase } from '../knowledge/knowledge-base.js';
import { loadSources } from '../knowledge/pipeline/sources.js';
import { normaliseInput } from '../knowledge/text/normalise.js';
import { buildFts5 } from './lib/fts5.js';
import { argFlag, argValue, formatTable, ms, pct, summariseLatency, type LatencySummary } from './lib/measure.js';
import { runInfo, writeResult } from './lib/report.js';

const DEFAULT_SET = 'eval/retrieval/paraphrase.jsonl';
const OUT_OF_SCOPE_FILE = 'eval/golden/zhengzhou/out-of-scope.jsonl';
/** RRF constant of the retriever's default fusion. */
const RRF_K = 10;

/**
 * Everyday requests with nothing to do with the policies, written for this benchmark (the golden out-of-scope
 * cases are mostly policy questions about other places or programmes): the confidence must stay low on them.
 */
const UNRELATED_REQUESTS = [
  '明天会下雨吗，要不要带伞',
  '这周末郑州天气热不热',
  '推荐几只最近能涨的股票',
  '基金定投选哪个好',
  '孩子明年上小学，学区房怎么划片',
  '初中转学需要办什么手续',
  '个人所得税年度汇算怎么填表',
  '红烧肉怎么做才好吃',
  '西红柿炒鸡蛋先放哪个',
  '去北京旅游有什么好玩的地方',
  '高铁票怎么改签',
  '感冒发烧吃什么药',
  '晚上老是失眠怎么办',
  '世界杯决赛是哪两个队',
  '帮我写一首关于秋天的诗',
  '翻译一下这句英文',
  '手机内存满了怎么清理',
  '电脑开不了机怎么回事',
  '养猫需要准备什么东西',
  '婚礼上致辞说什么好',
  '驾照扣分怎么处理',
  '健身减肥一周练几次',
  '考研英语怎么复习',
  '给我讲个笑话',
  '附近有什么好吃的火锅店',
];

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

/** The out-of-scope questions of the golden set (their turns joined), with the unrelated requests above. */
function outOfScopeQuestions(): { golden: string[]; unrelated: string[] } {
  const golden = readFileSync(OUT_OF_SCOPE_FILE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { turns: string[]; expect: { kind?: string } })
    .filter((c) => c.expect.kind === 'out_of_scope')
    .map((c) => c.turns.join(' '));
  return { golden, unrelated: UNRELATED_REQUESTS };
}

/** The local embedder as the knowledge base makes it (IDF of the indexed clauses). */
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

/** The soft-matching channel alone: clauses ranked by their soft match, lexicon synonyms included. */
function softSearch(kb: KnowledgeBase): { search: Search; buildMs: number } {
  const model = readWordVectors();
  const lookup = indexWordVectors(model);
  const neighbours = readWordNeighbours();
  const started = performance.now();
  const matcher = createSoftMatcher({
    lookup,
    neighbours,
    tokenizer: kb.tokenizer,
    texts: kb.clauses.map((c) => indexableText(c, kb.getDocument(c.docId))),
  });
  const buildMs = performance.now() - started;
  return {
    buildMs,
    search: async (q) => {
      const expansions = kb.tokenizer
        .queryTerms(q)
        .filter((t) => t.weight < 1 && !t.term.startsWith('#'))
        .map((t) => t.term);
      const scores = matcher.score(kb.tokenizer.words(normaliseInput(q)), expansions);
      return [...scores.keys()]
        .sort((a, b) => scores[b]! - scores[a]! || a - b)
        .slice(0, 10)
        .map((i) => ({ docId: kb.clauses[i]!.docId, clauseId: kb.clauses[i]!.id }));
    },
  };
}

/** The character channel alone: BM25 over the clause texts' Chinese characters, as the retriever builds it. */
function characterSearch(kb: KnowledgeBase): { search: Search; buildMs: number } {
  const started = performance.now();
  const index = buildBm25(kb.clauses.map((c) => cjkCharacters(c.text)));
  const buildMs = performance.now() - started;
  return {
    buildMs,
    search: async (q) =>
      index
        .search(
          [...new Set(cjkCharacters(q))].map((term) => ({ term, weight: 1 })),
          10,
        )
        .map(({ doc }) => ({ docId: kb.clauses[doc]!.docId, clauseId: kb.clauses[doc]!.id })),
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

/**
 * One question's search time: every question once more than already searched, then `passes` passes with a
 * unique suffix (the tokenizer keeps its last results; a suffix makes every call segment afresh, as a new
 * question would; the soft matcher's per-word cache stays warm, as in a running service).
 */
async function searchLatency(search: Search, questions: string[], passes = 10): Promise<LatencySummary> {
  for (const q of questions) await search(q);
  const samples: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    for (const q of questions) {
      const text = `${q}${pass}`;
      const t = performance.now();
      await search(text);
      samples.push(performance.now() - t);
    }
  }
  return summariseLatency(samples);
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
  lexical: [number, number];
  weights: AdaptiveFusion['weights'];
  dev: Scores;
  retrievalSet: Scores;
}

/**
 * The retriever parts of the default base, built as the knowledge base builds them (`indexClauses`, its default
 * embedder, its sources' aliases): the base does not expose them, and the sweep needs retrievers with other
 * adaptive-fusion settings than `retrieverWith` offers.
 */
async function defaultParts(kb: KnowledgeBase): Promise<RetrieverParts> {
  const sources = loadSources(kb.base);
  const metas = new Map(kb.documents.map((d) => [d.meta.id, d.meta]));
  const model = readWordVectors();
  const { bm25, vectors, embedder } = await indexClauses(kb.clauses, metas, {
    tokenizer: kb.tokenizer,
    embedder: (index) =>
      createWordVectorEmbedder({
        tokenizer: kb.tokenizer,
        model,
        base: { embedder: createLocalEmbedder({ tokenizer: kb.tokenizer, lexicon: kb.lexicon, idf: corpusIdf(index) }) },
      }),
  });
  return {
    documents: kb.documents,
    clauses: kb.clauses,
    bm25,
    vectors,
    embedder,
    tokenizer: kb.tokenizer,
    aliases: new Map(sources.aliases),
    primaryDocId: kb.primaryDocId,
  };
}

/**
 * The adaptive fusion's settings on DEV and the retrieval set (never TEST): how the default was chosen, and
 * how flat the neighbourhood around it is.
 */
async function sweep(parts: RetrieverParts, dev: RetrievalQuestion[], retrievalSet: RetrievalQuestion[]): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  const gates: [number, number][] = [
    [4, 8],
    [5, 8],
    [4, 10],
    [3, 6],
  ];
  const base = DEFAULT_ADAPTIVE_FUSION.weights;
  const weightSets: AdaptiveFusion['weights'][] = [
    SOFT_ONLY_ADAPTIVE_FUSION.weights,
    { ...SOFT_ONLY_ADAPTIVE_FUSION.weights, characters: 1 },
    { ...SOFT_ONLY_ADAPTIVE_FUSION.weights, jurisdiction: 1 },
    base,
    { ...base, vector: 0.5 },
    { ...base, characters: 0.5 },
    { ...base, characters: 1.5 },
    { ...base, jurisdiction: 0.5 },
    { ...base, jurisdiction: 2 },
    { ...base, text: 1 },
    { ...base, soft: 1 },
    { ...base, bm25: 0.5 },
  ];
  for (const lexical of gates) {
    for (const weights of weightSets) {
      const search = retrieverSearch(createRetriever({ ...parts, adaptive: { lexical, weights } }));
      points.push({ lexical, weights, dev: (await score(dev, search)).scores, retrievalSet: (await score(retrievalSet, search)).scores });
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

/** True when `s` meets the retrieval set's bar: recall@3 100%, MRR at least 0.960. */
const meetsBar = (s: Scores): boolean => s.recallAt3 >= 1 && s.mrr >= 0.96 - 1e-9;

interface ConfidenceSummary {
  aucUnrelated: number;
  aucGolden: number;
  byThreshold: { t: number; inScope: number; unrelated: number; golden: number }[];
}

/** Area under the ROC curve: the chance that a random in-scope question gets a higher confidence than a random out-of-scope one. */
function auc(inScope: number[], outOfScope: number[]): number {
  let wins = 0;
  for (const a of inScope) for (const b of outOfScope) wins += a > b ? 1 : a === b ? 0.5 : 0;
  return wins / (inScope.length * outOfScope.length || 1);
}

async function main(): Promise<void> {
  const setFile = argValue('--set') ?? DEFAULT_SET;
  const devOnly = argFlag('--dev-only');
  if (!existsSync(setFile)) throw new Error(`paraphrase set ${setFile} not found`);
  const paraphrases = loadParaphraseSet(setFile);
  const retrievalSet = loadRetrievalSet();
  const sets: Record<string, RetrievalQuestion[]> = {
    'paraphrase DEV (odd ids)': paraphrases.dev,
    ...(devOnly ? {} : { 'paraphrase TEST (even ids)': paraphrases.test }),
    'project retrieval set': retrievalSet,
  };

  const kbs = kbOpener();
  try {
    // 3: the embedded default, exactly as the knowledge base wires it.
    const kb = await kbs.open();
    const tokenizer = kb.tokenizer;
    const local = localEmbedder(kb);
    const model = readWordVectors();
    const combined = createWordVectorEmbedder({ tokenizer, model, base: { embedder: local }, neighbours: false });
    const wordVectors = createWordVectorEmbedder({ tokenizer, model, neighbours: false });
    const kbPrevious = await kbs.open(combined);
    const kbLocal = await kbs.open(local);
    const fts = fts5Search(kb);
    const softAlone = softSearch(kb);

    const parts = await defaultParts(kb);
    const roles = loadClauseRoles();
    const withWeights = (weights: Partial<AdaptiveFusion['weights']>) =>
      retrieverSearch(createRetriever({ ...parts, roles, adaptive: { weights: { ...DEFAULT_ADAPTIVE_FUSION.weights, ...weights } } }));
    const charactersAlone = characterSearch(kb);
    const systems: { name: string; search: Search; timed?: boolean }[] = [
      {
        name: `1 BM25 ⊕ local⊕word vectors (RRF, w=${WORD_VECTOR_FUSION_WEIGHT.combined})`,
        search: retrieverSearch(kbPrevious.retrieverWith({ roles: false })),
        timed: true,
      },
      {
        name: '2 + soft matching, adaptive fusion',
        search: retrieverSearch(createRetriever({ ...parts, adaptive: SOFT_ONLY_ADAPTIVE_FUSION })),
        timed: true,
      },
      { name: '3 previous default: + character channel, jurisdiction cue', search: retrieverSearch(createRetriever(parts)), timed: true },
      { name: '3r new default: 3 + clause roles', search: retrieverSearch(kb.retriever), timed: true },
      { name: '4 BM25 only', search: retrieverSearch(kb.retrieverWith({ vectors: false, roles: false })), timed: true },
      { name: '5 SQLite FTS5 trigram', search: fts.search, timed: true },
      { name: `0 BM25 ⊕ local embedder only (w=${local.fusionWeight})`, search: retrieverSearch(kbLocal.retrieverWith({ roles: false })) },
      { name: '3a new default without the character channel', search: withWeights({ characters: 0 }) },
      { name: '3b new default without the jurisdiction cue', search: withWeights({ jurisdiction: 0 }) },
      { name: '6a law word vectors alone (cosine)', search: await cosineSearch(kb, wordVectors) },
      { name: '6b local⊕word vectors alone (cosine)', search: await cosineSearch(kb, combined) },
      { name: '6c soft matching alone', search: softAlone.search },
      { name: '6d character channel alone', search: charactersAlone.search },
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

    // Timing: every question of the sets, each system's full search.
    const allQuestions = Object.values(sets).flatMap((qs) => qs.map((q) => q.question));
    const latency: Record<string, LatencySummary> = {};
    for (const system of systems.filter((s) => s.timed)) latency[system.name] = await searchLatency(system.search, allQuestions);
    fts.dispose();
    console.log('\n== one question, full search (ms) ==');
    console.log(
      formatTable(
        ['system', 'p50', 'p95', 'p99', 'mean'],
        Object.entries(latency).map(([name, l]) => [name, ms(l.p50Ms), ms(l.p95Ms), ms(l.p99Ms), ms(l.meanMs)]),
      ),
    );
    const vectorsBytes = statSync(DEFAULT_WORD_VECTORS_FILE).size;
    const neighboursBytes = statSync(DEFAULT_WORD_NEIGHBOURS_FILE).size;
    const loadStarted = performance.now();
    readWordNeighbours();
    const neighboursLoadMs = performance.now() - loadStarted;
    console.log(
      `soft matcher build over the ${kb.clauses.length} clauses: ${ms(softAlone.buildMs)} ms; character index: ${ms(charactersAlone.buildMs)} ms; ` +
        `neighbour lists ${(neighboursBytes / 1e6).toFixed(2)} MB (read + verify ${ms(neighboursLoadMs)} ms), ` +
        `word vectors ${(vectorsBytes / 1e6).toFixed(2)} MB`,
    );

    // Confidence of the best hit: in scope (paraphrases + retrieval set) against out of scope, for the new and the
    // previous default (the confidence's formula is the same; which clause comes first is not).
    const inScope = [...paraphrases.dev, ...(devOnly ? [] : paraphrases.test), ...retrievalSet].map((q) => q.question);
    const outside = outOfScopeQuestions();
    const thresholds = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];
    const share = (xs: number[], t: number) => xs.filter((x) => x >= t).length / (xs.length || 1);
    const confidence: Record<string, ConfidenceSummary> = {};
    const confidenceRetrievers: [string, Retriever][] = [
      ['new default', kb.retriever],
      ['previous default', createRetriever(parts)],
    ];
    for (const [name, retriever] of confidenceRetrievers) {
      const confidenceOf = async (q: string) => searchConfidence(await retriever.search(q, { k: 3 }));
      const inConf = await Promise.all(inScope.map(confidenceOf));
      const goldenConf = await Promise.all(outside.golden.map(confidenceOf));
      const unrelatedConf = await Promise.all(outside.unrelated.map(confidenceOf));
      confidence[name] = {
        aucUnrelated: auc(inConf, unrelatedConf),
        aucGolden: auc(inConf, goldenConf),
        byThreshold: thresholds.map((t) => ({
          t,
          inScope: share(inConf, t),
          unrelated: share(unrelatedConf, t),
          golden: share(goldenConf, t),
        })),
      };
      console.log(`\n== confidence of the best hit, ${name}: in scope (paraphrases + retrieval set) vs out of scope ==`);
      console.log(
        `AUC in scope vs unrelated requests ${auc(inConf, unrelatedConf).toFixed(3)}; vs golden out-of-scope cases ` +
          `${auc(inConf, goldenConf).toFixed(3)} (mostly policy questions about other places or programmes)`,
      );
      console.log(
        formatTable(
          [
            'threshold',
            `in scope ≥ (n=${inConf.length})`,
            `unrelated ≥ (n=${unrelatedConf.length})`,
            `golden oos ≥ (n=${goldenConf.length})`,
          ],
          thresholds.map((t) => [t, pct(share(inConf, t)), pct(share(unrelatedConf, t)), pct(share(goldenConf, t))]),
        ),
      );
    }

    let sweepPoints: SweepPoint[] = [];
    if (!argFlag('--no-sweep')) {
      sweepPoints = await sweep(parts, paraphrases.dev, retrievalSet);
      {
        console.log('\n== sweep of the adaptive fusion (DEV and retrieval set only; bar: retrieval set R@3 100%, MRR ≥ 0.960) ==');
        console.log(
          formatTable(
            [
              'lexical gate',
              'bm25',
              'soft',
              'vector',
              'text',
              'chars',
              'place',
              'DEV R@1',
              'DEV R@3',
              'DEV R@5',
              'DEV MRR',
              'set R@1',
              'set R@3',
              'set MRR',
              'bar',
            ],
            sweepPoints.map((p) => [
              p.lexical.join('–'),
              p.weights.bm25,
              p.weights.soft,
              p.weights.vector,
              p.weights.text,
              p.weights.characters,
              p.weights.jurisdiction,
              pct(p.dev.recallAt1),
              pct(p.dev.recallAt3),
              pct(p.dev.recallAt5),
              p.dev.mrr.toFixed(3),
              pct(p.retrievalSet.recallAt1),
              pct(p.retrievalSet.recallAt3),
              p.retrievalSet.mrr.toFixed(3),
              meetsBar(p.retrievalSet) ? 'yes' : '',
            ]),
          ),
        );
      }
    }

    if (!argFlag('--no-write')) {
      const file = writeResult('paraphrase-retrieval', {
        run: runInfo(),
        setFile,
        split: { dev: paraphrases.dev.length, test: devOnly ? 0 : paraphrases.test.length, rule: 'odd id number = DEV, even = TEST' },
        models: {
          vectorsBytes,
          neighboursBytes,
          neighboursLoadMs,
          softMatcherBuildMs: softAlone.buildMs,
          characterIndexBuildMs: charactersAlone.buildMs,
        },
        rrf: { k: RRF_K, bm25Weight: 1, vectorWeight: WORD_VECTOR_FUSION_WEIGHT.combined },
        adaptive: { newDefault: DEFAULT_ADAPTIVE_FUSION, previousDefault: SOFT_ONLY_ADAPTIVE_FUSION },
        searchOneQuestionMs: latency,
        confidence,
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
