import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KnowledgeError } from '../errors.js';
import { DOCUMENT_FORMATS } from './format.js';

const isoDate = z.iso.date({ message: 'must be a date written YYYY-MM-DD' });

const windowSchema = z.object({ from: isoDate, to: isoDate.optional() }).strict();

export const manifestEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    title: z.string().min(1),
    shortTitle: z.string().min(1).optional(),
    /** Other names people use for the document (促进法); a question naming one searches that document. */
    aliases: z.array(z.string().min(1)).default([]),
    issuer: z.string().min(1),
    /** Absent when the source prints no date (a brochure's transcription). */
    issueDate: isoDate.optional(),
    validity: windowSchema,
    jurisdiction: z.string().min(1),
    /** The text's layout (format.ts); guessed from the text when absent. */
    format: z.enum(DOCUMENT_FORMATS).optional(),
    file: z.string().min(1),
    /** The file as received (.docx, .pdf, .html) when `file` is the text read from it, kept for reference. */
    original: z.string().min(1).optional(),
    errata: z.string().min(1).optional(),
    /** The document the advisor is about; lookups without a named document resolve to it. */
    primary: z.boolean().optional(),
  })
  .strict();

export const manifestSchema = z
  .object({
    /** How the advisor names itself to callers of this base (郑州市专精特新政策咨询助手). */
    assistant: z
      .object({
        name: z.string().min(1),
        /** Sample questions the console offers as one-click chips; they name the base's own terms. */
        examples: z.array(z.string().min(1).max(120)).max(8).default([]),
        /** Sample search terms the console's clause search suggests. */
        searchTerms: z.array(z.string().min(1).max(20)).max(8).default([]),
      })
      .strict()
      .optional(),
    documents: z.array(manifestEntrySchema).min(1),
  })
  .strict()
  .refine((m) => new Set(m.documents.map((d) => d.id)).size === m.documents.length, {
    message: 'document ids must be unique',
  });

export type ManifestEntry = z.infer<typeof manifestEntrySchema>;
export type Manifest = z.infer<typeof manifestSchema>;

/** Reads and validates a base's `manifest.yaml`; a bad entry fails with the file and the path inside it. */
export function loadManifest(file: string): Manifest {
  const data: unknown = parseYaml(readFileSync(file, 'utf8'), { schema: 'core' });
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new KnowledgeError('manifest_invalid', `${file}: ${problems}`);
  }
  return parsed.data;
}
