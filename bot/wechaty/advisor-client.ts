import type { Answer, AskRequest, FeedbackRequest } from './api-types.gen.js';
import { readAnswer, readError } from './contract.js';
import { BotError, type Result } from './errors.js';

export type FeedbackBody = FeedbackRequest;

/** The bot's only view of the advisor: its public HTTP contract (README.md → 接口). */
export interface AdvisorClient {
  ask(request: AskRequest): Promise<Result<Answer>>;
  feedback(request: FeedbackBody): Promise<Result<{ ok: true }>>;
}

export interface AdvisorClientOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/**
 * Calls the advisor with a timeout. Never throws: a refused connection, a timeout, a 4xx/5xx or a body that
 * does not match the contract all come back as a BotError value, so the caller always has something to say.
 */
export function createAdvisorClient(options: AdvisorClientOptions): AdvisorClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;

  async function post<T>(path: string, body: unknown, parse: (json: unknown) => T | undefined): Promise<Result<T>> {
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
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
    ask: (request) => post('/v1/ask', request, readAnswer),
    feedback: (request) => post('/v1/feedback', request, () => ({ ok: true as const })),
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch hides the socket error (ECONNREFUSED…) in `cause`.
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
