import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openKnowledgeBase, type KnowledgeBase } from '../../knowledge/knowledge-base.js';
import { loadRuleSets } from '../../knowledge/rules/load-rules.js';
import type { Rule } from '../../knowledge/rules/rules-schema.js';
import { isSupported, percentRange, supportedAmounts } from './amount-support.js';
import { loadGoldenSet } from './schema.js';
import { baseFolder, DEFAULT_BASE_DIR } from '../../knowledge/base-folder.js';

const TEST_RULES_DIR = baseFolder(DEFAULT_BASE_DIR).rulesDir;

/**
 * Hygiene of the golden set: an expected amount must come from the clause the case cites (its text, or the
 * calculator's rule for it), and every cited clause must exist in the built index. A case that fails here
 * is wrong data, not a product failure. See amount-support.ts for what "comes from the rule" means.
 */
const cases = loadGoldenSet();
const rules: Rule[] = loadRuleSets(TEST_RULES_DIR).flatMap((rs) => rs.rules);
let kb: KnowledgeBase;

beforeAll(async () => {
  kb = await openKnowledgeBase({ distDir: mkdtempSync(path.join(tmpdir(), 'golden-kb-')) });
});

describe('golden set hygiene', () => {
  it('cites only clauses that exist in the built index', () => {
    const missing = cases.flatMap((c) =>
      (c.expect.citations ?? [])
        .filter((cite) => kb.getClause(cite.docId, cite.clauseId) === undefined)
        .map((cite) => `${c.id} → ${cite.docId}:${cite.clauseId}`),
    );
    expect(missing).toEqual([]);
  });

  it('expects amounts only with a cited clause to check them against', () => {
    const unanchored = cases.filter((c) => c.expect.amounts && !c.expect.citations?.length).map((c) => c.id);
    expect(unanchored).toEqual([]);
  });

  it('expects only amounts in the cited clause or its calculator rule', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const c of cases) {
      const clauses = (c.expect.citations ?? []).map((cite) => kb.getClause(cite.docId, cite.clauseId)).filter((cl) => cl !== undefined);
      for (const amount of c.expect.amounts ?? []) {
        checked++;
        if (!clauses.some((clause) => isSupported(amount, supportedAmounts(clause, rules)))) {
          problems.push(
            `${c.id}: ${amount} is neither in ${clauses.map((cl) => `${cl.docId}:${cl.id}`).join(', ')} nor producible by its rule`,
          );
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });

  it('judges amounts the way it documents (item 1: 10% of more than 100万, at most 200万)', () => {
    const item1 = kb.getClause('zhengzhou-srdi-2024', 'item-1')!;
    const equipment = rules.find((r) => r.id === 'equipment-software-subsidy')!;
    expect(percentRange(equipment)).toEqual({ min: 100_000, max: 2_000_000 });
    const supported = supportedAmounts(item1, rules);
    for (const ok of [123_456, 100_000, 2_000_000, 1_000_000]) expect(isSupported(ok, supported), String(ok)).toBe(true);
    for (const bad of [99_999, 2_000_001, 5_000_000, 50_000]) expect(isSupported(bad, supported), String(bad)).toBe(false);
    // Fixed and table awards: only the amounts the clause grants.
    const item3 = supportedAmounts(kb.getClause('zhengzhou-srdi-2024', 'item-3')!, rules);
    expect([50_000, 30_000, 10_000].every((a) => isSupported(a, item3))).toBe(true);
    expect(isSupported(20_000, item3)).toBe(false);
    expect(supportedAmounts(kb.getClause('zhengzhou-srdi-2024', 'item-19')!, rules).ranges).toEqual([]);
  });
});
