import { chmodSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASES_DIR } from '../../base-folder.js';

export interface TempBase {
  /** The copy's folder (pass as KNOWLEDGE_BASE or --base). */
  dir: string;
  /** An empty folder for its built index. */
  distDir: string;
  remove(): void;
}

/**
 * A copy of one of the repository's knowledge bases in a temporary folder, without its built index or
 * history, for tests that change a base: the committed bases are never written to.
 */
export function copyBase(name = 'zhengzhou'): TempBase {
  const root = mkdtempSync(path.join(tmpdir(), `kb-${name}-`));
  const dir = path.join(root, name);
  cpSync(path.join(BASES_DIR, name), dir, {
    recursive: true,
    filter: (source) => !/^(?:dist|history)(?:$|\.)/.test(path.relative(path.join(BASES_DIR, name), source).split(path.sep)[0] ?? ''),
  });
  // Some sources are committed read-only; the copy is the test's to change.
  const writable = (p: string) => {
    chmodSync(p, statSync(p).mode | 0o200);
    if (statSync(p).isDirectory()) for (const child of readdirSync(p)) writable(path.join(p, child));
  };
  writable(dir);
  const distDir = path.join(root, 'dist');
  return { dir, distDir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
