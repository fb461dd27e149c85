import { HOTLINE, REQUEST_TIMEOUT_MS, SERVICE_URL } from '../config';

/**
 * The advisor's public HTTP contract as the mini-program uses it: the types generated from
 * server/schemas.ts (api-types.gen.ts, `npm run api:types`), under the names the pages use.
 */
export type {
  Answer,
  CalculateResponse,
  CalculationResult as Calculation,
  Citation,
  ClauseBody as Clause,
  DocumentResponse as PolicyDocument,
  FactInputBody as FactInput,
  RuleResultBody as RuleResult,
  SearchHit,
} from './api-types.gen';
import type { Answer, CalculateResponse, CalculatorInputsResponse, DocumentResponse, SearchResponse } from './api-types.gen';

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
        else resolve({ ok: false, message: res.statusCode < 500 ? (serviceMessage(res.data) ?? UNREACHABLE) : UNREACHABLE });
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
  calculatorInputs: () => request<CalculatorInputsResponse>('GET', '/v1/calculator/inputs'),
  calculate: (facts: Record<string, string | boolean>) => request<CalculateResponse>('POST', '/v1/calculate', { facts }),
  policy: (docId: string) => request<DocumentResponse>('GET', `/v1/policies/${encodeURIComponent(docId)}`),
  search: (q: string, docId: string) => request<SearchResponse>('GET', `/v1/search?${query({ q, k: 10, docId })}`),
};
