// Generated from server/schemas.ts by `npm run api:types`; do not edit. A test fails when this file is stale.

/**
 * 提问
 *
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "AskRequest".
 */
export interface AskRequest {
  question: string;
  sessionId?: string;
  channel?: string;
  asOf?: string;
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "Answer".
 */
export interface Answer {
  /**
   * 先读的答复：第一句即结论（金额、是否、日期、责任单位），随后是最要紧的一个条件或还需了解的一项情况
   */
  answer: string;
  /**
   * 详情：算式、逐条核对的条件、所作假设、所用情况及其出处、有效期与“以主管部门审核为准”；条款原文见 citations[].quote
   */
  details: string;
  kind: 'calculation' | 'lookup' | 'clarify' | 'out_of_scope' | 'smalltalk';
  citations: Citation[];
  calculations: CalculationResult[];
  followUp?: string[];
  /**
   * 可叠加奖补的合计上限（已按从高不重复处理）
   */
  totalYuan?: number;
  asOf: string;
  sessionId?: string;
  /**
   * 问答记录编号，用于反馈
   */
  answerId?: string;
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "Citation".
 */
export interface Citation {
  docId: string;
  clauseId: string;
  label: string;
  /**
   * 政策文件标题
   */
  title: string;
  /**
   * 条款原文（逐字）
   */
  quote: string;
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "CalculationResult".
 */
export interface CalculationResult {
  ruleId: string;
  title: string;
  eligible: boolean;
  /**
   * 整数元；可申请（eligible）时为政策允许的上限；待补充信息（needs-facts）时为所问情形下政策允许的最高额，是否符合尚待核对；不符合时为 0
   */
  amountYuan: number;
  formula: string;
  citation: {
    docId: string;
    clauseId: string;
  };
  assumptions: string[];
  status: 'eligible' | 'ineligible' | 'needs-facts' | 'expired';
  reasons: string[];
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "ErrorBody".
 */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
  };
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "SearchHit".
 */
export interface SearchHit {
  docId: string;
  clauseId: string;
  label: string;
  heading: string;
  path: string[];
  text: string;
  score: number;
  title: string;
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "SearchResponse".
 */
export interface SearchResponse {
  query: string;
  hits: SearchHit[];
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "ClauseBody".
 */
export interface ClauseBody {
  docId: string;
  clauseId: string;
  kind: string;
  label: string;
  aliases: string[];
  path: string[];
  heading: string;
  text: string;
  responsibleUnits: string[];
  amountsYuan: number[];
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "ClauseResponse".
 */
export interface ClauseResponse {
  clause: ClauseBody;
  neighbours: ClauseBody[];
  document: {
    title: string;
    validity: {
      from: string;
      to?: string;
    };
  };
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "BaseSummary".
 */
export interface BaseSummary {
  /**
   * 助手名称，例如“某某政策咨询助手”
   */
  assistantName: string;
  /**
   * 示例问题
   */
  examples: string[];
  /**
   * 检索示例关键词
   */
  searchTerms: string[];
  /**
   * 条款公开链接模板（含 {docId}、{clauseId}），配置了 CLAUSE_LINK_TEMPLATE 时给出
   */
  clauseLinkTemplate?: string;
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "DocumentSummary".
 */
export interface DocumentSummary {
  docId: string;
  title: string;
  shortTitle?: string;
  issuer: string;
  issueDate?: string;
  jurisdiction: string;
  validity: {
    from: string;
    to?: string;
  };
  applicationWindow?: {
    from: string;
    to?: string;
  };
  clauses: number;
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "DocumentsResponse".
 */
export interface DocumentsResponse {
  documents: DocumentSummary[];
  base: BaseSummary;
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "DocumentResponse".
 */
export interface DocumentResponse {
  document: DocumentSummary;
  clauses: ClauseBody[];
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "FeedbackRequest".
 */
export interface FeedbackRequest {
  answerId: string;
  helpful: boolean;
  comment?: string;
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "CalculateRequest".
 */
export interface CalculateRequest {
  facts: {
    [k: string]: unknown | undefined;
  };
  asOf?: string;
  policyId?: string;
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "CalculateResponse".
 */
export interface CalculateResponse {
  asOf: string;
  expired: boolean;
  /**
   * 可叠加的合计上限（已按同一年度从高、不重复处理）
   */
  totalYuan: number;
  results: RuleResultBody[];
  followUp: {
    factId: string;
    question: string;
    label: string;
  }[];
  invalidFacts: {
    factId: string;
    problem: string;
  }[];
  notes: string[];
  /**
   * 可读给来电者听的一段话
   */
  summary: string;
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "RuleResultBody".
 */
export interface RuleResultBody {
  ruleId: string;
  title: string;
  policyId: string;
  eligible: boolean;
  status: 'eligible' | 'ineligible' | 'needs-facts' | 'expired';
  amountYuan: number;
  maxYuan: number | null;
  formula: string;
  citation: {
    docId: string;
    clauseId: string;
  };
  conditions: {
    factId: string;
    description: string;
    met: boolean | null;
    detail: string;
  }[];
  assumptions: string[];
  reasons: string[];
  missingFacts: string[];
  supersededBy?: string;
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "FactInputBody".
 */
export interface FactInputBody {
  id: string;
  type: string;
  label: string;
  question: string;
  help?: string;
  options?: {
    value: string;
    label: string;
  }[];
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "CalculatorInputsResponse".
 */
export interface CalculatorInputsResponse {
  inputs: FactInputBody[];
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "InsightsBody".
 */
export interface InsightsBody {
  from: string;
  to: string;
  topQuestions: {
    question: string;
    count: number;
    lastKind: string;
  }[];
  unanswered: {
    id: string;
    at: string;
    question: string;
    reason: 'no_clause' | 'other_region' | 'other_topic' | 'refused' | 'out_of_scope';
    intent: string;
    channel: string;
  }[];
  unhelpful: {
    answerId: string;
    at: string;
    question: string;
    kind: ('calculation' | 'lookup' | 'clarify' | 'out_of_scope' | 'smalltalk') | string;
    comment: string | null;
  }[];
}
/**
 * 坐席登录：用户名和密码，或共享令牌
 *
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "SignInRequest".
 */
export interface SignInRequest {
  username?: string;
  password?: string;
  token?: string;
}
/**
 * This interface was referenced by `ApiTypes`'s JSON-Schema
 * via the `definition` "StaffSessionBody".
 */
export interface StaffSessionBody {
  user: string;
  via: 'password' | 'token';
  /**
   * 会话到期时间（ISO 8601）
   */
  expiresAt: string;
  sessionMinutes: number;
  /**
   * 服务按此日期答复与测算（YYYY-MM-DD，中国时间）
   */
  today: string;
}

/** Longest question the service accepts (characters). */
export const MAX_QUESTION_LENGTH = 2000;
