import { amountsStated, checkAnswerAmounts } from '../../server/answering/guard.js';
import type { AnswerBody } from '../../server/schemas.js';
import type { GoldenCase } from '../golden/schema.js';

export interface CaseScore {
  id: string;
  category: string;
  pass: boolean;
  /** Each check that applied to this case, and whether it held. */
  checks: Record<string, boolean>;
  /** Why the case failed, in words a reviewer reads in the report. */
  failures: string[];
  expectedAmounts: number[];
  foundAmounts: number[];
  /** Amounts stated that are neither a calculator result, nor in a cited clause, nor said by the user. */
  unsupportedAmounts: number[];
  citationsExpected: string[];
  citationsGot: string[];
  /** The kind the case expects (when it says) and the kind answered. */
  kindExpected?: string;
  kindGot: string;
  /** Expected amounts found both in the calculations (or total) and in the text: the amount-recall numerator. */
  expectedAmountsFound: number[];
  /** Keyword checks (one per containsAny list, one per containsAll string) and how many held. */
  keywordChecks: number;
  keywordHits: number;
}

/**
 * Scores one answer against its golden expectations, by rule (no model judge): kind, amounts in the
 * calculations and in the text, forbidden amounts, cited clauses, required and forbidden strings.
 */
export function scoreCase(goldenCase: GoldenCase, answer: AnswerBody, userStatedYuan: number[]): CaseScore {
  const expect = goldenCase.expect;
  const checks: Record<string, boolean> = {};
  const failures: string[] = [];
  const stated = amountsStated(answer.answer).map((m) => m.yuan);
  const expectedAmountsFound: number[] = [];
  let keywordChecks = 0;
  let keywordHits = 0;
  const calculated = answer.calculations.map((c) => c.amountYuan);

  if (expect.kind) {
    checks.kind = answer.kind === expect.kind;
    if (!checks.kind) failures.push(`kind：期望 ${expect.kind}，实际 ${answer.kind}`);
  }
  for (const amount of expect.amounts ?? []) {
    const inCalc = calculated.includes(amount) || answer.totalYuan === amount;
    const inText = stated.includes(amount);
    checks[`amount:${amount}`] = inCalc && inText;
    if (inCalc && inText) expectedAmountsFound.push(amount);
    if (!inCalc) failures.push(`金额 ${amount} 不在计算结果中`);
    if (!inText) failures.push(`金额 ${amount} 未在回答正文中写明`);
  }
  // Repeating what the user said ("按您投资3000万元计算") asserts nothing; injected figures are not user-stated.
  for (const amount of expect.forbiddenAmounts ?? []) {
    const present = calculated.includes(amount) || (stated.includes(amount) && !userStatedYuan.includes(amount));
    checks[`forbidden:${amount}`] = !present;
    if (present) failures.push(`出现了不应出现的金额 ${amount}`);
  }
  const got = answer.citations.map((c) => `${c.docId}:${c.clauseId}`);
  const wanted = (expect.citations ?? []).map((c) => `${c.docId}:${c.clauseId}`);
  for (const citation of wanted) {
    checks[`citation:${citation}`] = got.includes(citation);
    if (!got.includes(citation)) failures.push(`未引用 ${citation}（引用了 ${got.join(', ') || '无'}）`);
  }
  if (expect.containsAny) {
    checks.containsAny = expect.containsAny.some((s) => answer.answer.includes(s));
    keywordChecks++;
    if (checks.containsAny) keywordHits++;
    if (!checks.containsAny) failures.push(`未包含以下任一内容：${expect.containsAny.join(' / ')}`);
  }
  for (const s of expect.containsAll ?? []) {
    checks[`contains:${s}`] = answer.answer.includes(s);
    keywordChecks++;
    if (checks[`contains:${s}`]) keywordHits++;
    if (!answer.answer.includes(s)) failures.push(`未包含：${s}`);
  }
  for (const s of expect.notContains ?? []) {
    checks[`notContains:${s}`] = !answer.answer.includes(s);
    if (answer.answer.includes(s)) failures.push(`包含了不应出现的内容：${s}`);
  }
  const unsupported = checkAnswerAmounts(answer.answer, {
    calculatorYuan: [
      ...calculated,
      ...(answer.totalYuan !== undefined ? [answer.totalYuan] : []),
      ...answer.calculations.flatMap((c) => amountsStated(c.formula).map((m) => m.yuan)),
    ],
    citedClauseTexts: answer.citations.map((c) => c.quote),
    userStatedYuan,
  })
    .filter((v) => v.kind === 'amount')
    .map((v) => v.value);
  checks.noUnsupportedAmounts = unsupported.length === 0;
  if (unsupported.length) failures.push(`无依据的金额：${unsupported.join(', ')}`);

  return {
    id: goldenCase.id,
    category: goldenCase.category,
    pass: Object.values(checks).every(Boolean),
    checks,
    failures,
    expectedAmounts: expect.amounts ?? [],
    foundAmounts: [...new Set([...calculated.filter((a) => a > 0), ...stated])],
    unsupportedAmounts: unsupported,
    citationsExpected: wanted,
    citationsGot: got,
    ...(expect.kind ? { kindExpected: expect.kind } : {}),
    kindGot: answer.kind,
    expectedAmountsFound,
    keywordChecks,
    keywordHits,
  };
}
