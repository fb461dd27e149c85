import { z } from 'zod';
import type { Answer, ErrorBody } from './api-types.gen.js';

/**
 * What the bot checks of the service's replies before using them: the fields it reads, typed by the
 * generated contract (api-types.gen.ts). Fields it does not read may change without breaking the bot.
 */
const CitationRead = z.object({ docId: z.string(), clauseId: z.string(), label: z.string(), title: z.string(), quote: z.string() }).loose();
const CalculationRead = z.object({ title: z.string(), eligible: z.boolean(), amountYuan: z.number().int().nonnegative() }).loose();

const AnswerRead = z
  .object({
    answer: z.string(),
    kind: z.enum(['calculation', 'lookup', 'clarify', 'out_of_scope', 'smalltalk']),
    citations: z.array(CitationRead),
    calculations: z.array(CalculationRead),
    followUp: z.array(z.string()).optional(),
    answerId: z.string().optional(),
    asOf: z.string(),
  })
  .loose();

const ErrorRead = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).loose();

/** The answer, when the body is one; undefined otherwise. */
export function readAnswer(json: unknown): Answer | undefined {
  return AnswerRead.safeParse(json).success ? (json as Answer) : undefined;
}

/** The service's error body, when the body is one. */
export function readError(json: unknown): ErrorBody | undefined {
  return ErrorRead.safeParse(json).success ? (json as ErrorBody) : undefined;
}
