/**
 * Benchmark 5 — memory (`npm run bench:memory`).
 *
 * Starts the service as its own process with the default session limit (SESSION_MAX=10000, memory store,
 * no Redis) and reads its resident memory (VmRSS in /proc/<pid>/status) after start-up, then sends 20,000
 * golden-set questions, each in a session of its own (32 in flight), sampling RSS along the way, and reads
 * it again right after and after a few seconds of rest. Target: < 300 MB at the end.
 *
 * That the sessions are bounded by the limit and do not grow with their number is shown two ways:
 *  - in the running service: a conversation begun before the 20,000 sessions has been forgotten (evicted,
 *    least recently used first), one begun after them is remembered;
 *  - in process: the same memory store the service builds (createMemorySessionStore with the service's
 *    default limit and TTL), behind the advisor, holds exactly SESSION_MAX sessions after 20,000.
 *
 * Where the start-up memory goes is measured too (`--no-breakdown` to skip): a fresh child process
 * (node --expose-gc --import tsx) loads the service's heavy parts one by one and reads VmRSS and the V8
 * heap after each, with garbage collected.
 *
 * With `--full-gc` the service is started with `--heapsnapshot-signal=SIGUSR2` (inert until signalled) and,
 * at the end, made to write a heap snapshot, which runs a full garbage collection first: the V8 heap then
 * holds only what is retained (knowledge, the sessions kept), telling retained memory from garbage and
 * from heap pages V8 keeps committed. (Writing the snapshot itself raises RSS, so RSS after it is not used.)
 *
 * `--service-node-options "<flags>"` starts the service with NODE_OPTIONS set to those flags (e.g.
 * "--max-old-space-size=128"), to try V8 heap settings against the same load.
 *
 * Options: --questions 20000 --concurrency 32 --settle 5 --sample-every 1000 --no-breakdown --full-gc
 *          --service-node-options "<flags>"
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdvisorAnswer } from '../server/answering/advisor.js';
import {
  fmtInt,
  fmtMB,
  formatTable,
  machineInfo,
  numberArg,
  procMemory,
  sleep,
  startScriptNodeFlags,
  startService,
  writeJson,
} from './lib/perf-kit.js';

const TARGET_RSS_MB = 300;

interface BreakdownStep {
  step: string;
  rssBytes: number;
  heapUsedBytes: number;
}

/** In the breakdown child: load the service's parts in the order it does, measuring after each. */
async function breakdownChild(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the breakdown child needs --expose-gc');
  const steps: BreakdownStep[] = [];
  const mark = (step: string) => {
    gc();
    gc();
    const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024;
    steps.push({ step, rssBytes: rss, heapUsedBytes: process.memoryUsage().heapUsed });
  };
  mark('node + tsx 加载器');
  await import('zod');
  mark('zod');
  await import('@node-rs/jieba');
  await import('@node-rs/jieba/dict.js');
  mark('@node-rs/jieba 与词典数据');
  const kb = await import('../knowledge/knowledge-base.js');
  mark('知识库其余模块（hnswlib、opencc、yaml…）');
  await kb.openKnowledgeBase();
  mark('打开知识库（jieba 分词实例、索引、文档）');
  await import('../server/app.js');
  mark('fastify 与全部插件、路由模块');
  // For comparison, not part of the service: what the model clients would add if they were loaded
  // eagerly (they are imported only when LLM_BASE_URL / EMBEDDINGS_BASE_URL are set; if the service had
  // already loaded them, this step would add nothing).
  await import('@langchain/openai');
  mark('（对照，服务未加载）再导入 @langchain/openai 的增量');
  process.stdout.write(`${JSON.stringify(steps)}\n`);
}

if (process.env.BENCH_MEMORY_BREAKDOWN_CHILD === '1') {
  await breakdownChild();
  process.exit(0);
}

// Imported here, not at the top, so that the breakdown child above starts from an empty process.
const { createAdvisor } = await import('../server/answering/advisor.js');
const { fixedDayClock } = await import('../server/clock.js');
const { loadConfig } = await import('../server/config.js');
const { createMemorySessionStore } = await import('../server/sessions/session-store.js');
const { openKnowledgeBase } = await import('../knowledge/knowledge-base.js');
const { loadGoldenSet } = await import('../eval/golden/schema.js');
const { DEFAULT_AS_OF } = await import('../eval/runner/run.js');
const total = numberArg('questions', 20_000);
const concurrency = numberArg('concurrency', 32);
const settleSeconds = numberArg('settle', 5);
const sampleEvery = numberArg('sample-every', 1000);

const cases = loadGoldenSet();
/** Every turn of every case as a stand-alone question, with the case's date. */
const questions = cases.flatMap((c) => c.turns.map((question) => ({ question, asOf: c.asOf ?? DEFAULT_AS_OF })));
const defaults = loadConfig({});

interface Answer {
  kind: string;
  answer: string;
  calculations: { amountYuan: number }[];
}
const fingerprint = (a: Pick<Answer, 'kind' | 'calculations'>) => `${a.kind}:${a.calculations.map((c) => c.amountYuan).join(',')}`;

// ---- 1. In process: the store the service builds, behind the advisor, after 20,000 sessions ----
const knowledge = await openKnowledgeBase();
const store = createMemorySessionStore({ max: defaults.sessions.max, ttlMs: defaults.sessions.ttlMs });
const advisor = createAdvisor({
  knowledge,
  sessions: store,
  hotline: defaults.hotline,
  clock: fixedDayClock(DEFAULT_AS_OF),
});

/**
 * The probe conversation: a multi-turn case whose last turn is answered differently with its earlier turns
 * remembered than in a fresh session (so a forgotten session shows in the answer).
 */
async function chooseProbe() {
  const probeStore = createMemorySessionStore({ max: 100, ttlMs: 3_600_000 });
  const probeAdvisor = createAdvisor({
    knowledge,
    sessions: probeStore,
    hotline: defaults.hotline,
    clock: fixedDayClock(DEFAULT_AS_OF),
  });
  const candidates = cases
    .filter((c) => c.turns.length >= 2)
    .sort((a, b) => Number(b.category === 'multi-turn') - Number(a.category === 'multi-turn'));
  for (const c of candidates) {
    const asOf = c.asOf ?? DEFAULT_AS_OF;
    let last: AdvisorAnswer | undefined;
    for (const question of c.turns) last = await probeAdvisor.ask({ question, sessionId: `choose-${c.id}`, asOf });
    const fresh = await probeAdvisor.ask({ question: c.turns.at(-1)!, sessionId: `choose-fresh-${c.id}`, asOf });
    if (fingerprint(last!) !== fingerprint(fresh))
      return {
        id: c.id,
        context: c.turns.slice(0, -1),
        last: c.turns.at(-1)!,
        asOf,
        remembered: fingerprint(last!),
        fresh: fingerprint(fresh),
      };
  }
  throw new Error('no multi-turn golden case depends on its earlier turns');
}
const probe = await chooseProbe();

const inProcessStarted = performance.now();
for (let i = 0; i < total; i++) {
  const { question, asOf } = questions[i % questions.length]!;
  await advisor.ask({ question, sessionId: `mem-${i}`, asOf });
}
const inProcess = {
  sessionMax: defaults.sessions.max,
  sessionTtlMinutes: defaults.sessions.ttlMs / 60_000,
  sessionsCreated: total,
  sessionsHeld: await store.size(),
  ms: performance.now() - inProcessStarted,
};
console.log(
  `进程内：${fmtInt(total)} 个会话之后，内存会话存储中有 ${fmtInt(inProcess.sessionsHeld)} 个（上限 SESSION_MAX=${fmtInt(inProcess.sessionMax)}）`,
);

// ---- 2. The service as its own process ----
const fullGc = process.argv.includes('--full-gc');
const optionsAt = process.argv.indexOf('--service-node-options');
const serviceNodeOptions = optionsAt > 0 ? process.argv[optionsAt + 1] : undefined;
const snapshotDir = fullGc ? mkdtempSync(path.join(os.tmpdir(), 'bench-memory-snapshot-')) : undefined;
const service = await startService({
  env: {
    SESSION_MAX: String(defaults.sessions.max),
    RATE_LIMIT_PER_MINUTE: '1000000',
    ...(serviceNodeOptions ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${serviceNodeOptions}`.trim() } : {}),
  },
  ...(snapshotDir ? { nodeArgs: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] } : {}),
});
const memoryOf = () => procMemory(service.pid);

/** A few figures from /metrics (prom-client default metrics of the service process). */
async function heapMetrics(): Promise<{ heapUsedBytes: number; heapTotalBytes: number; externalBytes: number }> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    heapUsedBytes: value('nodejs_heap_size_used_bytes'),
    heapTotalBytes: value('nodejs_heap_size_total_bytes'),
    externalBytes: value('nodejs_external_memory_bytes'),
  };
}

async function ask(question: string, sessionId: string, asOf: string): Promise<{ status: number; body: Answer }> {
  const response = await fetch(`${service.url}/v1/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question, sessionId, channel: 'bench', asOf }),
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

interface Sample {
  phase: string;
  questions: number;
  rssBytes: number;
  peakRssBytes: number;
  heapUsedBytes?: number;
  heapTotalBytes?: number;
  externalBytes?: number;
}
const samples: Sample[] = [];
const statuses = new Map<number, number>();
let result: Record<string, unknown> | undefined;
try {
  await sleep(1000);
  samples.push({ phase: '启动后', questions: 0, ...memoryOf(), ...(await heapMetrics()) });
  console.log(
    `服务 pid ${service.pid}${serviceNodeOptions ? `（NODE_OPTIONS=${serviceNodeOptions}）` : ''}，就绪 ${service.readyMs.toFixed(0)} ms，启动后 RSS ${fmtMB(samples[0]!.rssBytes)} MB`,
  );

  // The early probe conversation, before the flood of sessions.
  for (const question of probe.context) await ask(question, 'probe-early', probe.asOf);

  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const { question, asOf } = questions[i % questions.length]!;
      const { status } = await ask(question, `mem-${i}`, asOf);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      done++;
      if (done % sampleEvery === 0) {
        samples.push({ phase: '提问中', questions: done, ...memoryOf() });
        process.stdout.write(`\r  ${fmtInt(done)} / ${fmtInt(total)}  RSS ${fmtMB(samples.at(-1)!.rssBytes)} MB   `);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const floodMs = performance.now() - started;
  process.stdout.write('\n');
  samples.push({ phase: `${fmtInt(total)} 问之后`, questions: total, ...memoryOf(), ...(await heapMetrics()) });

  // The late probe conversation, then the last turn in both and in a fresh session.
  for (const question of probe.context) await ask(question, 'probe-late', probe.asOf);
  const early = await ask(probe.last, 'probe-early', probe.asOf);
  const late = await ask(probe.last, 'probe-late', probe.asOf);
  const fresh = await ask(probe.last, 'probe-fresh', probe.asOf);
  const eviction = {
    case: probe.id,
    expectedRemembered: probe.remembered,
    expectedFresh: probe.fresh,
    early: fingerprint(early.body),
    late: fingerprint(late.body),
    fresh: fingerprint(fresh.body),
    earlyForgotten: fingerprint(early.body) === probe.fresh && fingerprint(early.body) !== probe.remembered,
    lateRemembered: fingerprint(late.body) === probe.remembered,
  };

  await sleep(settleSeconds * 1000);
  samples.push({ phase: `静置 ${settleSeconds} s 后`, questions: total, ...memoryOf(), ...(await heapMetrics()) });

  const end = samples.at(-1)!;
  if (snapshotDir) {
    // The snapshot starts with a full GC; wait until the file stops growing, then read the heap.
    process.kill(service.pid, 'SIGUSR2');
    let size = -1;
    for (let i = 0; i < 600; i++) {
      await sleep(500);
      const files = readdirSync(snapshotDir).filter((f) => f.endsWith('.heapsnapshot'));
      const now = files.length ? statSync(path.join(snapshotDir, files[0]!)).size : -1;
      if (now > 0 && now === size) break;
      size = now;
    }
    samples.push({ phase: '完整 GC 后（堆快照，RSS 含写快照开销）', questions: total, ...memoryOf(), ...(await heapMetrics()) });
    rmSync(snapshotDir, { recursive: true, force: true });
  }
  const met = end.rssBytes < TARGET_RSS_MB * 1024 * 1024;
  const non200 = [...statuses].filter(([s]) => s !== 200).reduce((n, [, c]) => n + c, 0);
  result = { end, met, non200, floodMs, eviction };

  console.log('');
  console.log(
    formatTable(
      ['阶段', '已答', 'RSS MB', '峰值 RSS MB', '堆已用 MB', '堆总量 MB', 'external MB'],
      samples
        .filter((s) => s.phase !== '提问中' || s.questions % (sampleEvery * 5) === 0)
        .map((s) => [
          s.phase,
          fmtInt(s.questions),
          fmtMB(s.rssBytes),
          fmtMB(s.peakRssBytes),
          s.heapUsedBytes !== undefined ? fmtMB(s.heapUsedBytes) : '',
          s.heapTotalBytes !== undefined ? fmtMB(s.heapTotalBytes) : '',
          s.externalBytes !== undefined ? fmtMB(s.externalBytes) : '',
        ]),
    ),
  );
  console.log('');
  console.log(
    `${fmtInt(total)} 问用时 ${(floodMs / 1000).toFixed(1)} s（${fmtInt((total / floodMs) * 1000)} 问/秒，并发 ${concurrency}），非 200：${non200}`,
  );
  console.log(
    `会话有界：洪峰前开始的对话${eviction.earlyForgotten ? '已被淘汰（与新会话答复相同）' : '仍被记住（未淘汰！）'}，洪峰后开始的对话${eviction.lateRemembered ? '仍被记住' : '已丢失（意外）'}（用例 ${probe.id}）`,
  );
  console.log(`目标：结束时 RSS < ${TARGET_RSS_MB} MB：${met ? '达成' : '未达成'}（${fmtMB(end.rssBytes)} MB）`);
} finally {
  await service.stop();
}

let breakdown: (BreakdownStep & { deltaRssBytes: number; deltaHeapBytes: number })[] | undefined;
if (!process.argv.includes('--no-breakdown')) {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_MEMORY_BREAKDOWN_CHILD: '1' },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`memory breakdown failed: ${child.stderr}`);
  const steps = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as BreakdownStep[];
  breakdown = steps.map((s, i) => ({
    ...s,
    deltaRssBytes: s.rssBytes - (steps[i - 1]?.rssBytes ?? 0),
    deltaHeapBytes: s.heapUsedBytes - (steps[i - 1]?.heapUsedBytes ?? 0),
  }));
  const serviceStart = samples[0]?.rssBytes;
  console.log('');
  console.log('启动内存构成（新进程中逐项加载，每步先 GC）：');
  console.log(
    formatTable(
      ['加载到', 'RSS MB', '+RSS MB', '+V8 堆 MB'],
      [
        ...breakdown.map((s) => [s.step, fmtMB(s.rssBytes), fmtMB(s.deltaRssBytes), fmtMB(s.deltaHeapBytes)]),
        ...(serviceStart !== undefined
          ? [
              [
                '实际服务启动后（含建 fastify 实例、监听、未 GC；增量相对 fastify 一行）',
                fmtMB(serviceStart),
                fmtMB(serviceStart - breakdown.find((s) => s.step.startsWith('fastify'))!.rssBytes),
                '',
              ],
            ]
          : []),
      ],
    ),
  );
}

const file = writeJson(serviceNodeOptions ? 'memory-variant' : fullGc ? 'memory-full-gc' : 'memory', {
  benchmark: 'memory',
  machine: machineInfo(),
  settings: {
    questions: total,
    concurrency,
    settleSeconds,
    sessionMax: defaults.sessions.max,
    launcher: `node ${startScriptNodeFlags().join(' ')} --import tsx server/server.ts`,
    logLevel: 'info',
    ...(serviceNodeOptions ? { serviceNodeOptions } : {}),
    fullGc,
  },
  target: { rssMB: TARGET_RSS_MB },
  ...result,
  samples,
  statuses: Object.fromEntries(statuses),
  inProcess,
  ...(breakdown ? { breakdown } : {}),
});
console.log(`结果：${file}`);
