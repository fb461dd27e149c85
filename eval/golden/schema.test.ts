import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GOLDEN_CATEGORIES, loadGoldenSet, type GoldenCase } from './schema.js';

const PLAN = 'zhengzhou-srdi-2024';
const LAWS = { 'sme-promotion-law-2017': 61, 'henan-sme-measures-2008': 29 } as const;
const PLAN_CLAUSES = [
  'preamble',
  'intro',
  'sec-1',
  'sec-2',
  ...Array.from({ length: 24 }, (_, i) => `item-${i + 1}`),
  'sec-4-1',
  'sec-4-2',
  'sec-4-3',
  'closing',
];
/** What the knowledge issue promises to be findable by a look-up (intro and preamble are optional). */
const PLAN_CLAUSES_REQUIRED = PLAN_CLAUSES.filter((id) => id !== 'preamble' && id !== 'intro');
/** Minimum size of each category, so a category cannot shrink to a token case unnoticed. */
const MIN_PER_CATEGORY: Partial<Record<(typeof GOLDEN_CATEGORIES)[number], number>> = {
  'lookup-plan': 60,
  'lookup-law': 15,
  'out-of-scope': 20,
  injection: 15,
};

const cases = loadGoldenSet();
const citationsOf = (c: GoldenCase) => c.expect.citations ?? [];

describe('golden set', () => {
  it('has at least 200 cases with unique ids', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const ids = cases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('covers every category with enough cases', () => {
    // 'award' and 'lookup' are for bases whose awards are not grouped as the Zhengzhou plan's.
    for (const category of GOLDEN_CATEGORIES.filter((c) => c !== 'award' && c !== 'lookup')) {
      const count = cases.filter((c) => c.category === category).length;
      expect(count, category).toBeGreaterThanOrEqual(MIN_PER_CATEGORY[category] ?? 8);
    }
  });

  it('cites every numbered item and section of the plan in at least one look-up', () => {
    const looked = new Set(
      cases
        .filter((c) => c.expect.kind === 'lookup')
        .flatMap(citationsOf)
        .filter((cite) => cite.docId === PLAN)
        .map((cite) => cite.clauseId),
    );
    const missing = PLAN_CLAUSES_REQUIRED.filter((id) => !looked.has(id));
    expect(missing).toEqual([]);
  });

  it('cites both related laws', () => {
    const docs = new Set(cases.flatMap(citationsOf).map((cite) => cite.docId));
    for (const docId of Object.keys(LAWS)) expect(docs, docId).toContain(docId);
  });

  it('cites only clause ids that can exist', () => {
    const bad = cases.flatMap((c) =>
      citationsOf(c)
        .filter((cite) => {
          if (cite.docId === PLAN) return !PLAN_CLAUSES.includes(cite.clauseId);
          const articles = LAWS[cite.docId as keyof typeof LAWS];
          if (articles === undefined) return true;
          if (cite.clauseId === 'preamble') return false;
          const n = /^art-(\d+)$/.exec(cite.clauseId)?.[1];
          return n === undefined || Number(n) < 1 || Number(n) > articles;
        })
        .map((cite) => `${c.id}: ${cite.docId}/${cite.clauseId}`),
    );
    expect(bad).toEqual([]);
  });

  it('dates every award and expiry case, and lets an expired answer state no award', () => {
    const awards = cases.filter((c) => c.category.startsWith('award-') || c.category === 'expiry');
    expect(awards.filter((c) => c.asOf === undefined).map((c) => c.id)).toEqual([]);
    const afterExpiry = cases.filter((c) => c.asOf !== undefined && c.asOf > '2026-12-31');
    expect(afterExpiry.length).toBeGreaterThan(0);
    expect(afterExpiry.filter((c) => c.expect.amounts !== undefined).map((c) => c.id)).toEqual([]);
  });

  it('keeps out-of-scope answers free of money and multi-turn cases conversational', () => {
    for (const c of cases.filter((x) => x.category === 'out-of-scope')) {
      expect(c.expect.kind, c.id).toBe('out_of_scope');
      expect(c.expect.notContains ?? [], c.id).toContain('万元');
    }
    for (const c of cases.filter((x) => x.category === 'multi-turn')) {
      expect(c.turns.length, c.id).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('loadGoldenSet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'golden-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const good = { id: 'ok-1', turns: ['你好'], category: 'smalltalk', expect: { kind: 'smalltalk' } };

  it('names file and line of an invalid case', () => {
    const sub = mkdtempSync(join(dir, 'bad-'));
    writeFileSync(
      join(sub, 'a.jsonl'),
      [JSON.stringify(good), '', JSON.stringify({ ...good, id: 'bad-1', expect: { amounts: [1.5] } })].join('\n'),
    );
    expect(() => loadGoldenSet(sub)).toThrow(/a\.jsonl:3: .*expect\.amounts\.0/);
  });

  it('names file and line of a line that is not JSON', () => {
    const sub = mkdtempSync(join(dir, 'json-'));
    writeFileSync(join(sub, 'b.jsonl'), `${JSON.stringify(good)}\n{not json\n`);
    expect(() => loadGoldenSet(sub)).toThrow(/b\.jsonl:2: invalid JSON/);
  });

  it('rejects duplicate ids across files and unknown fields', () => {
    const dup = mkdtempSync(join(dir, 'dup-'));
    writeFileSync(join(dup, 'a.jsonl'), JSON.stringify(good));
    writeFileSync(join(dup, 'b.jsonl'), JSON.stringify(good));
    expect(() => loadGoldenSet(dup)).toThrow(/b\.jsonl:1: duplicate id "ok-1" \(first at a\.jsonl:1\)/);

    const extra = mkdtempSync(join(dir, 'extra-'));
    writeFileSync(join(extra, 'c.jsonl'), JSON.stringify({ ...good, expect: { kind: 'smalltalk', amount: [1] } }));
    expect(() => loadGoldenSet(extra)).toThrow(/c\.jsonl:1: /);
  });

  it('rejects a case that expects and forbids the same amount, or a bad date', () => {
    const sub = mkdtempSync(join(dir, 'conflict-'));
    writeFileSync(
      join(sub, 'd.jsonl'),
      JSON.stringify({ ...good, expect: { kind: 'calculation', amounts: [500000], forbiddenAmounts: [500000] } }),
    );
    expect(() => loadGoldenSet(sub)).toThrow(/d\.jsonl:1: .*both expected and forbidden/);

    const date = mkdtempSync(join(dir, 'date-'));
    writeFileSync(join(date, 'e.jsonl'), JSON.stringify({ ...good, asOf: '2026-13-01' }));
    expect(() => loadGoldenSet(date)).toThrow(/e\.jsonl:1: .*asOf: Invalid ISO date/);
  });
});
