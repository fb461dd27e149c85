import { findMoneyMentions, parseMoney } from '../../knowledge/text/money.js';
import type { AnswerBody } from '../schemas.js';

export interface GuardEvidence {
  /** Calculator results (amounts, caps, formulas' figures). */
  calculatorYuan: number[];
  /** Texts of the clauses the answer cites. */
  citedClauseTexts: string[];
  /** Amounts the user stated (injected segments excluded). */
  userStatedYuan: number[];
  /** Percentages the answer may state: from cited clauses and the calculator. */
  allowedPercents?: number[];
  /** Rates the user stated of the company (出租率85%), in digits or in words. */
  userStatedPercents?: number[];
}

export interface GuardViolation {
  /**
   * `amount`/`percent`: a figure without evidence (value: the figure). `length`: an answer longer than its
   * form allows (value: its length in characters). `first-sentence`: an answer whose first sentence no
   * longer states the figure the question asked for (value: that figure in yuan).
   */
  kind: 'amount' | 'percent' | 'length' | 'first-sentence';
  value: number;
  text: string;
}

// Bare figures a model might write without a unit: 500,000 or 2000000. Years, counts and dates are excluded
// by requiring at least five digits; telephone numbers (0371-67188888, 400-123-4567) by the hyphen beside them.
const BARE_FIGURE = /(?<![\d.,\-－])(\d{1,3}(?:,\d{3})+|\d{5,})(?![\d,]*\s*(年|月|日|名|家|条|项|号|人|个|次|%|％|-|－))/g;
const PERCENT = /(\d+(?:\.\d+)?)\s*[%％]|百分之([一二三四五六七八九十\d]+)/g;

/** Every money amount an answer states, with and without units. */
export function amountsStated(text: string): { yuan: number; text: string }[] {
  return moneyIn(text).map(({ yuan, text: t }) => ({ yuan, text: t }));
}

/** Money amounts with where they start: those with units first, then bare figures. */
function moneyIn(text: string): { yuan: number; text: string; index: number; end: number }[] {
  const found = findMoneyMentions(text).flatMap((m) => {
    const span = { text: m.text, index: m.index, end: m.index + m.text.length };
    return m.upToYuan !== undefined
      ? [
          { yuan: m.yuan, ...span },
          { yuan: m.upToYuan, ...span },
        ]
      : [{ yuan: m.yuan, ...span }];
  });
  for (const m of text.matchAll(BARE_FIGURE)) {
    const index = m.index;
    if (found.some((f) => index >= f.index && index < f.end)) continue;
    found.push({ yuan: Number(m[1]!.replace(/,/g, '')), text: m[0], index, end: index + m[0].length });
  }
  return found;
}

/**
 * The rule that shapes the product: every amount in an answer must be a calculator result, an amount in a
 * cited clause, or an amount the user stated; every percentage must come from a cited clause or the
 * calculator. Returns the violations (empty when the answer may be sent).
 */
export function checkAnswerAmounts(answer: string, evidence: GuardEvidence): GuardViolation[] {
  const allowed = new Set<number>([...evidence.calculatorYuan, ...evidence.userStatedYuan]);
  const percents = new Set<number>(evidence.allowedPercents ?? []);
  const userPercents = new Set<number>(evidence.userStatedPercents ?? []);
  for (const p of userPercents) percents.add(p);
  for (const text of evidence.citedClauseTexts) {
    for (const m of amountsStated(text)) allowed.add(m.yuan);
    for (const m of text.matchAll(PERCENT)) if (m[1]) percents.add(Number(m[1]));
  }
  const violations: GuardViolation[] = [];
  for (const m of amountsStated(answer)) {
    if (!allowed.has(m.yuan)) violations.push({ kind: 'amount', value: m.yuan, text: m.text });
  }
  for (const m of answer.matchAll(PERCENT)) {
    const value = m[1] ? Number(m[1]) : Number.NaN;
    if (m[1] && !percents.has(value)) violations.push({ kind: 'percent', value, text: m[0] });
    // 百分之三十: allowed as the very words of a cited clause, or as a rate the user stated (出租率百分之八十五).
    const spoken = m[2] ? parseMoney(m[2]) : null;
    if (m[2] && !evidence.citedClauseTexts.some((t) => t.includes(m[0])) && !(spoken !== null && userPercents.has(spoken)))
      violations.push({ kind: 'percent', value: Number.NaN, text: m[0] });
  }
  return violations;
}

/** What an answer states, with the evidence it carries: its calculations and the clauses it cites. */
export interface GuardedAnswer {
  calculations: readonly { amountYuan: number; formula: string }[];
  totalYuan?: number;
  citations: readonly { quote: string }[];
}

/**
 * The guard on a composed answer (template or model): every amount must be a calculator result (or a figure
 * of its formula), stated in a cited clause, or said by the user; every percentage must be in a cited clause
 * or a formula. Returns the violations; an answer with any is never sent.
 */
export function guardReply(
  text: string,
  answer: GuardedAnswer,
  userStatedYuan: readonly number[],
  /** Rates the user stated of the company (出租率85%), which an answer may repeat back. */
  userStatedPercents: readonly number[] = [],
): GuardViolation[] {
  const formulaFigures = answer.calculations.flatMap((c) => amountsStated(c.formula).map((m) => m.yuan));
  const formulaPercents = answer.calculations.flatMap((c) => [...c.formula.matchAll(/(\d+(?:\.\d+)?)\s*[%％]/g)].map((m) => Number(m[1])));
  return checkAnswerAmounts(text, {
    calculatorYuan: [
      ...answer.calculations.map((c) => c.amountYuan),
      ...formulaFigures,
      ...(answer.totalYuan !== undefined ? [answer.totalYuan] : []),
    ],
    citedClauseTexts: answer.citations.map((c) => c.quote),
    userStatedYuan: [...userStatedYuan],
    allowedPercents: formulaPercents,
    userStatedPercents: [...userStatedPercents],
  });
}

/**
 * The forms an answer takes and the most characters each may have, so that it reads as the first bubble of a
 * chat and is short to say on a call: the direct answer and the one condition or fact that matters most.
 * Everything else goes to `details`. An overview lists each award with its amount and one line of condition.
 */
export type AnswerForm = 'calculation' | 'lookup' | 'overview' | 'clarify';
export const ANSWER_LIMITS: Readonly<Record<AnswerForm, number>> = { calculation: 150, lookup: 200, overview: 350, clarify: 120 };

/** Length as a reader counts it: characters (code points), so a rare character counts once. */
export const answerLength = (text: string): number => [...text].length;

/**
 * The form of an answer: an overview when its handler listed the awards (intent `overview…`) or it worked
 * out more than one award; else its kind. Declines and small talk have no form to check.
 */
/** What the form checks read of the answer a model rephrases. */
export interface FormOriginal {
  answer: string;
  kind: AnswerBody['kind'];
  calculations: readonly { amountYuan: number; eligible: boolean }[];
  totalYuan?: number;
}

export function answerFormOf(answer: Pick<FormOriginal, 'kind' | 'calculations'>, intent: string): AnswerForm | undefined {
  if (intent.startsWith('overview')) return 'overview';
  if (answer.kind === 'calculation') return answer.calculations.filter((c) => c.eligible).length > 1 ? 'overview' : 'calculation';
  if (answer.kind === 'lookup' || answer.kind === 'clarify') return answer.kind;
  return undefined;
}

/**
 * The first sentence of a text: up to its first 。！？ (or a line end), with the closing quotes and brackets
 * right after it. The direct answer belongs here.
 */
export function firstSentence(text: string): string {
  return (/^[^。！？!?\n]*[。！？!?]?[”’」』）)]*/.exec(text.trim())?.[0] ?? '').trim();
}

/**
 * The figure an answer leads with: the first amount in its first sentence that is not just the user's own
 * figure repeated (按您投资500万元…), unless the calculator gave that very amount. Undefined when the first
 * sentence states none (a clarifying question, a look-up about who is responsible).
 */
export function headlineFigure(
  answer: Pick<FormOriginal, 'answer' | 'calculations' | 'totalYuan'>,
  userStatedYuan: readonly number[],
): number | undefined {
  const results = new Set([...answer.calculations.map((c) => c.amountYuan), ...(answer.totalYuan !== undefined ? [answer.totalYuan] : [])]);
  const userSaid = new Set(userStatedYuan);
  return moneyIn(firstSentence(answer.answer))
    .sort((a, b) => a.index - b.index)
    .find((m) => results.has(m.yuan) || !userSaid.has(m.yuan))?.yuan;
}

/**
 * The form of a rephrased answer (a model's) against the answer it rephrases: no longer than its form
 * allows, and its first sentence still states the figure the original led with. Returns the violations; an
 * answer with any is not sent (the original is).
 */
export function checkAnswerForm(
  text: string,
  original: FormOriginal,
  context: { intent: string; statedAmountsYuan: readonly number[] },
): GuardViolation[] {
  const violations: GuardViolation[] = [];
  const form = answerFormOf(original, context.intent);
  const length = answerLength(text.trim());
  if (form && length > ANSWER_LIMITS[form])
    violations.push({ kind: 'length', value: length, text: `${form} ${length}/${ANSWER_LIMITS[form]}` });
  const figure = headlineFigure(original, context.statedAmountsYuan);
  const first = firstSentence(text);
  if (figure !== undefined && !moneyIn(first).some((m) => m.yuan === figure))
    violations.push({ kind: 'first-sentence', value: figure, text: first });
  return violations;
}
