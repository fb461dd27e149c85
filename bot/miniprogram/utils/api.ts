import { HOTLINE, REQUEST_TIMEOUT_MS, SERVICE_URL } from '../config';

/**
 * The advisor's public HTTP contract as the mini-program uses it. These types mirror server/schemas.ts
 * (the mini-program cannot import zod); the round-trip tests against the real service keep them honest.
 */

export interface Citation {
  docId: string;
  clauseId: string;
  label: string;
  title: string;
  quote: string;
}

export interface Calculation {
  ruleId: string;
  title: string;
  eligible: boolean;
  amountYuan: number;
  formula: string;
  citation: { docId: string; clauseId: string };
  status: RuleStatus;
}

export interface Answer {
  answer: string;
  kind: 'calculation' | 'lookup' | 'clarify' | 'out_of_scope' | 'smalltalk';
  citations: Citation[];
  calculations: Calculation[];
  followUp?: string[];
  totalYuan?: number;
  answerId?: string;
}

export type RuleStatus = 'eligible' | 'ineligible' | 'needs-facts' | 'expired';

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
  eligible: boolean;
  status: RuleStatus;
  amountYuan: number;
  formula: string;
  citation: { docId: string; clauseId: string };
  conditions: { factId: string; description: string; met: boolean | null; detail: string }[];
  reasons: string[];
}

export interface CalculateResponse {
  totalYuan: number;
  results: RuleResult[];
  followUp: { factId: string; question: string; label: string }[];
  invalidFacts: { factId: string; problem: string }[];
  notes: string[];
  summary: string;
}

export interface Clause {
  docId: string;
  clauseId: string;
  kind: string;
  label: string;
  path: string[];
  heading: string;
  text: string;
}

export interface PolicyDocument {
  document: { docId: string; title: string; validity: { from: string; to?: string } };
  clauses: Clause[];
}

export interface SearchHit {
  docId: string;
  clauseId: string;
  label: string;
  heading: string;
  text: string;
  title: string;
}

/** Either the body, or a message to show the user. Never throws. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; message: string };

export const UNREACHABLE = `暂时连不上政策咨询服务，请稍后再试。如需帮助，请拨打 ${HOTLINE}。`;

function serviceMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: { message?: unknown } }).error;
  return typeof error?.message === 'string' ? error.message : undefined;
}

export function request<T>(method: 'GET' | 'POST', path: string, body?: WechatMiniprogram.IAnyObject): Promise<ApiResult<T>> {
  return new Promise((resolve) => {
    wx.request({
      url: `${SERVICE_URL.replace(/\/+$/, '')}${path}`,
      method,
      ...(body ? { data: body } : {}),
      header: { 'content-type': 'application/json' },
      timeout: REQUEST_TIMEOUT_MS,
      success: (res) => {
        if (res.statusCode >= 200 && res.statusCode < 300) resolve({ ok: true, data: res.data as T });
        else resolve({ ok: false, message: res.statusCode < 500 ? serviceMessage(res.data) ?? UNREACHABLE : UNREACHABLE });
      },
      fail: () => resolve({ ok: false, message: UNREACHABLE }),
    });
  });
}

const query = (params: Record<string, string | number>) =>
  Object.keys(params)
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(params[k]))}`)
    .join('&');

export const api = {
  ask: (question: string, sessionId: string) => request<Answer>('POST', '/v1/ask', { question, sessionId, channel: 'miniprogram' }),
  feedback: (answerId: string, helpful: boolean) => request<{ ok: true }>('POST', '/v1/feedback', { answerId, helpful }),
  calculatorInputs: () => request<{ inputs: FactInput[] }>('GET', '/v1/calculator/inputs'),
  calculate: (facts: Record<string, string | boolean>) => request<CalculateResponse>('POST', '/v1/calculate', { facts }),
  policy: (docId: string) => request<PolicyDocument>('GET', `/v1/policies/${encodeURIComponent(docId)}`),
  search: (q: string, docId: string) => request<{ hits: SearchHit[] }>('GET', `/v1/search?${query({ q, k: 10, docId })}`),
};
