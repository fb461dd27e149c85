import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KnowledgeError } from '../errors.js';

/**
 * What a clause does in its document (why it was made, what it is based on, when it takes effect, who issued
 * it), read from the drafting formulas every Chinese legal or policy text uses; and which of these a question
 * asks for in everyday words (初衷是啥、照着哪部上位法、后年还作数吗、谁家盖的章). Such questions share almost
 * no words with the clause they need, but the clause's role is plain from its form. Data:
 * knowledge/index/clause-roles.yaml.
 */
const pattern = z.string().refine((source) => {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const clauseRolesSchema = z
  .object({
    roles: z.array(
      z.strictObject({
        id: z.string().regex(/^[a-z][a-z-]*$/),
        clause: z.array(pattern).min(1),
        question: z.array(pattern).min(1),
      }),
    ),
  })
  .strict();

export interface ClauseRoles {
  /** The roles a clause's own text gives it. */
  ofClause(text: string): string[];
  /** The roles a question asks for. */
  askedBy(question: string): string[];
}

export const DEFAULT_CLAUSE_ROLES_FILE = new URL('./clause-roles.yaml', import.meta.url);

/** Reads and validates the role definitions (default: knowledge/index/clause-roles.yaml). */
export function loadClauseRoles(file: URL | string = DEFAULT_CLAUSE_ROLES_FILE): ClauseRoles {
  const parsed = clauseRolesSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new KnowledgeError(
      'manifest_invalid',
      `${String(file)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const roles = parsed.data.roles.map((r) => ({
    id: r.id,
    clause: r.clause.map((p) => new RegExp(p, 'u')),
    question: r.question.map((p) => new RegExp(p, 'iu')),
  }));
  return {
    ofClause: (text) => roles.filter((r) => r.clause.some((re) => re.test(text))).map((r) => r.id),
    askedBy: (question) => roles.filter((r) => r.question.some((re) => re.test(question))).map((r) => r.id),
  };
}
