import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The categories the report groups by; a case outside this list is a typo, not a new category. */
export const GOLDEN_CATEGORIES = [
  'award-equipment',
  'award-contest',
  'award-recognition',
  'award-cluster',
  'award-combined',
  'expiry',
  'lookup-plan',
  'lookup-law',
  'money-forms',
  'traditional',
  'multi-turn',
  'out-of-scope',
  'injection',
  'smalltalk',
  'clarify',
  // For a base whose awards are not grouped as above.
  'award',
  'lookup',
] as const;

export const GoldenCategory = z.enum(GOLDEN_CATEGORIES);
export type GoldenCategory = z.infer<typeof GoldenCategory>;

export const AnswerKind = z.enum(['calculation', 'lookup', 'clarify', 'out_of_scope', 'smalltalk']);
export type AnswerKind = z.infer<typeof AnswerKind>;

/** Amounts are compared exactly, so only whole yuan are meaningful. */
const Yuan = z.number().int().nonnegative();

const NonEmptyStrings = z.array(z.string().min(1)).min(1);

export const GoldenCitation = z.strictObject({
  docId: z.string().min(1),
  clauseId: z.string().min(1),
});
export type GoldenCitation = z.infer<typeof GoldenCitation>;

export const GoldenExpect = z
  .strictObject({
    kind: AnswerKind.optional(),
    /** Integer yuan the answer's calculations must contain and its text must state. */
    amounts: z.array(Yuan).min(1).optional(),
    /** Integer yuan that must appear nowhere in the answer (neither calculations nor text). */
    forbiddenAmounts: z.array(Yuan).min(1).optional(),
    citations: z.array(GoldenCitation).min(1).optional(),
    containsAny: NonEmptyStrings.optional(),
    containsAll: NonEmptyStrings.optional(),
    notContains: NonEmptyStrings.optional(),
  })
  .superRefine((expect, ctx) => {
    const forbidden = new Set(expect.forbiddenAmounts ?? []);
    for (const amount of expect.amounts ?? []) {
      if (forbidden.has(amount)) {
        ctx.addIssue({ code: 'custom', path: ['forbiddenAmounts'], message: `${amount} is both expected and forbidden` });
      }
    }
    // A declined or social answer states no money; expecting one would contradict the kind.
    if ((expect.kind === 'out_of_scope' || expect.kind === 'smalltalk') && expect.amounts) {
      ctx.addIssue({ code: 'custom', path: ['amounts'], message: `a ${expect.kind} answer cannot be expected to state amounts` });
    }
  });
export type GoldenExpect = z.infer<typeof GoldenExpect>;

export const GoldenCase = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'id must be lower-case words joined by "-"'),
  /** One question, or a conversation; only the last turn is scored. */
  turns: z.array(z.string().trim().min(1)).min(1),
  /** The date the answer is given on (validity checks); the runner's default applies when absent. */
  asOf: z.iso.date().optional(),
  category: GoldenCategory,
  expect: GoldenExpect,
});
export type GoldenCase = z.infer<typeof GoldenCase>;

/** The folder of every base's golden set: `eval/golden/<base name>/*.jsonl`. */
export const GOLDEN_ROOT = fileURLToPath(new URL('.', import.meta.url));

/** The golden set of a knowledge base, by the base's folder name (default: the Zhengzhou base). */
export function goldenDirFor(baseName = 'zhengzhou'): string {
  return join(GOLDEN_ROOT, baseName);
}

/**
 * Reads every `*.jsonl` in `dir` (sorted by name, blank lines skipped), or one `.jsonl` file, validates each
 * line and returns the cases in file order. A bad line or a duplicate id throws an error naming
 * `file:line`, so a broken set fails loudly instead of silently scoring fewer cases.
 */
export function loadGoldenSet(dir: string = goldenDirFor()): GoldenCase[] {
  const single = dir.endsWith('.jsonl');
  const files = single
    ? [basename(dir)]
    : readdirSync(dir)
        .filter((name) => name.endsWith('.jsonl'))
        .sort();
  if (single) dir = dirname(dir);
  const cases: GoldenCase[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const lines = readFileSync(join(dir, file), 'utf8').split(/\r?\n/);
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const where = `${file}:${index + 1}`;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (error) {
        throw new Error(`${where}: invalid JSON: ${(error as Error).message}`, { cause: error });
      }
      const parsed = GoldenCase.safeParse(json);
      if (!parsed.success) {
        const problems = parsed.error.issues
          .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(case)'}: ${issue.message}`)
          .join('; ');
        throw new Error(`${where}: invalid golden case: ${problems}`);
      }
      const earlier = seen.get(parsed.data.id);
      if (earlier !== undefined) {
        throw new Error(`${where}: duplicate id "${parsed.data.id}" (first at ${earlier})`);
      }
      seen.set(parsed.data.id, where);
      cases.push(parsed.data);
    });
  }
  return cases;
}
