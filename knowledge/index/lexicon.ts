import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KnowledgeError } from '../errors.js';

export const lexiconSchema = z
  .object({
    /** Terms of the base the segmenter must keep whole; a question using one is about the base. */
    words: z.array(z.string().min(1)),
    /** Ways people say the same thing, the policy's own wording first. */
    synonyms: z.array(z.array(z.string().min(1)).min(2)),
    /** The base's own places (its city, district, province): a question naming only other places is not its. */
    places: z.array(z.string().min(1)).default([]),
    /** English terms of the base, read as the Chinese term (little giant → 小巨人). */
    english: z.record(z.string().min(1), z.string().min(1)).default({}),
    /**
     * Other programmes people confuse with this base's (高新技术企业认定, 稳岗补贴), as frames: a question
     * about one is declined by name, unless it also points to this base's own awards or clauses.
     */
    notCovered: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type Lexicon = z.infer<typeof lexiconSchema>;

/** Loads the domain vocabulary (segmenter words and synonym groups). */
export function loadLexicon(file: string): Lexicon {
  const parsed = lexiconSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new KnowledgeError(
      'manifest_invalid',
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
