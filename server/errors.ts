/**
 * The service's one error type. `code` is what callers branch on; `statusCode` what HTTP answers;
 * the message is written for the caller (Chinese) and never carries internal details of a 5xx.
 */
export class AdvisorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = 'AdvisorError';
  }
}
