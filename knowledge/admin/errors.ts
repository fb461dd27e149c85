/** One problem in an uploaded file, placed where staff can find it. */
export interface AdminIssue {
  /** 1-based line in the uploaded file, when known. */
  line?: number;
  /** Path inside the file (rules[0].amount.capYuan), when known. */
  path?: string;
  /** What is wrong, in Chinese (a detail from a library may follow in its own words). */
  message: string;
}

/**
 * A change to a knowledge base that cannot be made as asked: the message is for staff (Chinese), `status`
 * the HTTP status that fits, `issues` the problems by line when a file was at fault.
 */
export class AdminError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 404 | 409 | 413 | 415 | 422 | 423 = 422,
    readonly issues: AdminIssue[] = [],
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

/** Issues as one Chinese sentence: 第 3 行 rules[0].id：… ；第 9 行 …. */
export function describeIssues(issues: readonly AdminIssue[], limit = 8): string {
  const shown = issues.slice(0, limit).map((i) => {
    const where = [i.line !== undefined ? `第 ${i.line} 行` : '', i.path ?? ''].filter(Boolean).join(' ');
    return where ? `${where}：${i.message}` : i.message;
  });
  return `${shown.join('；')}${issues.length > limit ? `；另有 ${issues.length - limit} 处` : ''}`;
}
