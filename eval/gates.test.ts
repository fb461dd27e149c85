import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openKnowledgeBase } from '../knowledge/knowledge-base.js';
import { loadGoldenSet } from './golden/schema.js';
import { ANSWER_FORM_TARGETS, firstSentenceCheck } from './runner/answer-form.js';
import { PASS_RATE_GATE } from './runner/metrics.js';
import { createInProcessTarget, runGoldenSet, type RunReport } from './runner/run.js';

/**
 * The release gates of the golden set on the embedded default (templates, no model), run in process on
 * the whole set: every expected amount found, no unsupported amount, at least 95% of cases passing; and the
 * form of answers: the expected amount in the first sentence of at least 95% of amount cases, calculation
 * answers of at most 200 characters at p95.
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
  const form = o.answerForm;
  console.log(
    `golden set: ${o.pass.num}/${o.cases} passed, amount recall ${o.amountRecall.num}/${o.amountRecall.den}, ` +
      `unsupported amounts in ${o.unsupportedAmounts.num} answers; amount in the first sentence ` +
      `${form.firstSentenceAmount.num}/${form.firstSentenceAmount.den}, calculation answers p95 ${form.lengthByKind.calculation?.p95} characters, ` +
      `one bubble ${form.oneBubble.num}/${form.oneBubble.den}`,
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

describe('golden-set answer form (embedded default)', () => {
  it(`states the expected amounts in the first sentence of at least ${ANSWER_FORM_TARGETS.firstSentenceAmount * 100}% of the cases that expect amounts`, () => {
    const form = report.metrics.overall.answerForm.firstSentenceAmount;
    const missed = report.cases
      .map((r) => ({ r, check: firstSentenceCheck(r.expect, r.answer?.text) }))
      .filter(({ check }) => check?.measure === 'amount' && !check.held)
      .map(({ r, check }) => `${r.id}: ${check!.sentence}`);
    expect(form.den).toBeGreaterThan(0);
    expect(form.rate ?? 0, `${form.num}/${form.den}; first sentences without the amount:\n${missed.join('\n')}`).toBeGreaterThanOrEqual(
      ANSWER_FORM_TARGETS.firstSentenceAmount,
    );
  });

  it(`keeps calculation answers at most ${ANSWER_FORM_TARGETS.calculationP95Chars} characters at p95`, () => {
    const calc = report.metrics.overall.answerForm.lengthByKind.calculation;
    expect(calc?.n ?? 0).toBeGreaterThan(0);
    expect(calc?.p95 ?? Infinity, `calculation answers: ${JSON.stringify(calc)}`).toBeLessThanOrEqual(
      ANSWER_FORM_TARGETS.calculationP95Chars,
    );
  });
});
