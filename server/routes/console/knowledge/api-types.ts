import { compile } from 'json-schema-to-typescript';
import { z } from 'zod';
import * as contract from './schemas.js';

/**
 * The 知识库 screen's view of the knowledge routes: TypeScript types generated from the zod schemas the
 * routes validate and serialise with, so the browser code cannot drift from the service (a test compares).
 */
export const KNOWLEDGE_API_TYPES = {
  KnowledgeStatus: contract.KnowledgeStatusBody,
  KnowledgeDraft: contract.DraftBody,
  DocumentDraft: contract.DocumentDraftBody,
  RulesDraft: contract.RulesDraftBody,
  DocumentPreview: contract.DocumentPreviewBody,
  KnowledgeChange: contract.ChangeBody,
  KnowledgeError: contract.KnowledgeErrorBody,
  MetadataInput: contract.MetadataInputBody,
  UploadRequest: contract.UploadRequest,
} satisfies Record<string, z.ZodType>;

export const KNOWLEDGE_TYPES_FILE = 'server/console/src/knowledge-api.gen.ts';

const BANNER = `// Generated from server/routes/console/knowledge/schemas.ts by \`npm run knowledge:api-types\`; do not edit. A test fails when this file is stale.`;

export async function generateKnowledgeApiTypes(): Promise<string> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(KNOWLEDGE_API_TYPES)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-7', io: 'output', uri: (id) => `#/definitions/${id}` });
  const definitions = Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _, ...rest } = schema as Record<string, unknown>;
      return [id, { ...rest, title: id }];
    }),
  );
  const root = { title: 'KnowledgeApiTypes', type: 'object', additionalProperties: false, definitions };
  const text = await compile(root as never, 'KnowledgeApiTypes', {
    bannerComment: BANNER,
    unreachableDefinitions: true,
    additionalProperties: false,
    strictIndexSignatures: true,
    format: true,
    style: { singleQuote: true, printWidth: 140 },
  });
  return text.replace(/export interface KnowledgeApiTypes \{\}\n*/, '');
}
