/**
 * Every benchmark, one after another, each in a child process of its own (`npm run bench`), so one
 * benchmark's heap, JIT state and leftover timers cannot colour the next one's figures.
 * Arguments after `--` are passed to every script (e.g. `npm run bench -- --runs 3`); a benchmark that
 * fails does not stop the others, but makes the run exit non-zero.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { formatTable, machineInfo, REPO_ROOT, writeJson } from './lib/perf-kit.js';

const SCRIPTS = [
  { file: 'bench/answer-latency.ts', title: '1. 进程内答复延迟' },
  { file: 'bench/http-throughput.ts', title: '2. HTTP 吞吐' },
  { file: 'bench/retrieval.ts', title: '3. 检索质量与 SQLite FTS5 对比' },
  { file: 'bench/scale.ts', title: '4. 规模曲线' },
  { file: 'bench/memory.ts', title: '5. 内存' },
  { file: 'bench/startup.ts', title: '6. 启动时间' },
];

const passThrough = process.argv.slice(2);
const outcomes: { file: string; title: string; status: 'ok' | 'failed' | 'missing'; exitCode: number | string | null; seconds: number }[] =
  [];

for (const { file, title } of SCRIPTS) {
  if (!existsSync(path.join(REPO_ROOT, file))) {
    outcomes.push({ file, title, status: 'missing', exitCode: null, seconds: 0 });
    continue;
  }
  console.log(`\n======== ${title}（${file}）========\n`);
  const started = performance.now();
  const exitCode = await new Promise<number | string | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...passThrough], { cwd: REPO_ROOT, stdio: 'inherit' });
    child.on('error', (error) => resolve(error.message));
    child.on('exit', (code, signal) => resolve(code ?? signal));
  });
  outcomes.push({ file, title, status: exitCode === 0 ? 'ok' : 'failed', exitCode, seconds: (performance.now() - started) / 1000 });
}

console.log('\n======== 汇总 ========\n');
console.log(
  formatTable(
    ['基准', '脚本', '结果', '用时 s'],
    outcomes.map((o) => [
      o.title,
      o.file,
      o.status === 'ok' ? '完成' : o.status === 'missing' ? '（脚本不存在，跳过）' : `失败（${o.exitCode}）`,
      o.status === 'missing' ? '' : o.seconds.toFixed(0),
    ]),
  ),
);
console.log('各项结果 JSON 在 bench/results/，说明见 BENCHMARKS.md。');
writeJson('run-all', { machine: machineInfo(), args: passThrough, outcomes });
if (outcomes.some((o) => o.status === 'failed')) process.exitCode = 1;
