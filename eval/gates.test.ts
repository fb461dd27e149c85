import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openKnowledgeBase } from '../knowledge/knowledge-base.js';
import { loadGoldenSet } from './golden/schema.js';
import { PASS_RATE_GATE } from './runner/metrics.js';
import { createInProcessTarget, runGoldenSet, type RunReport } from './runner/run.js';

/**
 * The release gates of the golden set on the embedded default (templates, no model), run in process on
 * the whole set: every expected amount found, no unsupported amount, at least 95% of cases passing.
 * The same gates are checked by hand with a model configured (`npm run eval` with LLM_* set).
 */
let report: RunReport;

beforeAll(async () => {
  const knowledge = await openKnowledgeBase({ distDir: mkdtempSync(path.join(tmpdir(), 'gates-kb-')) });
  const target = await createInProcessTarget({ knowledge });
  try {
    report = await runGoldenSet(loadGoldenSet(), target);
  } finally {
    await target.close();
  }
  const o = report.metrics.overall;
  console.log(
    `golden set: ${o.pass.num}/${o.cases} passed, amount recall ${o.amountRecall.num}/${o.amountRecall.den}, ` +
      `unsupported amounts in ${o.unsupportedAmounts.num} answers`,
  );
});

const failing = (predicate: (r: RunReport['cases'][number]) => boolean) =>
  report.cases.filter(predicate).map((r) => `${r.id} [${r.category}] ${r.score.failures.join('; ')}`);

describe('golden-set gates (embedded default)', () => {
  it('runs every case on the template composer without errors', () => {
    expect(report.target.composer).toBe('template');
    expect(report.cases.length).toBe(loadGoldenSet().length);
    expect(failing((r) => r.answer === undefined)).toEqual([]);
  });

  it('finds every expected amount in the calculations and the text (amount recall 100%)', () => {
    expect(failing((r) => r.score.expectedAmountsFound.length < r.score.expectedAmounts.length)).toEqual([]);
    expect(report.metrics.overall.amountRecall.rate).toBe(1);
  });

  it('states no unsupported amount in any answer', () => {
    expect(failing((r) => r.score.unsupportedAmounts.length > 0)).toEqual([]);
  });

  it(`passes at least ${PASS_RATE_GATE * 100}% of the cases`, () => {
    const rate = report.metrics.overall.pass.rate ?? 0;
    expect(rate, `pass rate ${(rate * 100).toFixed(1)}%; failing:\n${failing((r) => !r.score.pass).join('\n')}`).toBeGreaterThanOrEqual(
      PASS_RATE_GATE,
    );
    expect(report.gatesPassed).toBe(true);
  });
});
