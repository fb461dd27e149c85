import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BASES_DIR } from '../knowledge/base-folder.js';

/**
 * The engine serves any knowledge base: nothing in server/ (tests aside) may name a policy, an award, a fact
 * or a term of a base. A base's vocabulary is read from its own files — manifest (assistant, titles,
 * aliases), lexicon words, rule sets (titles, fact ids and labels, award ids and names) — so a term added to
 * a base is checked without touching this test.
 */

const SERVER_DIR = path.dirname(new URL(import.meta.url).pathname);

/**
 * Words a base lists that are the ordinary vocabulary of any policy document, not the base's own: the units
 * a clause makes responsible, and a document speaking of itself.
 */
const GENERIC = new Set(['责任单位', '本方案']);

interface Term {
  text: string;
  /** Identifiers (fact and award ids) are matched as quoted strings; words anywhere. */
  identifier: boolean;
  from: string;
}

function baseTerms(): Term[] {
  const terms: Term[] = [];
  const add = (text: unknown, from: string, identifier = false) => {
    // Two-character words (省级、上市) are common Chinese; a base's own terms are longer.
    if (typeof text === 'string' && [...text].length >= 3 && !GENERIC.has(text)) terms.push({ text, identifier, from });
  };
  for (const base of readdirSync(BASES_DIR)) {
    const dir = path.join(BASES_DIR, base);
    const read = (file: string) => parseYaml(readFileSync(path.join(dir, file), 'utf8')) as Record<string, any>;
    const manifest = read('manifest.yaml');
    add(manifest.assistant?.name, `${base}: assistant`);
    for (const d of manifest.documents ?? []) {
      for (const name of [d.title, d.shortTitle, ...(d.aliases ?? [])]) add(name, `${base}: document ${d.id}`);
    }
    for (const word of read('lexicon.yaml').words ?? []) add(word, `${base}: lexicon`);
    for (const file of readdirSync(path.join(dir, 'rules')).filter((f) => f.endsWith('.yaml'))) {
      const rules = read(path.join('rules', file));
      add(rules.title, `${base}: ${file}`);
      for (const fact of rules.facts ?? []) {
        add(fact.id, `${base}: fact`, true);
        add(fact.label, `${base}: fact ${fact.id}`);
      }
      for (const award of rules.rules ?? rules.awards ?? []) {
        add(award.id, `${base}: award`, true);
        add(award.name ?? award.title, `${base}: award ${award.id}`);
      }
    }
  }
  return terms;
}

function serverFiles(dir = SERVER_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    // Test fixtures are tests: their tables may use any base's words.
    if (entry.isDirectory()) return ['node_modules', 'dist', 'fixtures'].includes(entry.name) ? [] : serverFiles(full);
    return /\.(ts|html|css|yaml)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [full] : [];
  });
}

/** Where `terms` occur in `text`: words anywhere, identifiers as quoted strings. */
export function termsIn(text: string, terms: Term[]): Term[] {
  return terms.filter((t) => (t.identifier ? new RegExp(`['"\`]${t.text}['"\`]`).test(text) : text.includes(t.text)));
}

describe('server code is the same for every base', () => {
  const terms = baseTerms();

  it('reads a vocabulary from every base (titles, lexicon, facts and awards)', () => {
    for (const base of readdirSync(BASES_DIR)) {
      const own = terms.filter((t) => t.from.startsWith(`${base}:`));
      expect(
        own.some((t) => t.from.includes('document')),
        base,
      ).toBe(true);
      expect(
        own.some((t) => t.from.endsWith(': fact') && t.identifier),
        base,
      ).toBe(true);
      expect(
        own.some((t) => t.from.endsWith(': award') && t.identifier),
        base,
      ).toBe(true);
    }
  });

  it('finds a term where one is written (the check itself works)', () => {
    const fact = terms.find((t) => t.identifier)!;
    const word = terms.find((t) => !t.identifier)!;
    expect(termsIn(`const x = facts['${fact.text}'];`, terms)).toContainEqual(fact);
    expect(termsIn(`// 例如 ${word.text}`, terms)).toContainEqual(word);
    expect(termsIn('const x = 1;', terms)).toEqual([]);
  });

  it('no file under server/ (tests aside) names a policy, award, fact or term of a base', () => {
    const found = serverFiles().flatMap((file) =>
      termsIn(readFileSync(file, 'utf8'), terms).map((t) => `${path.relative(SERVER_DIR, file)}: “${t.text}”（${t.from}）`),
    );
    expect(found).toEqual([]);
  });
});
