import { createHash } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { BaseFolder } from '../base-folder.js';
import { AdminError } from './errors.js';

/**
 * The history of a knowledge base: every change (who, when, what) as one line of `history/log.jsonl`, with
 * the state of the base's files after it, so any change can be undone. File contents are kept once each,
 * by their SHA-256, under `history/objects/`. The built index (`dist/`) and the history itself are not part
 * of a version: both follow from the rest.
 */

export type ChangeAction =
  | 'baseline'
  | 'external-edit'
  | 'add-document'
  | 'publish-document'
  | 'unpublish-document'
  | 'update-metadata'
  | 'publish-rules'
  | 'unpublish-rules'
  | 'rollback';

export const ACTION_NAMES: Readonly<Record<ChangeAction, string>> = {
  baseline: '初始版本',
  'external-edit': '控制台之外的修改',
  'add-document': '新增文件',
  'publish-document': '重新发布文件',
  'unpublish-document': '下架文件',
  'update-metadata': '更正文件信息',
  'publish-rules': '发布奖补规则',
  'unpublish-rules': '下架奖补规则',
  rollback: '回滚',
};

/** A base's files: path relative to the base folder → SHA-256 of the content. */
export type FileTree = Record<string, string>;

export interface VersionRecord {
  version: number;
  /** The version a rollback from this one returns to; absent when nothing came before. */
  basedOn?: number;
  /** ISO time of the change. */
  at: string;
  /** Who made it: a console user, or the command line's user. */
  who: string;
  action: ChangeAction;
  /** What changed, in Chinese, as staff would say it. */
  summary: string;
  /** Files added (+), removed (−) or changed (~) against the version before. */
  changes: string[];
  files: FileTree;
}

/** Top-level names in a base folder that are not part of its versions. */
const NOT_VERSIONED = /^(?:dist|history)(?:$|\.)|^\./;
/** A lock older than this is left over from a process that died holding it. */
const STALE_LOCK_MS = 10 * 60_000;
const LOCK_WAIT_MS = 30_000;

/** Changes to one base queue here first, so two requests of one process never race for the lock file. */
const queues = new Map<string, Promise<unknown>>();

export class BaseHistory {
  readonly dir: string;
  private readonly logFile: string;
  private readonly objectsDir: string;
  private readonly lockFile: string;

  constructor(readonly base: BaseFolder) {
    this.dir = path.join(base.dir, 'history');
    this.logFile = path.join(this.dir, 'log.jsonl');
    this.objectsDir = path.join(this.dir, 'objects');
    this.lockFile = path.join(this.dir, '.lock');
  }

  /** Every recorded version, oldest first. A line cut short by a crash is skipped. */
  list(): VersionRecord[] {
    if (!existsSync(this.logFile)) return [];
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as VersionRecord];
        } catch {
          return [];
        }
      });
  }

  head(): VersionRecord | undefined {
    return this.list().at(-1);
  }

  /** The version a rollback would restore now, or undefined when there is none. */
  rollbackTarget(): VersionRecord | undefined {
    const versions = this.list();
    const head = versions.at(-1);
    return head?.basedOn === undefined ? undefined : versions.find((v) => v.version === head.basedOn);
  }

  /** The base's files as they are now, each stored in the object store. */
  captureTree(): FileTree {
    const tree: FileTree = {};
    const walk = (dir: string, rel: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (rel === '' && NOT_VERSIONED.test(entry.name)) continue;
        const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
        const abs = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(abs, relPath);
        else if (entry.isFile()) tree[relPath] = this.store(readFileSync(abs));
      }
    };
    walk(this.base.dir, '');
    return tree;
  }

  /** Makes the base's files exactly those of `tree`: changed ones rewritten, extra ones removed. */
  restoreTree(tree: FileTree): void {
    const current = this.captureTree();
    for (const [rel, hash] of Object.entries(tree)) {
      if (current[rel] === hash) continue;
      const target = path.join(this.base.dir, rel);
      mkdirSync(path.dirname(target), { recursive: true });
      // Written beside and renamed: a reader never sees half a file, and a read-only original is replaced.
      const staging = `${target}.restore-${process.pid}`;
      copyFileSync(this.objectPath(hash), staging);
      renameSync(staging, target);
    }
    for (const rel of Object.keys(current)) {
      if (!(rel in tree)) unlinkSync(path.join(this.base.dir, rel));
    }
  }

  /** Appends a version to the log. */
  append(record: VersionRecord): VersionRecord {
    mkdirSync(this.dir, { recursive: true });
    appendFileSync(this.logFile, `${JSON.stringify(record)}\n`);
    return record;
  }

  /** Runs `fn` holding the base's lock: one change at a time, across processes (console and command line). */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const key = this.base.dir;
    const previous = queues.get(key) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        await this.acquire();
        try {
          return await fn();
        } finally {
          rmSync(this.lockFile, { force: true });
        }
      });
    queues.set(key, run);
    try {
      return await run;
    } finally {
      if (queues.get(key) === run) queues.delete(key);
    }
  }

  private async acquire(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const started = Date.now();
    for (;;) {
      try {
        const fd = openSync(this.lockFile, 'wx');
        writeSync(fd, `${process.pid} ${new Date().toISOString()}\n`);
        closeSync(fd);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (this.lockIsStale()) {
        rmSync(this.lockFile, { force: true });
        continue;
      }
      if (Date.now() - started > LOCK_WAIT_MS)
        throw new AdminError('base_locked', '知识库正在被另一项操作修改（如命令行或其他坐席），请稍后再试', 423);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private lockIsStale(): boolean {
    try {
      const [pid] = readFileSync(this.lockFile, 'utf8').split(' ');
      if (Date.now() - statSync(this.lockFile).mtimeMs > STALE_LOCK_MS) return true;
      process.kill(Number(pid), 0);
      return false;
    } catch (error) {
      // ESRCH: the holder is gone. ENOENT: released meanwhile. EPERM: alive under another user.
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }

  private objectPath(hash: string): string {
    return path.join(this.objectsDir, hash.slice(0, 2), hash.slice(2));
  }

  private store(content: Buffer): string {
    const hash = createHash('sha256').update(content).digest('hex');
    const file = this.objectPath(hash);
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      const staging = `${file}.tmp-${process.pid}`;
      const fd = openSync(staging, 'w');
      writeSync(fd, content);
      closeSync(fd);
      renameSync(staging, file);
    }
    return hash;
  }
}

/** Paths added, removed or changed from one tree to the next, marked + − ~. */
export function diffTrees(before: FileTree, after: FileTree): string[] {
  const out: string[] = [];
  for (const [rel, hash] of Object.entries(after)) {
    if (!(rel in before)) out.push(`+ ${rel}`);
    else if (before[rel] !== hash) out.push(`~ ${rel}`);
  }
  for (const rel of Object.keys(before)) if (!(rel in after)) out.push(`− ${rel}`);
  return out.sort((a, b) => a.slice(2).localeCompare(b.slice(2)));
}

export function sameTree(a: FileTree, b: FileTree): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
