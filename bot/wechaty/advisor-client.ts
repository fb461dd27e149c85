import { createHmac } from 'node:crypto';
import type { Answer, AskRequest, FeedbackRequest } from './api-types.gen.js';
import { readAnswer, readError } from './contract.js';
import { BotError, type Result } from './errors.js';

export type FeedbackBody = FeedbackRequest;

/** Who a request is for: the WeChat user behind it, so the service can limit each user on their own. */
export interface RequestContext {
  /** The WeChat contact id; sent only as a keyed hash (see endUserId). */
  wechatId?: string;
}

/** The bot's only view of the advisor: its public HTTP contract (README.md → 接口). */
export interface AdvisorClient {
  ask(request: AskRequest, context?: RequestContext): Promise<Result<Answer>>;
  feedback(request: FeedbackBody, context?: RequestContext): Promise<Result<{ ok: true }>>;
}

export interface AdvisorClientOptions {
  baseUrl: string;
  timeoutMs: number;
  /** The bot's channel key (ADVISOR_KEY): sent as `Authorization: Bearer`, and the WeChat user as X-End-User. */
  channelKey?: string;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/**
 * The X-End-User value for a WeChat user: an HMAC of the contact id under the channel key. Stable for a user
 * (so the service's per-user limit counts them), but neither the service nor its logs ever see the WeChat id,
 * and without the key nobody can test guessed ids against it.
 */
export function endUserId(channelKey: string, wechatId: string): string {
  return `wx-${createHmac('sha256', channelKey).update(wechatId, 'utf8').digest('base64url')}`;
}

/**
 * Calls the advisor with a timeout. Never throws: a refused connection, a timeout, a 4xx/5xx or a body that
 * does not match the contract all come back as a BotError value, so the caller always has something to say.
 */
export function createAdvisorClient(options: AdvisorClientOptions): AdvisorClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;

  const channelKey = options.channelKey;
  const headersFor = (context: RequestContext | undefined): Record<string, string> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (!channelKey) return headers;
    headers.authorization = `Bearer ${channelKey}`;
    if (context?.wechatId) headers['x-end-user'] = endUserId(channelKey, context.wechatId);
    return headers;
  };

  async function post<T>(
    path: string,
    body: unknown,
    parse: (json: unknown) => T | undefined,
    context: RequestContext | undefined,
  ): Promise<Result<T>> {
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: headersFor(context),
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return {
        ok: false,
        error: timedOut
          ? new BotError('advisor_timeout', `advisor did not answer ${path} within ${options.timeoutMs} ms`, { cause: error })
          : new BotError('advisor_unavailable', `advisor unreachable at ${baseUrl}${path}: ${describe(error)}`, { cause: error }),
      };
    }

    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      // A body that stalls after the headers is as good as a timeout to the person waiting.
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return {
        ok: false,
        error: new BotError(
          timedOut ? 'advisor_timeout' : 'advisor_bad_response',
          `advisor ${path} answered HTTP ${response.status} without JSON`,
          { cause: error },
        ),
      };
    }

    if (response.status === 401) {
      // The bot's own configuration is wrong, not the user's message: the user is told the service is
      // unavailable (with the hotline), the log says what to fix.
      const detail = readError(json)?.error.message ?? 'HTTP 401';
      return {
        ok: false,
        error: new BotError(
          'advisor_unavailable',
          `advisor refused the bot's channel key (HTTP 401): check ADVISOR_KEY against the service's CHANNEL_KEYS (${detail})`,
          { cause: json },
        ),
      };
    }
    if (!response.ok) {
      const message = readError(json)?.error.message ?? `HTTP ${response.status}`;
      const code = response.status === 429 ? 'advisor_busy' : response.status >= 500 ? 'advisor_unavailable' : 'advisor_rejected';
      return { ok: false, error: new BotError(code, message, { cause: json }) };
    }
    const value = parse(json);
    if (value === undefined) {
      return {
        ok: false,
        error: new BotError('advisor_bad_response', `advisor ${path} answered a body outside the contract`, { cause: json }),
      };
    }
    return { ok: true, value };
  }

  return {
    ask: (request, context) => post('/v1/ask', request, readAnswer, context),
    feedback: (request, context) => post('/v1/feedback', request, () => ({ ok: true as const }), context),
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch hides the socket error (ECONNREFUSED…) in `cause`.
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
