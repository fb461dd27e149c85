import { compile } from 'json-schema-to-typescript';
import { z } from 'zod';
import * as contract from '../schemas.js';

/**
 * The public contract's types for the clients that cannot import the service's code (the console page,
 * which runs in the browser, and the mini-program, which compiles on its own): generated from the zod
 * schemas the routes validate with, so a change to the contract changes them and a stale copy fails a test.
 */

/** The schemas a client reads or sends, by the type name it sees. */
export const API_TYPES = {
  AskRequest: contract.AskRequest,
  Answer: contract.Answer,
  Citation: contract.Citation,
  CalculationResult: contract.CalculationResult,
  ErrorBody: contract.ErrorBody,
  SearchHit: contract.SearchHit,
  SearchResponse: contract.SearchResponse,
  ClauseBody: contract.ClauseBody,
  ClauseResponse: contract.ClauseResponse,
  BaseSummary: contract.BaseSummary,
  DocumentSummary: contract.DocumentSummary,
  DocumentsResponse: contract.DocumentsResponse,
  DocumentResponse: contract.DocumentResponse,
  FeedbackRequest: contract.FeedbackRequest,
  CalculateRequest: contract.CalculateRequest,
  CalculateResponse: contract.CalculateResponse,
  RuleResultBody: contract.RuleResultBody,
  FactInputBody: contract.FactInputBody,
  CalculatorInputsResponse: contract.CalculatorInputsResponse,
  InsightsBody: contract.InsightsBody,
  SignInRequest: contract.SignInRequest,
  StaffSessionBody: contract.StaffSessionBody,
} satisfies Record<string, z.ZodType>;

/** Where the generated files go, relative to the repository root. */
export const GENERATED_FILES = [
  'server/console/src/api-types.gen.ts',
  'bot/miniprogram/utils/api-types.gen.ts',
  'bot/wechaty/api-types.gen.ts',
] as const;

const BANNER = `// Generated from server/schemas.ts by \`npm run api:types\`; do not edit. A test fails when this file is stale.`;

/**
 * TypeScript declarations for named zod schemas: one interface or alias each, nested types shared by name, the
 * empty root container left out. Used for every generated types file.
 */
export async function typesFromSchemas(types: Record<string, z.ZodType>, rootName: string, banner: string): Promise<string> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(types)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-7', io: 'output', uri: (id) => `#/definitions/${id}` });
  const definitions = Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _, ...rest } = schema as Record<string, unknown>;
      return [id, { ...rest, title: id }];
    }),
  );
  const root = { title: rootName, type: 'object', additionalProperties: false, definitions };
  const text = await compile(root as never, rootName, {
    bannerComment: banner,
    unreachableDefinitions: true,
    additionalProperties: false,
    strictIndexSignatures: true,
    format: true,
    style: { singleQuote: true, printWidth: 140 },
  });
  // The root is only a container for the definitions.
  return text.replace(new RegExp(`export interface ${rootName} \\{\\}\\n*`), '');
}

/** The TypeScript text of every contract type, one interface or alias each, nested types shared by name. */
export async function generateApiTypes(): Promise<string> {
  const constants = `\n/** Longest question the service accepts (characters). */\nexport const MAX_QUESTION_LENGTH = ${contract.MAX_QUESTION_LENGTH};\n`;
  return (await typesFromSchemas(API_TYPES, 'ApiTypes', BANNER)) + constants;
}
