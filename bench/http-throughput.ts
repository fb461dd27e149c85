/**
 * Benchmark 2 — HTTP throughput (`npm run bench:http`).
 *
 * Starts the service as its own process (the node command of `npm start`, flags included) with the
 * rate limit out of the way, then drives it with autocannon (programmatic API, in this process) for the
 * same duration and connection count against `/healthz` (the ceiling: routing, hooks and serialisation with
 * no answering) and `/v1/ask` (real golden-set questions, rotated per connection, one session per
 * connection). Done twice: at LOG_LEVEL=warn (no per-request log lines) and at the default `info`.
 * Target: /v1/ask at ≥ 30% of the /healthz rate, with zero errors and zero non-2xx.
 *
 * The two are measured in interleaved slices (`--rounds`, alternating which goes first) so that drift in
 * the machine's speed falls on both alike; the ratio is of the summed counts.
 *
 * Options: --duration 10 (seconds per endpoint, over all rounds) --rounds 5 --connections 20 --warmup 3
 *   --cpu-prof   also start the service with `node --cpu-prof` and rank where its CPU time went during the
 *                /v1/ask phase (profiles under bench/results/profiles/)
 *   --service-node-options "<flags>"   NODE_OPTIONS for the service (e.g. V8 heap flags), to compare
 *   --levels warn,info                 which LOG_LEVELs to run
 *   --no-memo    start the service with ANALYSIS_CACHE_SIZE=0: every question analysed afresh (the
 *                rotating golden questions otherwise hit the memo after their first round)
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadGoldenSet } from '../eval/golden/schema.js';
import { DEFAULT_AS_OF } from '../eval/runner/run.js';
import {
  fmtInt,
  fmtMB,
  fmtMs,
  formatTable,
  machineInfo,
  numberArg,
  procCpuSeconds,
  procMemory,
  procSchedNs,
  RESULTS_DIR,
  monotonicUs,
  printProfile,
  startScriptNodeFlags,
  startService,
  summariseCpuProfile,
  writeJson,
} from './lib/perf-kit.js';

/** The part of autocannon's programmatic API used here (the package ships no types). */
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonClient {
  setRequests(requests: AutocannonRequest[]): void;
}
interface AutocannonOptions extends AutocannonRequest {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  timeout?: number;
  setupClient?: (client: AutocannonClient) => void;
}
interface Histogram {
  average: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p97_5: number;
  p99: number;
  total?: number;
}
interface AutocannonResult {
  duration: number;
  requests: Histogram & { total: number; sent: number };
  latency: Histogram;
  throughput: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  resets: number;
  mismatches: number;
  '2xx': number;
  statusCodeStats?: Record<string, { count: number }>;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: AutocannonOptions) => Promise<AutocannonResult>;

const TARGET_RATIO = 0.3;
const duration = numberArg('duration', 10);
const connections = numberArg('connections', 20);
const warmup = numberArg('warmup', 3);
const rounds = numberArg('rounds', 5);
const levelsAt = process.argv.indexOf('--levels');
const LEVELS = levelsAt > 0 ? process.argv[levelsAt + 1]!.split(',') : ['warn', 'info'];
const optionsAt = process.argv.indexOf('--service-node-options');
const serviceNodeOptions = optionsAt > 0 ? process.argv[optionsAt + 1] : undefined;
const cpuProf = process.argv.includes('--cpu-prof');
const noMemo = process.argv.includes('--no-memo');

/** Every turn of every golden case, as the body a client would send (the case's date, or the eval default). */
const questions = loadGoldenSet().flatMap((c) => c.turns.map((question) => ({ question, asOf: c.asOf ?? DEFAULT_AS_OF })));

interface Measured {
  endpoint: '/healthz' | '/v1/ask';
  requestsPerSecond: number;
  total: number;
  latencyMs: { mean: number; p50: number; p97_5: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Share of one core the service used during the run (1.0 = one core busy all the time). */
  serviceCpu: number;
  /** Share of one core this process (the load generator) used. */
  loadGeneratorCpu: number;
  /** Share of the wall time the service's main thread was runnable but waiting for a CPU (contention). */
  serviceRunQueueWait: number;
}

async function measure(url: string, pid: number, endpoint: Measured['endpoint'], seconds: number, tag: string): Promise<Measured> {
  let clientSeq = 0;
  const cpuBefore = procCpuSeconds(pid);
  const schedBefore = procSchedNs(pid);
  const selfBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = await autocannon({
    url: `${url}${endpoint}`,
    connections,
    duration: seconds,
    timeout: 10,
    ...(endpoint === '/v1/ask'
      ? {
          method: 'POST',
          setupClient: (client) => {
            // Each connection is one conversation: its own session, the golden questions from its own offset.
            const id = clientSeq++;
            const offset = Math.floor((id * questions.length) / connections);
            const rotated = [...questions.slice(offset), ...questions.slice(0, offset)];
            client.setRequests(
              rotated.map(({ question, asOf }) => ({
                method: 'POST',
                path: '/v1/ask',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ question, sessionId: `bench-http-${tag}-${id}`, channel: 'bench', asOf }),
              })),
            );
          },
        }
      : { method: 'GET' }),
  });
  const wallSeconds = (performance.now() - wallBefore) / 1000;
  const self = process.cpuUsage(selfBefore);
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  return {
    endpoint,
    requestsPerSecond: result.requests.total / result.duration,
    total: result.requests.total,
    latencyMs: {
      mean: result.latency.mean,
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    serviceCpu: (procCpuSeconds(pid) - cpuBefore) / wallSeconds,
    loadGeneratorCpu: (self.user + self.system) / 1e6 / wallSeconds,
    serviceRunQueueWait: (procSchedNs(pid).waitingNs - schedBefore.waitingNs) / 1e9 / wallSeconds,
  };
}

/** One endpoint's slices as one measurement: rates over the summed time, latency percentiles as the median slice's. */
function combine(slices: Measured[]): Measured {
  const seconds = slices.length * (duration / rounds);
  const total = slices.reduce((sum, m) => sum + m.total, 0);
  const middle = <K extends keyof Measured['latencyMs']>(key: K) => {
    const sorted = slices.map((m) => m.latencyMs[key]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  const mean = (key: 'serviceCpu' | 'loadGeneratorCpu' | 'serviceRunQueueWait') =>
    slices.reduce((sum, m) => sum + m[key], 0) / slices.length;
  const statusCodes: Record<string, number> = {};
  for (const m of slices) for (const [code, count] of Object.entries(m.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  return {
    endpoint: slices[0]!.endpoint,
    requestsPerSecond: total / seconds,
    total,
    latencyMs: {
      mean: middle('mean'),
      p50: middle('p50'),
      p97_5: middle('p97_5'),
      p99: middle('p99'),
      max: Math.max(...slices.map((m) => m.latencyMs.max)),
    },
    errors: slices.reduce((sum, m) => sum + m.errors, 0),
    timeouts: slices.reduce((sum, m) => sum + m.timeouts, 0),
    non2xx: slices.reduce((sum, m) => sum + m.non2xx, 0),
    statusCodes,
    serviceCpu: mean('serviceCpu'),
    loadGeneratorCpu: mean('loadGeneratorCpu'),
    serviceRunQueueWait: mean('serviceRunQueueWait'),
  };
}

/** Where a profile's self time goes, by part of the request path (file or package → category). */
const CATEGORIES: [string, RegExp][] = [
  ['答题：检索（knowledge/index、hnswlib、jieba）', /^knowledge\/index\/|^HierarchicalNSW$|^hnswlib-node|^@node-rs\/jieba|^cutForSearch$/],
  ['答题：文本规范化（normalise、opencc、money）', /^knowledge\/text\/|^opencc-js|^nzh/],
  ['答题：意图、槽位、计算器、模板（server/answering、calculator）', /^server\/answering\/|^server\/calculator\//],
  ['会话存储（lru-cache、structuredClone）', /^server\/sessions\/|^lru-cache|^structuredClone$/],
  ['问答日志（SQLite 写入）', /^server\/qa-log\/|^better-sqlite3/],
  ['请求日志（pino）', /^pino|^@pinojs|^sonic-boom|^server\/logging\//],
  ['指标（prom-client）', /^prom-client|^server\/plugins\/metrics/],
  [
    'HTTP 与框架（fastify、zod 校验/序列化、helmet、node:http…）',
    /^fastify|^@fastify|^zod|^find-my-way|^secure-json-parse|^helmet|^avvio|^light-my-request|^fast-json-stringify|^toad-cache|^node:|^writev$|^writeUtf8String$|^writeBuffer$|^server\/(routes|plugins|app|schemas)|^ipaddr|^proxy-addr|^content-type|^fast-querystring|^@lukeed|^rfdc|^process-warning|^abstract-logging|^json-schema-ref-resolver|^fast-uri|^ajv/,
  ],
  ['垃圾回收', /^\(garbage collector\)$/],
];
function categorise(selfMsByFile: Record<string, number>, busyMs: number) {
  const totals = new Map<string, number>();
  for (const [file, ms] of Object.entries(selfMsByFile)) {
    const category = CATEGORIES.find(([, pattern]) => pattern.test(file))?.[0] ?? '其他（原生、微任务、未归类）';
    totals.set(category, (totals.get(category) ?? 0) + ms);
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([category, ms]) => ({ category, ms, share: ms / busyMs }));
}

const runs: {
  logLevel: string;
  healthz: Measured;
  ask: Measured;
  ratio: number;
  /** /v1/ask ÷ /healthz of each round. */
  roundRatios: number[];
  met: boolean;
  serviceRssBytes: number;
  askProfile?: ReturnType<typeof summariseCpuProfile>;
  askCategories?: { category: string; ms: number; share: number; msPerRequest: number }[];
}[] = [];
for (const logLevel of LEVELS) {
  const profileDir = path.join(RESULTS_DIR, 'profiles', `http-${logLevel}-${Date.now()}`);
  if (cpuProf) mkdirSync(profileDir, { recursive: true });
  const service = await startService({
    env: {
      LOG_LEVEL: logLevel,
      RATE_LIMIT_PER_MINUTE: '1000000',
      ...(noMemo ? { ANALYSIS_CACHE_SIZE: '0' } : {}),
      ...(serviceNodeOptions ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${serviceNodeOptions}`.trim() } : {}),
    },
    ...(cpuProf ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
  });
  let run: (typeof runs)[number] | undefined;
  const askWindows: { fromUs: number; toUs: number }[] = [];
  try {
    // One real answer first: the bench measures answering, not errors.
    const probe = await fetch(`${service.url}/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: questions[0]!.question, asOf: questions[0]!.asOf }),
    });
    const probeBody = (await probe.json()) as { kind?: string };
    if (probe.status !== 200 || !probeBody.kind) throw new Error(`probe /v1/ask answered ${probe.status}: ${JSON.stringify(probeBody)}`);
    console.log(`LOG_LEVEL=${logLevel}：服务 pid ${service.pid}，${service.url}，就绪 ${service.readyMs.toFixed(0)} ms；预热 ${warmup} s…`);
    if (warmup > 0) {
      await measure(service.url, service.pid, '/v1/ask', warmup, `${logLevel}-warmup`);
      await measure(service.url, service.pid, '/healthz', Math.max(1, Math.round(warmup / 2)), `${logLevel}-warmup`);
    }
    // Interleaved: the machine's speed drifts (other tenants, CPU frequency), so each endpoint gets the
    // same number of short slices, alternating which goes first, instead of one long run each.
    const slice = duration / rounds;
    const healthzSlices: Measured[] = [];
    const askSlices: Measured[] = [];
    for (let round = 0; round < rounds; round++) {
      const order: Measured['endpoint'][] = round % 2 === 0 ? ['/healthz', '/v1/ask'] : ['/v1/ask', '/healthz'];
      for (const endpoint of order) {
        const fromUs = monotonicUs();
        const measured = await measure(service.url, service.pid, endpoint, slice, `${logLevel}-${round}`);
        if (endpoint === '/v1/ask') {
          askSlices.push(measured);
          askWindows.push({ fromUs, toUs: monotonicUs() });
        } else healthzSlices.push(measured);
      }
      console.log(
        `  第 ${round + 1}/${rounds} 轮：/healthz ${fmtInt(healthzSlices.at(-1)!.requestsPerSecond)}、/v1/ask ${fmtInt(askSlices.at(-1)!.requestsPerSecond)} 请求/秒`,
      );
    }
    const healthz = combine(healthzSlices);
    const ask = combine(askSlices);
    const roundRatios = askSlices.map((a, i) => a.requestsPerSecond / healthzSlices[i]!.requestsPerSecond);
    const ratio = ask.requestsPerSecond / healthz.requestsPerSecond;
    const clean = [healthz, ask].every((m) => m.errors === 0 && m.timeouts === 0 && m.non2xx === 0);
    run = {
      logLevel,
      healthz,
      ask,
      ratio,
      roundRatios,
      met: ratio >= TARGET_RATIO && clean,
      serviceRssBytes: procMemory(service.pid).rssBytes,
    };
  } finally {
    await service.stop();
  }
  if (cpuProf && run && askWindows.length > 0) {
    // The profile is written when the service exits.
    const profile = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (profile) run.askProfile = summariseCpuProfile(path.join(profileDir, profile), { windows: askWindows, top: 20 });
    else console.warn(`没有找到 CPU 剖析文件（${profileDir}）`);
  }
  runs.push(run);
}

console.log('');
console.log(`连接数 ${connections}，每项 ${duration} s；负载生成器与服务同机（${machineInfo().cpus} 核）`);
console.log(
  formatTable(
    ['日志级别', '接口', '请求/秒', 'p50 ms', 'p97.5 ms', 'p99 ms', '错误', '非 2xx', '服务 CPU', '服务等 CPU', '压测端 CPU'],
    runs.flatMap((r) =>
      [r.healthz, r.ask].map((m) => [
        r.logLevel,
        m.endpoint,
        fmtInt(m.requestsPerSecond),
        fmtMs(m.latencyMs.p50),
        fmtMs(m.latencyMs.p97_5),
        fmtMs(m.latencyMs.p99),
        m.errors + m.timeouts,
        m.non2xx,
        `${(m.serviceCpu * 100).toFixed(0)}%`,
        `${(m.serviceRunQueueWait * 100).toFixed(0)}%`,
        `${(m.loadGeneratorCpu * 100).toFixed(0)}%`,
      ]),
    ),
  ),
);
console.log('');
for (const r of runs) {
  console.log(
    `LOG_LEVEL=${r.logLevel}：/v1/ask ÷ /healthz = ${(r.ratio * 100).toFixed(1)}%（各轮 ${r.roundRatios.map((x) => `${(x * 100).toFixed(1)}%`).join('、')}；目标 ≥ ${TARGET_RATIO * 100}%，且零错误、零非 2xx）：${r.met ? '达成' : '未达成'}；结束时服务 RSS ${fmtMB(r.serviceRssBytes)} MB`,
  );
}

for (const r of runs) {
  if (!r.askProfile) continue;
  console.log('');
  console.log(`LOG_LEVEL=${r.logLevel}，/v1/ask 阶段：`);
  printProfile(r.askProfile);
  // Main-thread time per answered request, split by where the profile saw it spent (the JS thread is
  // what limits the rate; the process CPU figure above also counts GC helper and libuv threads).
  const mainMsPerRequest = r.askProfile.busyMs / r.ask.total;
  const categories = categorise(r.askProfile.selfMsByFile, r.askProfile.busyMs);
  r.askCategories = categories.map((c) => ({ ...c, msPerRequest: c.ms / r.ask.total }));
  console.log('');
  console.log(
    `每个 /v1/ask 请求：主线程忙 ${mainMsPerRequest.toFixed(2)} ms；进程 CPU ${((r.ask.serviceCpu * duration * 1000) / r.ask.total).toFixed(2)} ms（/healthz：${((r.healthz.serviceCpu * duration * 1000) / r.healthz.total).toFixed(3)} ms）。主线程按类别：`,
  );
  console.log(
    formatTable(
      ['类别', '占忙时', '每请求 ms'],
      r.askCategories.map((c) => [c.category, `${(c.share * 100).toFixed(1)}%`, c.msPerRequest.toFixed(3)]),
    ),
  );
}

// A trial with other V8 flags or levels is kept apart from the reference result.
const variant = serviceNodeOptions || levelsAt > 0 || noMemo;
const file = writeJson(cpuProf ? 'http-throughput-profile' : variant ? 'http-throughput-variant' : 'http-throughput', {
  benchmark: 'http-throughput',
  machine: machineInfo(),
  settings: {
    durationSeconds: duration,
    connections,
    warmupSeconds: warmup,
    rounds,
    analysisMemo: !noMemo,
    questions: questions.length,
    rateLimitPerMinute: 1_000_000,
    launcher: `node ${startScriptNodeFlags().join(' ')} --import tsx server/server.ts`,
    ...(serviceNodeOptions ? { serviceNodeOptions } : {}),
  },
  target: { ratio: TARGET_RATIO, zeroErrors: true, zeroNon2xx: true },
  runs,
});
console.log(`结果：${file}`);
