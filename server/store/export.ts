import { maskPersonalData } from '../logging/mask.js';
import type { ExportedAsk, RecordStore } from './record-store.js';

/**
 * The Q&A log for analysis (`npm run qa-log:export`): one row per question, with the latest feedback on its
 * answer. Everything a person typed (the question, the feedback comment, the session id a client chose) is
 * masked the way the info logs mask it — phone numbers, ID card numbers, e-mail addresses, names — so an
 * export can leave the service without the personal data the log keeps.
 */
export type ExportFormat = 'csv' | 'jsonl';

export const EXPORT_COLUMNS = [
  'id',
  'at',
  'channel',
  'session_id',
  'question',
  'kind',
  'intent',
  'citations',
  'amounts_yuan',
  'latency_ms',
  'composer',
  'injection',
  'guard_violations',
  'feedback_helpful',
  'feedback_comment',
  'feedback_at',
] as const;

export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | boolean | string[] | number[] | null>;

export function exportRow(ask: ExportedAsk): ExportRow {
  return {
    id: ask.id,
    at: new Date(ask.at).toISOString(),
    channel: ask.channel,
    session_id: ask.sessionId === undefined ? null : maskPersonalData(ask.sessionId),
    question: maskPersonalData(ask.question),
    kind: ask.kind,
    intent: ask.intent,
    citations: ask.citations,
    amounts_yuan: ask.amountsYuan,
    latency_ms: ask.latencyMs,
    composer: ask.composer,
    injection: ask.injection,
    guard_violations: ask.guardViolations,
    feedback_helpful: ask.feedback ? ask.feedback.helpful : null,
    feedback_comment: ask.feedback?.comment ? maskPersonalData(ask.feedback.comment) : null,
    feedback_at: ask.feedback ? new Date(ask.feedback.at).toISOString() : null,
  };
}

/**
 * One CSV cell (RFC 4180). Lists are joined with `;`. Text a person typed that starts like a spreadsheet
 * formula (= + - @) gets a leading apostrophe, so opening the export in Excel or WPS never runs it.
 */
function csvCell(value: ExportRow[keyof ExportRow], userText: boolean): string {
  if (value === null) return '';
  let text = Array.isArray(value) ? value.join(';') : String(value);
  if (userText && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const USER_TEXT = new Set<string>(['question', 'feedback_comment', 'session_id']);

export function csvHeader(): string {
  // A byte-order mark: Excel on Chinese Windows reads a CSV without one as GBK and garbles every character.
  return `\uFEFF${EXPORT_COLUMNS.join(',')}\r\n`;
}

export function csvLine(row: ExportRow): string {
  return `${EXPORT_COLUMNS.map((column) => csvCell(row[column], USER_TEXT.has(column))).join(',')}\r\n`;
}

export const jsonLine = (row: ExportRow): string => `${JSON.stringify(row)}\n`;

/** Writes the period's asks in the format to `write` (awaited, for back-pressure); returns the row count. */
export async function writeExport(
  store: RecordStore,
  options: { from: number; to: number; format: ExportFormat },
  write: (chunk: string) => Promise<void> | void,
): Promise<number> {
  if (options.format === 'csv') await write(csvHeader());
  let rows = 0;
  for await (const ask of store.exportAsks({ from: options.from, to: options.to })) {
    const row = exportRow(ask);
    await write(options.format === 'csv' ? csvLine(row) : jsonLine(row));
    rows += 1;
  }
  return rows;
}

export class ExportUsageError extends Error {}

export interface ExportArgs {
  from: number;
  to: number;
  format: ExportFormat;
  output?: string;
}

const USAGE = '用法：npm run qa-log:export -- --since 2026-05-01 [--until 2026-05-31] [--format csv|jsonl] [--output 文件]';

/**
 * A date (China time, as the console's insights use): `--since` from the start of that day, `--until` to its
 * end. A full ISO time (2026-05-01T08:00:00Z) is taken as it is.
 */
function parseDate(value: string, flag: string, end: boolean): number {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const at = Date.parse(day ? `${value}T${end ? '23:59:59.999' : '00:00:00'}+08:00` : value);
  // Date.parse rolls 2026-02-30 over to March; a real date reads back as itself.
  const valid = day
    ? !Number.isNaN(at) && new Date(Date.parse(`${value}T00:00:00Z`)).toISOString().startsWith(value)
    : /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(at);
  if (!valid) throw new ExportUsageError(`${flag} 应为日期 YYYY-MM-DD（中国时间）或 ISO 时间，收到“${value}”\n${USAGE}`);
  return at;
}

export function parseExportArgs(argv: string[], now = Date.now()): ExportArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    if (!['--since', '--until', '--format', '--output'].includes(name)) throw new ExportUsageError(`不认识的参数：${flag}\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new ExportUsageError(`${name} 后面缺少取值\n${USAGE}`);
    values.set(name, value);
  }
  const since = values.get('--since');
  if (!since) throw new ExportUsageError(`请用 --since 指定起始日期\n${USAGE}`);
  const format = values.get('--format') ?? 'jsonl';
  if (format !== 'csv' && format !== 'jsonl') throw new ExportUsageError(`--format 只能是 csv 或 jsonl，收到“${format}”\n${USAGE}`);
  const from = parseDate(since, '--since', false);
  const until = values.get('--until');
  const to = until ? parseDate(until, '--until', true) : now;
  if (from > to) throw new ExportUsageError(`起始时间 ${since} 晚于截止时间 ${until ?? '现在'}`);
  return { from, to, format, output: values.get('--output') };
}
