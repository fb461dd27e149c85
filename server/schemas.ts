import { z } from 'zod';

/**
 * The public HTTP contract (v1), as zod schemas: the routes validate with them and the OpenAPI document
 * at /docs is generated from them, so the two cannot drift apart.
 */

export const MAX_QUESTION_LENGTH = 2000;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'asOf 必须是 YYYY-MM-DD 格式的日期，例如 2026-06-01' })
  .refine(isCalendarDate, { message: 'asOf 不是有效日期（例如 2026-02-30 不存在）' });

/** YYYY-MM-DD names a day of the Gregorian calendar (arithmetic: this runs on every question). */
export function isCalendarDate(text: string): boolean {
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Rejects what a caller cannot mean: control characters (other than newlines/tabs) and lone surrogates. */
const cleanText = (field: string) =>
  z
    .string({ message: `${field} 必须是字符串` })
    .refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s), { message: `${field} 含有控制字符` })
    .refine((s) => !LONE_SURROGATE.test(s), { message: `${field} 含有无效的 Unicode 字符（孤立代理项）` });

export const QuestionText = cleanText('question')
  .refine((s) => s.trim().length > 0, { message: 'question 不能为空，请输入您的问题' })
  .refine((s) => s.length <= MAX_QUESTION_LENGTH, { message: `question 不能超过 ${MAX_QUESTION_LENGTH} 个字符，请精简后再问` });

export const SessionId = cleanText('sessionId')
  .min(1, { message: 'sessionId 不能为空' })
  .max(128, { message: 'sessionId 不能超过 128 个字符' })
  .regex(/^[\w.:@-]+$/, { message: 'sessionId 只能包含字母、数字和 _ . : @ -' });

export const Channel = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, { message: 'channel 只能是小写字母开头的短标识，例如 wechat、console、api' });

export const AskRequest = z
  .strictObject({
    question: QuestionText,
    sessionId: SessionId.optional(),
    channel: Channel.optional(),
    asOf: isoDate.optional(),
  })
  .describe('提问');

export const AnswerKind = z.enum(['calculation', 'lookup', 'clarify', 'out_of_scope', 'smalltalk']);

export const Citation = z.object({
  docId: z.string(),
  clauseId: z.string(),
  label: z.string(),
  title: z.string().describe('政策文件标题'),
  quote: z.string().describe('条款原文（逐字）'),
});

export const CalculationResult = z.object({
  ruleId: z.string(),
  title: z.string(),
  eligible: z.boolean(),
  amountYuan: z
    .number()
    .int()
    .nonnegative()
    .describe(
      '整数元；可申请（eligible）时为政策允许的上限；待补充信息（needs-facts）时为所问情形下政策允许的最高额，是否符合尚待核对；不符合时为 0',
    ),
  formula: z.string(),
  citation: z.object({ docId: z.string(), clauseId: z.string() }),
  assumptions: z.array(z.string()),
  status: z.enum(['eligible', 'ineligible', 'needs-facts', 'expired']),
  reasons: z.array(z.string()),
});

export const Answer = z.object({
  answer: z.string().describe('先读的答复：第一句即结论（金额、是否、日期、责任单位），随后是最要紧的一个条件或还需了解的一项情况'),
  details: z
    .string()
    .describe('详情：算式、逐条核对的条件、所作假设、所用情况及其出处、有效期与“以主管部门审核为准”；条款原文见 citations[].quote'),
  kind: AnswerKind,
  citations: z.array(Citation),
  calculations: z.array(CalculationResult),
  followUp: z.array(z.string()).optional(),
  totalYuan: z.number().int().nonnegative().optional().describe('可叠加奖补的合计上限（已按从高不重复处理）'),
  asOf: z.string(),
  sessionId: z.string().optional(),
  answerId: z.string().optional().describe('问答记录编号，用于反馈'),
});

export type AskRequestBody = z.infer<typeof AskRequest>;
export type AnswerBody = z.infer<typeof Answer>;
export type CitationBody = z.infer<typeof Citation>;
export type CalculationBody = z.infer<typeof CalculationResult>;

export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const SearchQuery = z.strictObject({
  q: cleanText('q')
    .refine((s) => s.trim().length > 0, { message: 'q 不能为空' })
    .refine((s) => s.length <= 200, { message: 'q 不能超过 200 个字符' }),
  k: z.coerce.number({ message: 'k 必须是 1 到 50 的整数' }).int({ message: 'k 必须是整数' }).min(1).max(50).default(5),
  docId: z.string().max(64).optional(),
});

export const SearchHit = z.object({
  docId: z.string(),
  clauseId: z.string(),
  label: z.string(),
  heading: z.string(),
  path: z.array(z.string()),
  text: z.string(),
  score: z.number(),
  title: z.string(),
});

export const ClauseBody = z.object({
  docId: z.string(),
  clauseId: z.string(),
  kind: z.string(),
  label: z.string(),
  aliases: z.array(z.string()),
  path: z.array(z.string()),
  heading: z.string(),
  text: z.string(),
  responsibleUnits: z.array(z.string()),
  amountsYuan: z.array(z.number().int()),
});

export const SearchResponse = z.object({ query: z.string(), hits: z.array(SearchHit) });

export const DocumentSummary = z.object({
  docId: z.string(),
  title: z.string(),
  shortTitle: z.string().optional(),
  issuer: z.string(),
  issueDate: z.string().optional(),
  jurisdiction: z.string(),
  validity: z.object({ from: z.string(), to: z.string().optional() }),
  applicationWindow: z.object({ from: z.string(), to: z.string().optional() }).optional(),
  clauses: z.number().int(),
});

/** The base the service answers for, as the console presents it. */
export const BaseSummary = z.object({
  assistantName: z.string().describe('助手名称，例如“某某政策咨询助手”'),
  examples: z.array(z.string()).describe('示例问题'),
  searchTerms: z.array(z.string()).describe('检索示例关键词'),
  clauseLinkTemplate: z.string().optional().describe('条款公开链接模板（含 {docId}、{clauseId}），配置了 CLAUSE_LINK_TEMPLATE 时给出'),
});

export const DocumentsResponse = z.object({ documents: z.array(DocumentSummary), base: BaseSummary });
export const DocumentResponse = z.object({ document: DocumentSummary, clauses: z.array(ClauseBody) });
export const ClauseResponse = z.object({
  clause: ClauseBody,
  neighbours: z.array(ClauseBody),
  document: z.object({ title: z.string(), validity: z.object({ from: z.string(), to: z.string().optional() }) }),
});

export const FeedbackRequest = z.strictObject({
  answerId: z.string().min(1).max(64),
  helpful: z.boolean({ message: 'helpful 必须是 true 或 false' }),
  comment: cleanText('comment').max(1000, { message: 'comment 不能超过 1000 个字符' }).optional(),
});

export const CalculateRequest = z.strictObject({
  facts: z.record(z.string().max(64), z.unknown(), {
    message: 'facts 必须是对象（事实编号 → 取值，如 {"某事实":"500万"}），可用的事实见 GET /v1/calculator/inputs',
  }),
  asOf: isoDate.optional(),
  policyId: z.string().max(64).optional(),
});

export const ChatMessage = z
  .object({
    role: z.enum(['system', 'user', 'assistant', 'tool', 'developer']),
    content: z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }).loose()), z.null()]).optional(),
    name: z.string().optional(),
  })
  .loose();

export const ChatCompletionRequest = z
  .object({
    model: z.string().max(128).optional(),
    messages: z.array(ChatMessage).min(1, { message: 'messages 至少包含一条用户消息' }).max(100, { message: 'messages 不能超过 100 条' }),
    stream: z.boolean().optional(),
    user: z.string().max(128).optional(),
  })
  .loose();

export const ConditionBody = z.object({ factId: z.string(), description: z.string(), met: z.boolean().nullable(), detail: z.string() });
export const RuleResultBody = z.object({
  ruleId: z.string(),
  title: z.string(),
  policyId: z.string(),
  eligible: z.boolean(),
  status: z.enum(['eligible', 'ineligible', 'needs-facts', 'expired']),
  amountYuan: z.number().int().nonnegative(),
  maxYuan: z.number().int().nullable(),
  formula: z.string(),
  citation: z.object({ docId: z.string(), clauseId: z.string() }),
  conditions: z.array(ConditionBody),
  assumptions: z.array(z.string()),
  reasons: z.array(z.string()),
  missingFacts: z.array(z.string()),
  supersededBy: z.string().optional(),
});
export const CalculateResponse = z.object({
  asOf: z.string(),
  expired: z.boolean(),
  totalYuan: z.number().int().nonnegative().describe('可叠加的合计上限（已按同一年度从高、不重复处理）'),
  results: z.array(RuleResultBody),
  followUp: z.array(z.object({ factId: z.string(), question: z.string(), label: z.string() })),
  invalidFacts: z.array(z.object({ factId: z.string(), problem: z.string() })),
  notes: z.array(z.string()),
  summary: z.string().describe('可读给来电者听的一段话'),
});
export const FactInputBody = z.object({
  id: z.string(),
  type: z.string(),
  label: z.string(),
  question: z.string(),
  help: z.string().optional(),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
});

export const CalculatorInputsResponse = z.object({ inputs: z.array(FactInputBody) });

const day = (field: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: `${field} 必须是 YYYY-MM-DD 格式的日期` })
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
      message: `${field} 不是有效日期`,
    });

export const InsightsQuery = z.strictObject({
  from: day('from').optional().describe('起始日期（含），中国时间；默认为 to 之前 6 天'),
  to: day('to').optional().describe('截止日期（含），中国时间；默认今天'),
  limit: z.coerce.number({ message: 'limit 必须是 1 到 200 的整数' }).int().min(1).max(200).default(20),
});

/** Why a question counts as unanswered, from the advisor's intent (`out_of_scope:<reason>`). */
export const UnansweredReason = z.enum(['no_clause', 'other_region', 'other_topic', 'refused', 'out_of_scope']);

export type UnansweredReasonValue = z.infer<typeof UnansweredReason>;

export const InsightsBody = z.object({
  from: z.string(),
  to: z.string(),
  topQuestions: z.array(z.object({ question: z.string(), count: z.number().int(), lastKind: z.string() })),
  unanswered: z.array(
    z.object({ id: z.string(), at: z.string(), question: z.string(), reason: UnansweredReason, intent: z.string(), channel: z.string() }),
  ),
  unhelpful: z.array(
    z.object({
      answerId: z.string(),
      at: z.string(),
      question: z.string(),
      kind: AnswerKind.or(z.string()),
      comment: z.string().nullable(),
    }),
  ),
});

export const SignInRequest = z
  .strictObject({
    username: z.string().max(64, { message: 'username 不能超过 64 个字符' }).optional(),
    password: z.string().max(256, { message: 'password 不能超过 256 个字符' }).optional(),
    token: z.string().max(512, { message: 'token 不能超过 512 个字符' }).optional(),
  })
  .describe('坐席登录：用户名和密码，或共享令牌');

export const StaffSessionBody = z.object({
  user: z.string(),
  via: z.enum(['password', 'token']),
  expiresAt: z.string().describe('会话到期时间（ISO 8601）'),
  sessionMinutes: z.number().int(),
  today: z.string().describe('服务按此日期答复与测算（YYYY-MM-DD，中国时间）'),
});

export const SignedOutBody = z.object({ signedOut: z.literal(true) });

export type InsightsResponse = z.infer<typeof InsightsBody>;
