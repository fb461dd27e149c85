import type { AnswerBody, CalculationBody, CitationBody } from '../../server/schemas.js';
import type { GoldenCase } from '../golden/schema.js';
import { buildCaseRecord, type CaseRecord } from './record.js';

/** Small synthetic answers for the runner's unit tests. */

export const ITEM1 = 'Q 一、（一）1.对省级以上专精特新中小企业，按设备、软件实际投资（税后超100万元）的10%给予补助，最高不超过200万元。';

export function citation(clauseId: string, quote = `条款 ${clauseId} 原文`, docId = 'zhengzhou-srdi-2024'): CitationBody {
  return { docId, clauseId, label: clauseId, title: '方案', quote };
}

export function calculation(amountYuan: number, clauseId = 'item-1'): CalculationBody {
  return {
    ruleId: `rule-${clauseId}`,
    title: '补助',
    eligible: amountYuan > 0,
    amountYuan,
    formula: `${amountYuan}`,
    citation: { docId: 'zhengzhou-srdi-2024', clauseId },
    assumptions: [],
    status: amountYuan > 0 ? 'eligible' : 'ineligible',
    reasons: [],
  };
}

export function answer(partial: Partial<AnswerBody> & Pick<AnswerBody, 'kind' | 'answer'>): AnswerBody {
  return { details: '', citations: [], calculations: [], asOf: '2026-06-01', ...partial };
}

export function goldenCase(partial: Partial<GoldenCase> & Pick<GoldenCase, 'id' | 'expect'>): GoldenCase {
  return { turns: ['问题'], category: 'award-equipment', ...partial };
}

export function record(
  c: GoldenCase,
  a: AnswerBody | undefined,
  extra: { retrieved?: string[]; latencyMs?: number; error?: string } = {},
): CaseRecord {
  return buildCaseRecord(c, c.asOf ?? '2026-06-01', {
    ...(a ? { answer: a } : {}),
    ...(extra.error ? { error: extra.error } : {}),
    ...(extra.retrieved ? { retrieved: extra.retrieved } : {}),
    turnLatenciesMs: c.turns.map(() => extra.latencyMs ?? 1),
  });
}
