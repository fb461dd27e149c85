import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KnowledgeError } from './errors.js';

/** The folder every knowledge base lives in by default (`knowledge/bases/<name>/`). */
export const BASES_DIR = fileURLToPath(new URL('./bases/', import.meta.url));

/** The base served when neither an option nor `KNOWLEDGE_BASE` names one. */
export const DEFAULT_BASE_DIR = path.join(BASES_DIR, 'zhengzhou');

/**
 * A knowledge base on disk: what makes the engine a particular hotline's advisor.
 * `manifest.yaml` lists the documents, `sources/` holds them as obtained (with `errata/`), `rules/*.yaml`
 * their awards and how people state the facts the awards depend on, `lexicon.yaml` the words people use.
 * `dist/` is the built index (not committed).
 */
export interface BaseFolder {
  /** Absolute path of the folder. */
  readonly dir: string;
  /** The folder's name, used in logs and as the default base id. */
  readonly name: string;
  readonly manifestFile: string;
  readonly sourcesDir: string;
  readonly rulesDir: string;
  readonly lexiconFile: string;
  /** Where the built index goes unless the caller names another place. */
  readonly distDir: string;
}

/**
 * The folder of a knowledge base: the explicit option first, then `KNOWLEDGE_BASE`, then the Zhengzhou base.
 * A relative path is taken from the current directory; a bare name (`lucheng`) also finds `knowledge/bases/lucheng`.
 */
export function resolveBaseFolder(explicit?: string, env: Record<string, string | undefined> = process.env): BaseFolder {
  const wanted = explicit ?? (env.KNOWLEDGE_BASE && env.KNOWLEDGE_BASE.trim() !== '' ? env.KNOWLEDGE_BASE : undefined);
  if (wanted === undefined) return baseFolder(DEFAULT_BASE_DIR);
  const direct = path.resolve(wanted);
  if (existsSync(path.join(direct, 'manifest.yaml'))) return baseFolder(direct);
  const named = path.join(BASES_DIR, wanted);
  if (!wanted.includes('/') && existsSync(path.join(named, 'manifest.yaml'))) return baseFolder(named);
  throw new KnowledgeError(
    'manifest_invalid',
    `knowledge base "${wanted}" not found: no manifest.yaml in ${direct}${wanted.includes('/') ? '' : ` or ${named}`}`,
  );
}

/** The layout of a knowledge base folder (nothing is read). */
export function baseFolder(dir: string): BaseFolder {
  const abs = path.resolve(dir);
  return {
    dir: abs,
    name: path.basename(abs),
    manifestFile: path.join(abs, 'manifest.yaml'),
    sourcesDir: path.join(abs, 'sources'),
    rulesDir: path.join(abs, 'rules'),
    lexiconFile: path.join(abs, 'lexicon.yaml'),
    distDir: path.join(abs, 'dist'),
  };
}
