/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/** The API contract as the console sees it: types taken from the server's own schemas where they are exported. */
import type { z } from 'zod';
import type { AnswerBody, ClauseBody, DocumentSummary, SearchHit } from '../../schemas.js';
import type { InsightsResponse } from '../../routes/console/insights.js';
import type { StaffSessionBody } from '../../routes/console/session.js';

export type Answer = AnswerBody;
export type Clause = z.infer<typeof ClauseBody>;
export type Document = z.infer<typeof DocumentSummary>;
export type Hit = z.infer<typeof SearchHit>;
export type Insights = InsightsResponse;
export type StaffSession = z.infer<typeof StaffSessionBody>;

export interface ClauseResponse {
  clause: Clause;
  neighbours: Clause[];
  document: { title: string; validity: { from: string; to?: string } };
}

export interface FactInput {
  id: string;
  type: string;
  label: string;
  question: string;
  help?: string;
  options?: { value: string; label: string }[];
}

export interface RuleResult {
  ruleId: string;
  title: string;
  policyId: string;
  eligible: boolean;
  status: 'eligible' | 'ineligible' | 'needs-facts' | 'expired';
  amountYuan: number;
  maxYuan: number | null;
  formula: string;
  citation: { docId: string; clauseId: string };
  conditions: { factId: string; description: string; met: boolean | null; detail: string }[];
  assumptions: string[];
  reasons: string[];
  missingFacts: string[];
  supersededBy?: string;
}

export interface CalculateResponse {
  asOf: string;
  expired: boolean;
  totalYuan: number;
  results: RuleResult[];
  followUp: { factId: string; question: string; label: string }[];
  invalidFacts: { factId: string; problem: string }[];
  notes: string[];
  summary: string;
}
