/**
 * The scale corpus (../shared/corpus/laws, 3,475 Markdown laws) turned into the advisor's documents, for
 * benchmarks only: the product never reads it. Documents go through the same cleaning and law parser as the
 * knowledge base's own laws, so what is indexed here is what the advisor would index if the library grew.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import { cleanLawMarkdown } from '../../knowledge/pipeline/clean.js';
import { listLawFiles } from '../../knowledge/train/train-word-vectors.js';
import { parseLaw } from '../../knowledge/pipeline/parse.js';
import type { DocumentMeta, PolicyDocument } from '../../knowledge/types.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_CORPUS_DIR = path.resolve(REPO_ROOT, '../shared/corpus/laws');

/** `--corpus DIR` from the command line (relative to the working directory), else the shared corpus. */
export function corpusDirFromArgs(argv: string[] = process.argv.slice(2)): string {
  const at = argv.indexOf('--corpus');
  const value = at >= 0 ? argv[at + 1] : undefined;
  return value ? path.resolve(value) : DEFAULT_CORPUS_DIR;
}

/** Every `.md` file under the corpus folder (it nests by category), as POSIX relative paths in code-point order. */
export const listCorpusFiles = listLawFiles;

const digest = (text: string) => createHash('sha1').update(text).digest('hex');

/**
 * The order documents are taken in for a subset of size N: sorted by a hash of the relative path. The first
 * N in alphabetical order would all be Beijing local regulations; hash order mixes every category at every
 * size, is the same on every machine, and nests (the 100-document subset is the start of the 1,000 one),
 * so a scale curve measures growth of one library rather than different libraries.
 */
export function subsetOrder(files: string[]): string[] {
  return files
    .map((file) => ({ file, key: digest(file) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((f) => f.file);
}

/** File names are Chinese and repeat across categories, so the id is a hash of the relative path. */
export function corpusDocId(relativePath: string): string {
  return `law-${digest(relativePath).slice(0, 12)}`;
}

function issueDateOf(relativePath: string, lines: string[]): string {
  const fromName = /\((\d{4}-\d{2}-\d{2})\)\.md$/.exec(relativePath);
  if (fromName) return fromName[1]!;
  for (const line of lines.slice(0, 12)) {
    const m = /(\d{4})年(\d{1,2})月(\d{1,2})日/.exec(line);
    if (m) return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  }
  return '1970-01-01';
}

/** Cleans and parses one corpus file into a document (jurisdiction 全国, format law-markdown). */
export function loadCorpusDocument(dir: string, relativePath: string): PolicyDocument {
  return parseCorpusText(readFileSync(path.join(dir, relativePath), 'utf8'), relativePath);
}

function parseCorpusText(raw: string, relativePath: string): PolicyDocument {
  const id = corpusDocId(relativePath);
  const cleaned = cleanLawMarkdown(raw, { docId: id });
  const parsed = parseLaw(cleaned.lines, id);
  const title = parsed.title || path.basename(relativePath, '.md').replace(/\(\d{4}-\d{2}-\d{2}\)$/, '');
  const issueDate = issueDateOf(relativePath, cleaned.lines);
  const meta: DocumentMeta = {
    id,
    title,
    shortTitle: title.replace(/^中华人民共和国/, '') || title,
    issuer: '（语料未注明）',
    issueDate,
    validity: { from: issueDate },
    jurisdiction: '全国',
    format: 'law-markdown',
  };
  return { meta, clauses: parsed.clauses };
}

export interface LoadedCorpus {
  dir: string;
  files: string[];
  documents: PolicyDocument[];
  /** Files that failed to parse, with the reason; they are skipped, not fatal. */
  failures: { file: string; error: string }[];
  clauses: number;
  bytes: number;
  ms: number;
}

/** Loads the first `limit` documents in subset order (all when omitted), with a progress bar on large loads. */
export function loadCorpus(options: { dir?: string; limit?: number; progress?: boolean } = {}): LoadedCorpus {
  const dir = options.dir ?? DEFAULT_CORPUS_DIR;
  const all = subsetOrder(listCorpusFiles(dir));
  if (all.length === 0) throw new Error(`no .md files under ${dir}; pass --corpus DIR`);
  const files = all.slice(0, options.limit ?? all.length);
  const bar =
    (options.progress ?? true) && files.length >= 200
      ? new cliProgress.SingleBar(
          { format: 'corpus [{bar}] {value}/{total} docs {eta_formatted}', hideCursor: true, stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  bar?.start(files.length, 0);
  const started = performance.now();
  const documents: PolicyDocument[] = [];
  const failures: LoadedCorpus['failures'] = [];
  let bytes = 0;
  let clauses = 0;
  files.forEach((file, i) => {
    try {
      const raw = readFileSync(path.join(dir, file));
      bytes += raw.length;
      const document = parseCorpusText(raw.toString('utf8'), file);
      documents.push(document);
      clauses += document.clauses.length;
    } catch (error) {
      failures.push({ file, error: (error as Error).message });
    }
    if (i % 25 === 0) bar?.update(i);
  });
  bar?.update(files.length);
  bar?.stop();
  return { dir, files, documents, failures, clauses, bytes, ms: performance.now() - started };
}
