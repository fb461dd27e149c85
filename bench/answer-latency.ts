/**
 * Benchmark 1 — answer latency in process (`npm run bench:latency`).
 *
 * The embedded default (templates, no model) on the built knowledge base, memory sessions, today fixed to
 * the eval runner's date. Every golden-set case is answered turn by turn in a fresh session; one warm-up
 * round is discarded, then N rounds are timed (each `advisor.ask` call is one sample, grouped by the kind
 * of answer it returned). Target: p95 < 5 ms overall.
 *
 * Options: --rounds 5 --warmup 1
 *   --cpu-prof   profile the timed rounds (V8 sampling profiler, as `node --cpu-prof`) and rank the hot
 *                functions; the latency figures of such a run carry the profiler's overhead
 *   --no-memo    analyse every question afresh (ANALYSIS_CACHE_SIZE=0): with the memo, the timed rounds
 *                find every golden question analysed by the warm-up round
 */
import { openKnowledgeBase } from '../knowledge/knowledge-base.js';
import { createAdvisor } from '../server/answering/advisor.js';
import { DEFAULT_HOTLINE } from '../server/config.js';
import { createMemorySessionStore } from '../server/sessions/session-store.js';
import { loadGoldenSet } from '../eval/golden/schema.js';
import { DEFAULT_AS_OF } from '../eval/runner/run.js';
import {
  fmtMs,
  formatTable,
  machineInfo,
  median,
  numberArg,
  printProfile,
  profileInProcess,
  summarise,
  summariseCpuProfile,
  writeJson,
  type Summary,
} from './lib/perf-kit.js';
import { fixedDayClock } from '../server/clock.js';

const TARGET_P95_MS = 5;
const rounds = numberArg('rounds', 5);
const warmupRounds = numberArg('warmup', 1);

const openStarted = performance.now();
const knowledge = await openKnowledgeBase();
const openMs = performance.now() - openStarted;
const sessions = createMemorySessionStore({ max: 10_000, ttlMs: 3_600_000 });
const noMemo = process.argv.includes('--no-memo');
const advisor = createAdvisor({
  knowledge,
  sessions,
  hotline: DEFAULT_HOTLINE,
  clock: fixedDayClock(DEFAULT_AS_OF),
  ...(noMemo ? { analysisCacheSize: 0 } : {}),
});
const cases = loadGoldenSet();
const turns = cases.reduce((n, c) => n + c.turns.length, 0);
console.log(
  `知识库：${knowledge.documents.length} 份文件、${knowledge.clauses.length} 条条款（索引 ${knowledge.origin}，打开 ${openMs.toFixed(0)} ms）`,
);
console.log(`黄金集：${cases.length} 个用例、${turns} 轮提问；预热 ${warmupRounds} 轮，计时 ${rounds} 轮`);

const byKind = new Map<string, number[]>();
const all: number[] = [];
const perCase: number[] = [];
/** Samples per question (case id + turn), to tell a slow question from a one-off pause (GC, the OS). */
const perQuestion = new Map<string, { question: string; kind: string; samples: number[] }>();
let sessionSeq = 0;

async function round(record: boolean): Promise<void> {
  for (const goldenCase of cases) {
    const sessionId = `bench-latency-${sessionSeq++}`;
    const caseStarted = performance.now();
    for (const [turn, question] of goldenCase.turns.entries()) {
      const started = performance.now();
      const answer = await advisor.ask({ question, sessionId, channel: 'bench', ...(goldenCase.asOf ? { asOf: goldenCase.asOf } : {}) });
      const elapsed = performance.now() - started;
      if (!record) continue;
      all.push(elapsed);
      const list = byKind.get(answer.kind) ?? [];
      list.push(elapsed);
      byKind.set(answer.kind, list);
      const key = `${goldenCase.id}#${turn + 1}`;
      const entry = perQuestion.get(key) ?? { question, kind: answer.kind, samples: [] };
      entry.samples.push(elapsed);
      perQuestion.set(key, entry);
    }
    if (record) perCase.push(performance.now() - caseStarted);
  }
}

const cpuProf = process.argv.includes('--cpu-prof');
for (let i = 0; i < warmupRounds; i++) await round(false);
const timedStarted = performance.now();
const timed = async () => {
  for (let i = 0; i < rounds; i++) await round(true);
};
const profileFile = cpuProf ? await profileInProcess('answer-latency', timed) : (await timed(), undefined);
const timedMs = performance.now() - timedStarted;

const KIND_ORDER = ['calculation', 'lookup', 'clarify', 'out_of_scope', 'smalltalk'];
const kinds = [...byKind.keys()].sort((a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b));
const summaries: Record<string, Summary> = Object.fromEntries(kinds.map((k) => [k, summarise(byKind.get(k)!)]));
const overall = summarise(all);
const caseSummary = summarise(perCase);
const row = (label: string, s: Summary) => [label, s.count, fmtMs(s.mean), fmtMs(s.p50), fmtMs(s.p95), fmtMs(s.p99), fmtMs(s.max)];

console.log('');
console.log(
  formatTable(
    ['答复类型', '次数', '均值 ms', 'p50 ms', 'p95 ms', 'p99 ms', '最大 ms'],
    [...kinds.map((k) => row(k, summaries[k]!)), row('全部（每次提问）', overall), row('每个用例（全部轮次）', caseSummary)],
  ),
);
const slowest = [...perQuestion.entries()]
  .map(([id, e]) => ({ id, kind: e.kind, question: e.question, medianMs: median(e.samples), maxMs: Math.max(...e.samples) }))
  .sort((a, b) => b.medianMs - a.medianMs)
  .slice(0, 8);
console.log('');
console.log('最慢的提问（各轮中位数）：');
console.log(
  formatTable(
    ['用例#轮', '类型', '中位 ms', '最大 ms', '问题'],
    slowest.map((s) => [
      s.id,
      s.kind,
      fmtMs(s.medianMs),
      fmtMs(s.maxMs),
      s.question.length > 30 ? `${s.question.slice(0, 30)}…` : s.question,
    ]),
  ),
);
const met = overall.p95 < TARGET_P95_MS;
console.log('');
console.log(`吞吐（单线程、顺序）：${((all.length / timedMs) * 1000).toFixed(0)} 次/秒`);
console.log(`目标 p95 < ${TARGET_P95_MS} ms：${met ? '达成' : '未达成'}（p95 = ${fmtMs(overall.p95)} ms）`);

const profile = profileFile ? summariseCpuProfile(profileFile, { top: 25 }) : undefined;
if (profile) {
  console.log('');
  printProfile(profile);
}

const file = writeJson(cpuProf ? 'answer-latency-profile' : noMemo ? 'answer-latency-no-memo' : 'answer-latency', {
  benchmark: 'answer-latency',
  machine: machineInfo(),
  settings: {
    rounds,
    warmupRounds,
    cases: cases.length,
    turns,
    today: DEFAULT_AS_OF,
    knowledgeOrigin: knowledge.origin,
    openKnowledgeMs: openMs,
    analysisMemo: !noMemo,
  },
  target: { p95Ms: TARGET_P95_MS, met },
  overall,
  perCase: caseSummary,
  byKind: summaries,
  askPerSecond: (all.length / timedMs) * 1000,
  slowestQuestions: slowest,
  ...(profile ? { profile } : {}),
});
console.log(`结果：${file}`);
