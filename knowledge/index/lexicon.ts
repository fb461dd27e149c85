import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KnowledgeError } from '../errors.js';

export const lexiconSchema = z
  .object({
    words: z.array(z.string().min(1)),
    synonyms: z.array(z.array(z.string().min(1)).min(2)),
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
