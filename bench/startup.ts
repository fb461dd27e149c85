/**
 * Benchmark 6 — start-up (`npm run bench:startup`).
 *
 * Time from spawning the service to the first 200 from `/readyz` (polled every 10 ms), (a) with a built
 * index in KNOWLEDGE_DIST_DIR, (b) with an empty KNOWLEDGE_DIST_DIR, so the index is rebuilt at start.
 * Each is measured with two launchers:
 *  - `node [flags of npm start] --import tsx server/server.ts`: what `npm start` runs, without npm
 *    and the tsx CLI in front (the same command as server/testing/spawn-server.ts);
 *  - `npm start`: literally, as an operator types it (npm, then the tsx CLI, then node).
 * One untimed start first builds the index for (a) and warms tsx's compile cache and the OS file cache.
 * Also read from the service's log: how long opening the knowledge base took (the "knowledge base ready"
 * line), to tell index work from the rest.
 *
 * Options: --runs 5 --no-npm
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmtMs, formatTable, machineInfo, median, numberArg, startService, writeJson } from './lib/perf-kit.js';

const runs = numberArg('runs', 5);
const launchers = process.argv.includes('--no-npm') ? (['node'] as const) : (['node', 'npm'] as const);
type Launcher = (typeof launchers)[number];
type Mode = 'built' | 'rebuild';

const tempDirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
};

interface Start {
  readyMs: number;
  knowledgeMs?: number;
  index?: string;
}

async function startOnce(distDir: string, launcher: Launcher): Promise<Start> {
  const service = await startService({ launcher, env: { KNOWLEDGE_DIST_DIR: distDir, LOG_LEVEL: 'info' } });
  try {
    const log = readFileSync(service.logFile, 'utf8');
    const kbLine = log.split('\n').find((line) => line.includes('knowledge base ready'));
    const knowledgeMs = kbLine ? (JSON.parse(kbLine) as { ms?: number }).ms : undefined;
    return { readyMs: service.readyMs, knowledgeMs, index: service.ready.index };
  } finally {
    await service.stop();
  }
}

const builtDir = tempDir('bench-startup-built-');
const warm = await startOnce(builtDir, 'node');
console.log(`预热启动（空目录，建索引）：${fmtMs(warm.readyMs)} ms，索引 ${warm.index}`);

const results: { mode: Mode; launcher: Launcher; starts: Start[] }[] = [];
try {
  for (const mode of ['built', 'rebuild'] as const) {
    for (const launcher of launchers) {
      const starts: Start[] = [];
      for (let i = 0; i < runs; i++) {
        const start = await startOnce(mode === 'built' ? builtDir : tempDir('bench-startup-empty-'), launcher);
        const expected = mode === 'built' ? 'loaded' : 'built';
        if (start.index !== expected) throw new Error(`${mode}/${launcher}: /readyz says index ${start.index}, expected ${expected}`);
        starts.push(start);
        process.stdout.write(
          `\r${mode === 'built' ? '已建索引' : '重建索引'} / ${launcher}：第 ${i + 1}/${runs} 次 ${fmtMs(start.readyMs)} ms      `,
        );
      }
      results.push({ mode, launcher, starts });
    }
  }
} finally {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}
process.stdout.write('\n\n');

const LAUNCHER_LABEL: Record<Launcher, string> = { node: 'node（npm start 的命令）', npm: 'npm start' };
const summary = results.map((r) => {
  const ready = r.starts.map((s) => s.readyMs);
  const kb = r.starts.flatMap((s) => (s.knowledgeMs !== undefined ? [s.knowledgeMs] : []));
  return {
    mode: r.mode,
    launcher: LAUNCHER_LABEL[r.launcher],
    runs: r.starts.length,
    medianMs: median(ready),
    maxMs: Math.max(...ready),
    minMs: Math.min(...ready),
    knowledgeMedianMs: kb.length ? median(kb) : Number.NaN,
    samplesMs: ready,
  };
});
console.log(
  formatTable(
    ['知识索引', '启动方式', '次数', '中位 ms', '最大 ms', '最小 ms', '其中打开知识库（中位）ms'],
    summary.map((s) => [
      s.mode === 'built' ? '已建好（加载）' : '空目录（重建）',
      s.launcher,
      s.runs,
      fmtMs(s.medianMs),
      fmtMs(s.maxMs),
      fmtMs(s.minMs),
      fmtMs(s.knowledgeMedianMs),
    ]),
  ),
);
console.log('计时：从 spawn 到 /readyz 首次返回 200（每 10 ms 轮询一次）。');

const file = writeJson('startup', {
  benchmark: 'startup',
  machine: machineInfo(),
  settings: { runs, launchers: launchers.map((l) => LAUNCHER_LABEL[l]), pollMs: 10, warmup: warm },
  results: summary,
});
console.log(`结果：${file}`);
