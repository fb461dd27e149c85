import { amountsStated } from '../../server/answering/guard.js';
import { language } from '../../server/answering/language/language.js';
import { statedAmounts } from '../../server/answering/understand/understand.js';
import type { AnswerBody } from '../../server/schemas.js';
import type { GoldenCase, GoldenExpect } from '../golden/schema.js';
import { botBubbles } from './answer-form.js';
import { scoreCase, type CaseScore } from './score.js';

/** What the report keeps of an answer: enough to show a reviewer what was said and on which clause. */
export interface AnswerRecord {
  kind: AnswerBody['kind'];
  text: string;
  citations: { docId: string; clauseId: string; label: string; quote: string }[];
  calculations: { ruleId: string; title: string; eligible: boolean; status: string; amountYuan: number; formula: string }[];
  totalYuan?: number;
  /** Every amount the text states (integer yuan), as the scorer reads them. */
  statedYuan: number[];
  /** `template` or `model` (in process only: the HTTP answer does not say). */
  composer?: string;
  /** WeChat bubbles the bot sends for this answer, at the bot's default bubble size. */
  botBubbles: number;
}

/** Where the ranked list used for retrieval recall@k and MRR came from. */
export type RetrievalSource = 'retrieval' | 'citations';

/** One scored case of a run. */
export interface CaseRecord {
  id: string;
  category: string;
  turns: string[];
  /** The date the case was answered on (the case's own, or the run's default). */
  asOf: string;
  expect: GoldenExpect;
  answer?: AnswerRecord;
  /** Set when a turn could not be answered at all (HTTP error, exception): the case then fails. */
  error?: string;
  /** Ranked `docId:clauseId` list scored for retrieval recall@k and MRR. */
  retrieved: string[];
  retrievedFrom: RetrievalSource;
  /** Latency of the scored (last) turn, and of every turn, in milliseconds. */
  latencyMs: number;
  turnLatenciesMs: number[];
  score: CaseScore;
}

export interface TurnsResult {
  /** The answer to the last turn. */
  answer?: AnswerBody;
  error?: string;
  /** In process: the advisor's `meta.retrieved` of the last turn. */
  retrieved?: string[];
  composer?: string;
  turnLatenciesMs: number[];
}

/** Amounts the user stated over the whole conversation (injected segments excluded). */
export function userStatedAmounts(turns: string[]): number[] {
  return [...new Set(turns.flatMap((t) => statedAmounts(t, language())))];
}

/**
 * The ranked list for retrieval metrics: a look-up answer's retrieval hits (`meta.retrieved`, in process),
 * otherwise the clauses the answer cites, in order (calculations, clarifications, and every answer over HTTP).
 */
export function rankedClauses(answer: AnswerBody | undefined, retrieved: string[] | undefined): { list: string[]; from: RetrievalSource } {
  if (answer?.kind === 'lookup' && retrieved && retrieved.length > 0 && retrieved.every((r) => r.includes(':'))) {
    return { list: retrieved, from: 'retrieval' };
  }
  return { list: (answer?.citations ?? []).map((c) => `${c.docId}:${c.clauseId}`), from: 'citations' };
}

/** A case whose answer never came: every check it would have had fails. */
export function errorScore(goldenCase: GoldenCase, error: string): CaseScore {
  const expect = goldenCase.expect;
  return {
    id: goldenCase.id,
    category: goldenCase.category,
    pass: false,
    checks: { answered: false },
    failures: [`没有得到答复：${error}`],
    expectedAmounts: expect.amounts ?? [],
    foundAmounts: [],
    unsupportedAmounts: [],
    citationsExpected: (expect.citations ?? []).map((c) => `${c.docId}:${c.clauseId}`),
    citationsGot: [],
    ...(expect.kind ? { kindExpected: expect.kind } : {}),
    kindGot: 'error',
    expectedAmountsFound: [],
    keywordChecks: (expect.containsAny ? 1 : 0) + (expect.containsAll?.length ?? 0),
    keywordHits: 0,
  };
}

/** Scores a case's answer and keeps what the report needs. */
export function buildCaseRecord(goldenCase: GoldenCase, asOf: string, result: TurnsResult): CaseRecord {
  const { answer } = result;
  const score = answer
    ? scoreCase(goldenCase, answer, userStatedAmounts(goldenCase.turns))
    : errorScore(goldenCase, result.error ?? 'no answer');
  const ranked = rankedClauses(answer, result.retrieved);
  return {
    id: goldenCase.id,
    category: goldenCase.category,
    turns: goldenCase.turns,
    asOf,
    expect: goldenCase.expect,
    ...(answer
      ? {
          answer: {
            kind: answer.kind,
            text: answer.answer,
            citations: answer.citations.map((c) => ({ docId: c.docId, clauseId: c.clauseId, label: c.label, quote: c.quote })),
            calculations: answer.calculations.map((c) => ({
              ruleId: c.ruleId,
              title: c.title,
              eligible: c.eligible,
              status: c.status,
              amountYuan: c.amountYuan,
              formula: c.formula,
            })),
            ...(answer.totalYuan !== undefined ? { totalYuan: answer.totalYuan } : {}),
            statedYuan: [...new Set(amountsStated(answer.answer).map((m) => m.yuan))],
            ...(result.composer ? { composer: result.composer } : {}),
            botBubbles: botBubbles(answer),
          },
        }
      : {}),
    ...(result.error && !answer ? { error: result.error } : {}),
    retrieved: ranked.list,
    retrievedFrom: ranked.from,
    latencyMs: result.turnLatenciesMs.at(-1) ?? 0,
    turnLatenciesMs: result.turnLatenciesMs,
    score,
  };
}
