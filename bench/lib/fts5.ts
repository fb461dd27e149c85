/**
 * The real engine the advisor is measured against: SQLite FTS5 with the trigram tokenizer, through
 * better-sqlite3, over the same clause texts (`indexableText`). File-backed in a temp folder so its size on
 * disk can be measured the way a deployment would store it.
 *
 * Query construction (FTS5's trigram tokenizer only matches substrings of three or more characters):
 * - The question gets the product's canonical form first (`normaliseInput`: Traditional → Simplified,
 *   full-width → half-width), because the indexed clauses are in that form; `raw: true` skips it.
 * - It is cut into runs of letters and digits (punctuation and spaces split runs). Every run of three or
 *   more characters contributes all of its overlapping three-character substrings, each quoted as an FTS5
 *   string (`"` doubled), de-duplicated, joined with OR, ranked by `bm25()` (FTS5's `rank`). Quoting a
 *   whole run as one phrase would demand the question's exact wording in the clause and match almost
 *   nothing for spoken questions; OR-ing its trigrams is the usual way to search CJK text with this
 *   tokenizer, and lets bm25 weigh rare trigrams (设备补, 小巨人) over common ones (中小企).
 * - A question with no run of three characters (补贴？, 奖多少) cannot be expressed as MATCH. Then its
 *   two-character runs are searched with `LIKE '%xx%'` (a full scan: FTS5 cannot use the trigram index for
 *   patterns this short), ranked by how many of them a clause contains, then by clause order. A question
 *   with no run of two characters returns nothing. `lastMode` says which path a query took.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { normaliseInput } from '../../knowledge/text/normalise.js';

export type Fts5Mode = 'match' | 'like' | 'none';

export interface Fts5Query {
  mode: Fts5Mode;
  /** The MATCH expression (mode `match`) or the LIKE terms (mode `like`). */
  expression: string;
  terms: string[];
}

const RUN = /[\p{L}\p{N}]+/gu;

/** Builds the MATCH expression (or the LIKE fallback terms) for a question; see the module comment. */
export function fts5Query(question: string, options: { raw?: boolean } = {}): Fts5Query {
  const text = options.raw ? question : normaliseInput(question);
  const runs = (text.match(RUN) ?? []).map((r) => r.toLowerCase());
  const trigrams = new Set<string>();
  for (const run of runs) {
    const chars = [...run];
    for (let i = 0; i + 3 <= chars.length; i++) trigrams.add(chars.slice(i, i + 3).join(''));
  }
  if (trigrams.size > 0) {
    const terms = [...trigrams];
    return { mode: 'match', terms, expression: terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ') };
  }
  const pairs = [...new Set(runs.filter((r) => [...r].length === 2))];
  if (pairs.length > 0) return { mode: 'like', terms: pairs, expression: pairs.map((p) => `LIKE '%${p}%'`).join(' OR ') };
  return { mode: 'none', terms: [], expression: '' };
}

export interface Fts5Hit {
  /** Position of the clause in the list it was built from. */
  doc: number;
  /** bm25() as SQLite returns it (lower is better) for MATCH; minus the matched term count for LIKE. */
  score: number;
}

export interface Fts5Engine {
  readonly file: string;
  readonly rows: number;
  search(question: string, k?: number, options?: { raw?: boolean }): Fts5Hit[];
  /** Which path the last search took. */
  readonly lastMode: Fts5Mode;
  /** Bytes on disk: the whole database file, and the part that is the FTS5 index (vs. the stored text). */
  size(): { fileBytes: number; indexBytes: number; contentBytes: number; otherBytes: number };
  close(): void;
  /** Closes and deletes the temp folder. */
  dispose(): void;
}

export interface BuildFts5Options {
  /** Folder for the database file; a fresh temp folder when omitted (deleted by `dispose`). */
  dir?: string;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Builds the index in one transaction with journaling and fsync off (a bulk load from scratch), then runs
 * FTS5's `optimize` (one merged b-tree) and VACUUM (drops the freed pages), as a deployment would ship it.
 * All of it is in the build time.
 */
export function buildFts5(texts: string[], options: BuildFts5Options = {}): Fts5Engine {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'bench-fts5-'));
  const file = path.join(dir, 'clauses.sqlite');
  rmSync(file, { force: true });
  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(`CREATE VIRTUAL TABLE clauses USING fts5(body, tokenize='trigram')`);
  const insert = db.prepare('INSERT INTO clauses(rowid, body) VALUES (?, ?)');
  db.transaction(() => {
    texts.forEach((text, i) => {
      insert.run(i, text);
      if (i % 2000 === 0) options.onProgress?.(i, texts.length);
    });
  })();
  db.exec(`INSERT INTO clauses(clauses) VALUES ('optimize')`);
  // optimize leaves the pages of the merged segments free; a shipped database would not carry them.
  db.exec('VACUUM');
  options.onProgress?.(texts.length, texts.length);

  const matchStatement = db.prepare<[string, number], { rowid: number; score: number }>(
    'SELECT rowid, rank AS score FROM clauses WHERE clauses MATCH ? ORDER BY rank LIMIT ?',
  );
  const likeStatements = new Map<number, Database.Statement<unknown[], { rowid: number; hits: number }>>();
  const likeStatement = (n: number) => {
    let statement = likeStatements.get(n);
    if (!statement) {
      const hits = Array.from({ length: n }, () => '(body LIKE ?)').join(' + ');
      statement = db.prepare(`SELECT rowid, ${hits} AS hits FROM clauses WHERE hits > 0 ORDER BY hits DESC, rowid LIMIT ?`);
      likeStatements.set(n, statement);
    }
    return statement;
  };
  let lastMode: Fts5Mode = 'none';
  let open = true;

  return {
    file,
    rows: texts.length,
    get lastMode() {
      return lastMode;
    },
    search(question, k = 10, searchOptions = {}) {
      const query = fts5Query(question, searchOptions);
      lastMode = query.mode;
      if (query.mode === 'match') return matchStatement.all(query.expression, k).map((r) => ({ doc: r.rowid, score: r.score }));
      if (query.mode === 'like') {
        // Terms are runs of letters and digits, so they hold no LIKE wildcard to escape.
        return likeStatement(query.terms.length)
          .all(...query.terms.map((t) => `%${t}%`), k)
          .map((r) => ({ doc: r.rowid, score: -r.hits }));
      }
      return [];
    },
    size() {
      const fileBytes = statSync(file).size;
      const rows = db.prepare<[], { name: string; bytes: number }>(`SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name`).all();
      const by = (name: string) => rows.find((r) => r.name === name)?.bytes ?? 0;
      const indexBytes = by('clauses_data') + by('clauses_idx');
      const contentBytes = by('clauses_content') + by('clauses_docsize');
      return { fileBytes, indexBytes, contentBytes, otherBytes: fileBytes - indexBytes - contentBytes };
    },
    close() {
      if (open) db.close();
      open = false;
    },
    dispose() {
      this.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
