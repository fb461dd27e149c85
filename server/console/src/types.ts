/**
 * The API contract as the console sees it: names for the types generated from server/schemas.ts
 * (api-types.gen.ts, `npm run api:types`). Nothing here is written by hand.
 */
export type {
  Answer,
  BaseSummary as Base,
  CalculateResponse,
  ClauseBody as Clause,
  ClauseResponse,
  DocumentSummary as Document,
  FactInputBody as FactInput,
  InsightsBody as Insights,
  RuleResultBody as RuleResult,
  SearchHit as Hit,
  StaffSessionBody as StaffSession,
} from './api-types.gen.js';
