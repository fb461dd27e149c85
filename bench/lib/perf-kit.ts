/**
 * Shared by the service-level benchmarks (answer-latency, http-throughput, memory, startup): percentiles,
 * plain-text tables, the JSON result writer, and starting the service as its own process.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS_DIR = path.join(REPO_ROOT, 'bench/results');

/** What the numbers were measured on, so runs on different machines are not compared blindly. */
export function machineInfo() {
  let commit = 'unknown';
  let dirty = false;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    dirty = execFileSync('git', ['status', '--porcelain'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim() !== '';
  } catch {
    // not a git checkout
  }
  return {
    at: new Date().toISOString(),
    commit,
    dirty,
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemoryMB: Math.round(os.totalmem() / 1024 / 1024),
    platform: `${os.platform()} ${os.release()}`,
    /** 1/5/15-minute load averages when the run started: other work on the machine skews every figure. */
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Writes `bench/results/<name>.json` (git-ignored) and returns its path. */
export function writeJson(name: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** Nearest-rank percentile of samples sorted ascending. */
export function percentileOfSorted(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarise(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
    p50: percentileOfSorted(sorted, 50),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Milliseconds with sensible precision. */
export const fmtMs = (value: number): string =>
  !Number.isFinite(value) ? '-' : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
export const fmtMB = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
export const fmtInt = (value: number): string => Math.round(value).toLocaleString('en-US');

/** A plain text table: first column left-aligned, the rest right-aligned; CJK characters count double. */
export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const width = (s: string) =>
    [...s].reduce(
      (w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1),
      0,
    );
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => width(r[c] ?? ''))));
  const pad = (s: string, c: number) => {
    const fill = ' '.repeat(Math.max(0, widths[c]! - width(s)));
    return c === 0 ? s + fill : fill + s;
  };
  const line = (r: string[]) => r.map((s, c) => pad(s, c)).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** `--name value` (or `--name=value`) from argv as a number, else the default. */
export function numberArg(name: string, fallback: number, argv: string[] = process.argv.slice(2)): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}` && argv[i + 1] !== undefined) return Number(argv[i + 1]);
    if (arg.startsWith(`--${name}=`)) return Number(arg.slice(name.length + 3));
  }
  return fallback;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** VmRSS and VmHWM (peak) of a process, from /proc/<pid>/status, in bytes. */
export function procMemory(pid: number): { rssBytes: number; peakRssBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

export interface ServiceProcess {
  url: string;
  /** The pid of the Node process that runs server/server.ts (for the `node` launcher; npm's for `npm`). */
  pid: number;
  child: ChildProcess;
  logFile: string;
  dataDir: string;
  /** Milliseconds from spawn to the first 200 from /readyz. */
  readyMs: number;
  /** The /readyz body. */
  ready: { index?: string; documents?: number; clauses?: number; sessions?: string };
  exited: Promise<number | NodeJS.Signals | null>;
  stop(): Promise<number | NodeJS.Signals | null>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /**
   * `node`: `node [flags of npm start] --import tsx server/server.ts`, what `npm start` runs, without npm
   * in between, as one process whose memory can be read.
   * `npm`: `npm start` itself (npm, then the tsx CLI, then node): what an operator types.
   */
  launcher?: 'node' | 'npm';
  /** Extra node flags before `--import tsx` (the `node` launcher only), e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * The node flags `npm start` passes before `--import tsx` (e.g. `--max-semi-space-size=4`), read from
 * package.json so the `node` launcher runs the service exactly as `npm start` does.
 */
export function startScriptNodeFlags(): string[] {
  const start = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const match = /^node\s+(.*?)\s*--import tsx server\/server\.ts$/.exec(start.trim());
  if (!match) throw new Error(`package.json start script is not "node [flags] --import tsx server/server.ts": ${start}`);
  return match[1]!.split(/\s+/).filter(Boolean);
}

/**
 * Starts the service as its own process on a free port and resolves once `/readyz` answers 200.
 * Unlike server/testing/spawn-server.ts this does not read the address from the "started" log line, so it
 * works at any LOG_LEVEL (at `warn` that line is not written); logs go to a file in a temp folder, not
 * through a pipe into this (load-generating) process.
 */
export async function startService(options: StartOptions = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-service-'));
  const dataDir = path.join(work, 'data');
  const logFile = path.join(work, 'service.log');
  const fd = openSync(logFile, 'a');
  const env = { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, ...options.env };
  const launcher = options.launcher ?? 'node';
  const started = performance.now();
  const child =
    launcher === 'node'
      ? spawn(
          process.execPath,
          [...startScriptNodeFlags(), ...(options.nodeArgs ?? []), '--import', 'tsx', path.join(REPO_ROOT, 'server/server.ts')],
          {
            cwd: REPO_ROOT,
            env,
            stdio: ['ignore', fd, fd],
          },
        )
      : spawn('npm', ['start', '--silent'], { cwd: REPO_ROOT, env, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (!hasExited) {
      if (launcher === 'npm') {
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          // already gone
        }
      } else child.kill('SIGTERM');
      const timer = setTimeout(() => {
        try {
          if (launcher === 'npm') process.kill(-child.pid!, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          // already gone
        }
      }, 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return exited;
  };

  const deadline = started + (options.timeoutMs ?? 120_000);
  const pollMs = options.pollMs ?? 10;
  for (;;) {
    if (hasExited) throw new Error(`service exited (${await exited}) before it was ready:\n${readFileSync(logFile, 'utf8').slice(-4000)}`);
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`service not ready within ${options.timeoutMs ?? 120_000} ms:\n${readFileSync(logFile, 'utf8').slice(-4000)}`);
    }
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) {
        const readyMs = performance.now() - started;
        const ready = (await response.json()) as ServiceProcess['ready'];
        return { url, pid: child.pid!, child, logFile, dataDir, readyMs, ready, exited, stop };
      }
      await response.arrayBuffer();
    } catch {
      // not listening yet
    }
    await sleep(pollMs);
  }
}

/** User + system CPU seconds a process has used so far, from /proc/<pid>/stat (clock ticks at 100 Hz). */
export function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Nanoseconds a process's main thread has spent running and waiting for a CPU (run queue), from
 * /proc/<pid>/schedstat. Waiting time shows CPU contention (the load generator, other work on the box).
 */
export function procSchedNs(pid: number): { runningNs: number; waitingNs: number } {
  const [running, waiting] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
  return { runningNs: running ?? Number.NaN, waitingNs: waiting ?? Number.NaN };
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
  selfShare: number;
  totalMs?: number;
  totalShare?: number;
}

/** Microseconds on CLOCK_MONOTONIC, the clock of `.cpuprofile` timestamps. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Shortens a profile URL to a repo-relative path or a package name. */
function shortUrl(url: string): string {
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (file.startsWith(REPO_ROOT)) return path.relative(REPO_ROOT, file);
  return file === '' ? '(native)' : file.startsWith('node:') ? file : file;
}

/**
 * Reads a `.cpuprofile` (from `node --cpu-prof`) and ranks, by self time: functions, and files/packages;
 * and by inclusive time: the repo's own functions. Idle and GC are listed under their own names.
 */
export function summariseCpuProfile(file: string, options: { top?: number; windows?: { fromUs: number; toUs: number }[] } = {}) {
  const top = options.top ?? 15;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: CpuProfileNode[];
    startTime: number;
    endTime: number;
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  // Sample timestamps are CLOCK_MONOTONIC microseconds, as process.hrtime in any process on the machine:
  // a window taken in the benchmark process selects the samples of the measured phase only.
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (options.windows && !options.windows.some((w) => at >= w.fromUs && at <= w.toUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idleUs = [...selfUs.entries()].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  const busyUs = totalUs - idleUs;
  // tsx output often puts a module on few lines: a line number of 1 says nothing, so it is left out.
  const label = (n: CpuProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}${n.callFrame.url && n.callFrame.lineNumber > 0 ? `:${n.callFrame.lineNumber + 1}` : ''}`;

  const selfByFn = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  const inclusiveOwn = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    selfByFn.set(label(node), (selfByFn.get(label(node)) ?? 0) + us);
    const where = node.callFrame.url ? shortUrl(node.callFrame.url) : node.callFrame.functionName;
    selfByFile.set(where, (selfByFile.get(where) ?? 0) + us);
    // Inclusive time of the repo's own functions (each counted once per sample stack).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (!n.callFrame.url.includes(REPO_ROOT) || n.callFrame.url.includes('node_modules')) continue;
      const key = label(n);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusiveOwn.set(key, (inclusiveOwn.get(key) ?? 0) + us);
    }
  }
  const rank = (m: Map<string, number>, inclusive = false): ProfileEntry[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) =>
        inclusive
          ? { name, selfMs: Number.NaN, selfShare: Number.NaN, totalMs: us / 1000, totalShare: us / busyUs }
          : { name, selfMs: us / 1000, selfShare: us / busyUs },
      );
  return {
    file,
    wallMs: options.windows
      ? options.windows.reduce((sum, w) => sum + (w.toUs - w.fromUs), 0) / 1000
      : (profile.endTime - profile.startTime) / 1000,
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    topSelfFunctions: rank(selfByFn),
    topSelfFiles: rank(selfByFile),
    topInclusiveOwn: rank(inclusiveOwn, true),
    /** Self time of every file or package (ms), for grouping into categories. */
    selfMsByFile: Object.fromEntries([...selfByFile.entries()].sort((a, b) => b[1] - a[1]).map(([name, us]) => [name, us / 1000])),
  };
}

/**
 * Profiles this process's CPU (the V8 sampling profiler through node:inspector, the same data as
 * `node --cpu-prof`) while `work` runs, writes the `.cpuprofile` under bench/results/profiles/ and returns
 * its path. Only the measured phase is in the profile: start-up and warm-up are left out.
 */
export async function profileInProcess(name: string, work: () => Promise<void>, intervalUs = 200): Promise<string> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  const dir = path.join(RESULTS_DIR, 'profiles');
  const file = path.join(dir, `${name}-${Date.now()}.cpuprofile`);
  try {
    await work();
  } finally {
    const { profile } = (await session.post('Profiler.stop')) as { profile: unknown };
    session.disconnect();
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(profile));
  }
  return file;
}

/** Prints the three rankings of `summariseCpuProfile`. */
export function printProfile(summary: ReturnType<typeof summariseCpuProfile>): void {
  console.log(
    `CPU 剖析：${summary.file}（${(summary.wallMs / 1000).toFixed(1)} s，忙 ${(summary.busyMs / 1000).toFixed(1)} s，空闲 ${(summary.idleMs / 1000).toFixed(1)} s）`,
  );
  const share = (v: number) => `${(v * 100).toFixed(1)}%`;
  console.log(
    formatTable(
      ['自身耗时最多的函数', 'ms', '占忙时'],
      summary.topSelfFunctions.map((e) => [e.name, fmtMs(e.selfMs), share(e.selfShare)]),
    ),
  );
  console.log('');
  console.log(
    formatTable(
      ['自身耗时：文件/包', 'ms', '占忙时'],
      summary.topSelfFiles.map((e) => [e.name, fmtMs(e.selfMs), share(e.selfShare)]),
    ),
  );
  console.log('');
  console.log(
    formatTable(
      ['本仓库函数（含子调用）', 'ms', '占忙时'],
      summary.topInclusiveOwn.map((e) => [e.name, fmtMs(e.totalMs!), share(e.totalShare!)]),
    ),
  );
}
