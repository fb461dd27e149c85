import { type z } from 'zod';
import { typesFromSchemas } from '../../../contract/api-types.js';
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
  return typesFromSchemas(KNOWLEDGE_API_TYPES, 'KnowledgeApiTypes', BANNER);
}
