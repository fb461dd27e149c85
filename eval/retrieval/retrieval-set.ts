import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const retrievalQuestionSchema = z
  .object({
    id: z.string().min(1),
    question: z.string().min(1),
    expect: z.array(z.object({ docId: z.string(), clauseId: z.string() }).strict()).min(1),
    style: z.enum(['colloquial', 'abbreviated', 'traditional', 'item-number', 'hotline']),
  })
  .strict();

export type RetrievalQuestion = z.infer<typeof retrievalQuestionSchema>;

export const RETRIEVAL_SET_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'questions.jsonl');

/** Reads the retrieval test set; a bad line fails naming file and line. */
export function loadRetrievalSet(file = RETRIEVAL_SET_FILE): RetrievalQuestion[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      const parsed = retrievalQuestionSchema.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(`${file}:${number}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data;
    });
}

export interface RetrievalScores {
  questions: number;
  recallAt1: number;
  recallAt3: number;
  recallAt5: number;
  mrr: number;
  /** Questions whose expected clause is not in the top 3, for diagnosis. */
  misses: { id: string; question: string; expected: string; got: string[] }[];
}

/**
 * Scores a ranked-search function on the set: a question counts as found at k when any expected clause
 * is among the first k results; MRR uses the first expected clause's rank (0 when not in the top 10).
 */
export async function scoreRetrieval(
  questions: RetrievalQuestion[],
  search: (question: string) => Promise<{ docId: string; clauseId: string }[]>,
): Promise<RetrievalScores> {
  let at1 = 0;
  let at3 = 0;
  let at5 = 0;
  let reciprocal = 0;
  const misses: RetrievalScores['misses'] = [];
  for (const q of questions) {
    const ranked = (await search(q.question)).slice(0, 10);
    const wanted = new Set(q.expect.map((e) => `${e.docId}:${e.clauseId}`));
    const rank = ranked.findIndex((r) => wanted.has(`${r.docId}:${r.clauseId}`)) + 1;
    if (rank === 1) at1++;
    if (rank >= 1 && rank <= 3) at3++;
    else
      misses.push({
        id: q.id,
        question: q.question,
        expected: [...wanted].join(' '),
        got: ranked.slice(0, 3).map((r) => `${r.docId}:${r.clauseId}`),
      });
    if (rank >= 1 && rank <= 5) at5++;
    if (rank >= 1) reciprocal += 1 / rank;
  }
  const n = questions.length;
  return { questions: n, recallAt1: at1 / n, recallAt3: at3 / n, recallAt5: at5 / n, mrr: reciprocal / n, misses };
}
