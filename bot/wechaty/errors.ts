/**
 * The bot's one error type. Every failure — bad configuration, the advisor service down or slow, a reply
 * that could not be sent, a message that could not be read — becomes a BotError and is reported as an
 * event, so one bad message is logged instead of taking the process down.
 */
export type BotErrorCode =
  | 'config_invalid'
  | 'advisor_unavailable'
  | 'advisor_timeout'
  | 'advisor_busy'
  | 'advisor_rejected'
  | 'advisor_bad_response'
  | 'send_failed'
  | 'message_unreadable'
  | 'puppet'
  | 'internal';

export class BotError extends Error {
  constructor(
    readonly code: BotErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BotError';
  }
}

/** Wraps anything thrown (an Error, a GError from a puppet, a string) without losing the original. */
export function toBotError(error: unknown, code: BotErrorCode): BotError {
  if (error instanceof BotError) return error;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  return new BotError(code, message, { cause: error });
}

/** A result that is either a value or a BotError: callers branch on it instead of catching. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: BotError };
