/** Spawns `bench/engine-worker.ts` in its own Node process and reads back its JSON result. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EngineName, WorkerResult } from '../engine-worker.js';
import { REPO_ROOT } from './corpus.js';
import type { BenchQuery } from './queries.js';

export const WORKER_FILE = path.join(REPO_ROOT, 'bench/engine-worker.ts');

export interface WorkerOptions {
  engine: EngineName;
  docs: number;
  corpusDir: string;
  queries: BenchQuery[];
  withDefault?: boolean;
  passes?: number;
  /** When set, the worker runs with --cpu-prof and writes its profile here. */
  profileDir?: string;
}

export async function runEngineWorker(options: WorkerOptions): Promise<WorkerResult> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'bench-worker-'));
  const queriesFile = path.join(scratch, 'queries.json');
  const outFile = path.join(scratch, 'result.json');
  writeFileSync(queriesFile, JSON.stringify(options.queries));
  const nodeArgs = ['--expose-gc'];
  if (options.profileDir) {
    mkdirSync(options.profileDir, { recursive: true });
    nodeArgs.push(
      '--cpu-prof',
      `--cpu-prof-dir=${options.profileDir}`,
      `--cpu-prof-name=${options.engine}-${options.docs}-${Date.now()}.cpuprofile`,
    );
  }
  const args = [
    ...nodeArgs,
    '--import',
    'tsx',
    WORKER_FILE,
    '--engine',
    options.engine,
    '--docs',
    String(options.docs),
    '--corpus',
    options.corpusDir,
    '--queries',
    queriesFile,
    '--out',
    outFile,
    '--passes',
    String(options.passes ?? 1),
    ...(options.withDefault ? ['--with-default'] : []),
  ];
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('error', reject);
      child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
    });
    if (code !== 0) throw new Error(`engine worker ${options.engine} --docs ${options.docs} exited with ${code}`);
    return JSON.parse(readFileSync(outFile, 'utf8')) as WorkerResult;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
