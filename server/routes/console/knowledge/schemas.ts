import { z } from 'zod';

/** The staff-only knowledge base routes' contract (the console's 知识库 screen). */

export const DocumentFormatValue = z.enum(['plan-web-page', 'plan-text', 'law-markdown', 'law-text']);

/** Metadata given or corrected by staff; `null` clears an optional field. Values are checked by the admin (Chinese messages). */
export const MetadataInputBody = z.strictObject({
  docId: z.string().max(80).optional(),
  title: z.string().max(200).optional(),
  shortTitle: z.string().max(60).nullable().optional(),
  issuer: z.string().max(200).optional(),
  issueDate: z.string().max(20).nullable().optional(),
  validFrom: z.string().max(20).optional(),
  validTo: z.string().max(20).nullable().optional(),
  jurisdiction: z.string().max(60).optional(),
  format: DocumentFormatValue.optional(),
});

export const UploadRequest = z.strictObject({
  fileName: z.string().min(1, { message: 'fileName 不能为空' }).max(200),
  /** The file's bytes, Base64. */
  contentBase64: z.string().min(1, { message: '文件内容为空' }),
  metadata: MetadataInputBody.optional(),
});

export const DraftParams = z.strictObject({ draftId: z.string().max(40) });
export const DocumentParams = z.strictObject({ docId: z.string().max(80) });
export const RuleSetParams = z.strictObject({ ruleSetId: z.string().max(80) });

export const CalculatePreviewRequest = z.strictObject({
  facts: z.record(z.string(), z.unknown()).default({}),
  asOf: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'asOf 应写作 YYYY-MM-DD' })
    .optional(),
});

const Issue = z.object({ line: z.number().int().optional(), path: z.string().optional(), message: z.string() });

export const KnowledgeErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(Issue).optional() }),
});

const DocumentMetadataBody = z.object({
  docId: z.string(),
  title: z.string().optional(),
  shortTitle: z.string().optional(),
  issuer: z.string().optional(),
  issueDate: z.string().optional(),
  validFrom: z.string().optional(),
  validTo: z.string().optional(),
  jurisdiction: z.string().optional(),
});

export const DocumentPreviewBody = z.object({
  source: z.object({ kind: z.string(), kindName: z.string(), bytes: z.number().int(), notes: z.array(z.string()) }),
  format: z.object({
    guess: z.object({ format: z.string(), confidence: z.number(), evidence: z.array(z.string()) }),
    used: z.string(),
    usedName: z.string(),
  }),
  metadata: DocumentMetadataBody,
  inferred: z.array(z.object({ field: z.string(), label: z.string(), value: z.string(), how: z.string() })),
  missing: z.array(z.string()),
  clauses: z.array(
    z.object({
      clauseId: z.string(),
      kind: z.string(),
      label: z.string(),
      heading: z.string(),
      path: z.array(z.string()),
      length: z.number().int(),
      amountsYuan: z.array(z.number()),
      excerpt: z.string(),
    }),
  ),
  cleaning: z.object({
    docId: z.string(),
    removed: z.array(z.object({ kind: z.string(), text: z.string() })),
    rubyAnnotationsStripped: z.number().int(),
    issues: z.array(
      z.object({ docId: z.string(), kind: z.string(), span: z.string(), context: z.string(), fixedBy: z.string().optional() }),
    ),
  }),
  problems: z.array(z.string()),
});

const DraftHead = { draftId: z.string(), fileName: z.string(), createdAt: z.string(), createdBy: z.string() };

export const DocumentDraftBody = DocumentPreviewBody.extend({ ...DraftHead, kind: z.literal('document') });

export const RulesDraftBody = z.object({
  ...DraftHead,
  kind: z.literal('rules'),
  ruleSet: z.object({
    id: z.string(),
    docId: z.string(),
    title: z.string(),
    validity: z.object({ from: z.string(), to: z.string() }),
    rules: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        citation: z.object({ docId: z.string(), clauseId: z.string() }),
        amountKind: z.string(),
      }),
    ),
    facts: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        label: z.string(),
        question: z.string(),
        options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
      }),
    ),
  }),
  replaces: z.boolean(),
  problems: z.array(Issue),
  text: z.string(),
});

export const DraftBody = z.discriminatedUnion('kind', [DocumentDraftBody, RulesDraftBody]);

const VersionBody = z.object({
  version: z.number().int(),
  basedOn: z.number().int().optional(),
  at: z.string(),
  who: z.string(),
  action: z.string(),
  actionName: z.string(),
  summary: z.string(),
  changes: z.array(z.string()),
});

export const KnowledgeStatusBody = z.object({
  base: z.object({ name: z.string(), assistantName: z.string().optional() }),
  live: z.object({ generation: z.number().int(), since: z.string(), documents: z.number().int(), clauses: z.number().int() }),
  documents: z.array(
    z.object({
      docId: z.string(),
      title: z.string(),
      shortTitle: z.string().optional(),
      issuer: z.string(),
      issueDate: z.string().optional(),
      validFrom: z.string(),
      validTo: z.string().optional(),
      jurisdiction: z.string(),
      format: z.string().optional(),
      file: z.string(),
      original: z.string().optional(),
      primary: z.boolean(),
      status: z.enum(['published', 'unpublished']),
      ruleSets: z.array(z.string()),
      /** Clauses served now (published documents). */
      clauses: z.number().int().optional(),
    }),
  ),
  ruleSets: z.array(
    z.object({
      id: z.string(),
      docId: z.string(),
      title: z.string(),
      rules: z.number().int(),
      status: z.enum(['published', 'unpublished']),
    }),
  ),
  drafts: z.array(
    z.object({
      draftId: z.string(),
      kind: z.enum(['document', 'rules']),
      fileName: z.string(),
      title: z.string(),
      createdAt: z.string(),
      createdBy: z.string(),
    }),
  ),
  history: z.array(VersionBody),
  rollback: z.object({ toVersion: z.number().int(), undoes: z.string() }).optional(),
  formats: z.array(z.object({ value: z.string(), name: z.string() })),
  accepts: z.object({ documents: z.array(z.string()), rules: z.array(z.string()), maxBytes: z.number().int() }),
});

export const ChangeBody = z.object({ version: VersionBody, status: KnowledgeStatusBody });

export const DiscardedBody = z.object({ discarded: z.literal(true) });
