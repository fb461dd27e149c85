import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskPersonalData } from '../logging/mask.js';
import { buildTestApp } from '../testing/build-test-app.js';
import { EXPORT_COLUMNS, ExportUsageError, parseExportArgs } from './export.js';
import { POSTGRES_MISSING, postgresAvailable, startPostgres, type PostgresServer } from './testing/postgres-server.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

/** `npm run qa-log:export` as an operator runs it, against the store the environment names. */
const exportCli = (args: string[], env: Record<string, string>) =>
  run('npm', ['run', '-s', 'qa-log:export', '--', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, maxBuffer: 1 << 26 });

const PERSONAL = '我叫张三，手机13812345678，身份证410105199001011234，邮箱zhang@example.cn，我们是省级专精特新，买了500万设备，能补多少？';
const HOSTILE = '=HYPERLINK("http://evil.example","点我"),另起一行\n第二行';

/** CSV as RFC 4180 says: quoted cells may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') {
      quoted = false;
    } else if (quoted) {
      cell += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  return rows;
}

describe('qa-log:export arguments', () => {
  const now = Date.parse('2026-06-01T12:00:00+08:00');
  it('reads dates as China dates, --until to the end of its day, jsonl by default', () => {
    expect(parseExportArgs(['--since', '2026-05-01'], now)).toEqual({
      from: Date.parse('2026-05-01T00:00:00+08:00'),
      to: now,
      format: 'jsonl',
      output: undefined,
    });
    expect(parseExportArgs(['--since=2026-05-01', '--until', '2026-05-31', '--format', 'csv', '--output', 'x.csv'], now)).toEqual({
      from: Date.parse('2026-05-01T00:00:00+08:00'),
      to: Date.parse('2026-05-31T23:59:59.999+08:00'),
      format: 'csv',
      output: 'x.csv',
    });
    expect(parseExportArgs(['--since', '2026-05-01T08:00:00Z'], now).from).toBe(Date.parse('2026-05-01T08:00:00Z'));
  });

  it.each([
    [[], '请用 --since 指定起始日期'],
    [['--since'], '--since 后面缺少取值'],
    [['--since', '2026-02-30'], '--since 应为日期 YYYY-MM-DD'],
    [['--since', 'yesterday'], '--since 应为日期'],
    [['--since', '2026-13-01'], '--since 应为日期'],
    [['--since', '2026-05-01', '--format', 'xlsx'], '--format 只能是 csv 或 jsonl'],
    [['--since', '2026-05-02', '--until', '2026-05-01'], '晚于截止时间'],
    [['--from', '2026-05-01'], '不认识的参数：--from'],
  ])('refuses %j with a message in Chinese', (argv, message) => {
    expect(() => parseExportArgs(argv as string[], now)).toThrow(ExportUsageError);
    expect(() => parseExportArgs(argv as string[], now)).toThrow(message);
  });
});

// In CI PostgreSQL is installed by .ci/run; only a developer machine without it may skip, and says why.
const havePostgres = postgresAvailable() || process.env.CI === 'true';

describe.each([
  { store: 'SQLite', skip: false },
  { store: `PostgreSQL${havePostgres ? '' : ` — ${POSTGRES_MISSING}`}`, skip: !havePostgres },
])('npm run qa-log:export on $store', ({ store, skip }) => {
  let env: Record<string, string>;
  let pg: PostgresServer | undefined;
  const answers: Record<string, { answerId: string; kind: string; amounts: number[] }> = {};

  beforeAll(async () => {
    if (skip) return;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'export-'));
    if (store === 'PostgreSQL') pg = await startPostgres();
    env = { DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: await pg.createDatabase() } : {}) };
    const app = await buildTestApp({ env });
    const ask = async (question: string, sessionId: string) => {
      const response = await app.inject({ method: 'POST', url: '/v1/ask', payload: { question, sessionId, channel: 'wechat' } });
      expect(response.statusCode).toBe(200);
      const body = response.json() as { answerId: string; kind: string; calculations: { amountYuan: number }[] };
      answers[question] = { answerId: body.answerId, kind: body.kind, amounts: body.calculations.map((c) => c.amountYuan) };
    };
    await ask(PERSONAL, 'caller-13912345678');
    await ask(HOSTILE, 'plain-session');
    const feedback = await app.inject({
      method: 'POST',
      url: '/v1/feedback',
      payload: { answerId: answers[PERSONAL]!.answerId, helpful: false, comment: '请联系我 13900001111，联系人李四' },
    });
    expect(feedback.statusCode).toBe(200);
    await app.close();
  });
  afterAll(async () => pg?.stop());

  it.skipIf(skip)(
    'writes JSON lines with phone numbers, ID numbers, e-mail addresses and names masked as in the logs',
    async () => {
      const { stdout, stderr } = await exportCli(['--since', '2020-01-01', '--format', 'jsonl'], env);
      const rows = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(rows).toHaveLength(2);
      expect(Object.keys(rows[0])).toEqual([...EXPORT_COLUMNS]);
      const personal = rows.find((r) => r.id === answers[PERSONAL]!.answerId);
      expect(personal.question).toBe(maskPersonalData(PERSONAL));
      for (const secret of ['13812345678', '410105199001011234', 'zhang@example.cn', '张三', '13912345678', '13900001111', '李四']) {
        expect(stdout).not.toContain(secret);
      }
      expect(personal.question).toContain('[手机号]');
      expect(personal.question).toContain('[身份证号]');
      expect(personal.question).toContain('我叫张*');
      expect(personal).toMatchObject({
        channel: 'wechat',
        session_id: 'caller-[手机号]',
        kind: answers[PERSONAL]!.kind,
        feedback_helpful: false,
        feedback_comment: '请联系我 [手机号]，联系人李*',
      });
      expect(answers[PERSONAL]!.amounts.length).toBeGreaterThan(0);
      expect(personal.amounts_yuan).toEqual(answers[PERSONAL]!.amounts);
      expect(stderr).toMatch(/已导出 2 条问答记录/);
    },
    60_000,
  );

  it.skipIf(skip)(
    'writes CSV that spreadsheets read safely: BOM, quoting, formulas neutralised',
    async () => {
      const { stdout } = await exportCli(['--since', '2020-01-01', '--format', 'csv'], env);
      expect(stdout.startsWith('\uFEFFid,at,channel,')).toBe(true);
      const rows = parseCsv(stdout.slice(1));
      expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
      expect(rows).toHaveLength(3);
      const column = (name: (typeof EXPORT_COLUMNS)[number]) => EXPORT_COLUMNS.indexOf(name);
      const hostile = rows.find((r) => r[column('id')] === answers[HOSTILE]!.answerId)!;
      expect(hostile[column('question')]).toBe(`'${HOSTILE}`);
      const personal = rows.find((r) => r[column('id')] === answers[PERSONAL]!.answerId)!;
      expect(personal[column('question')]).toBe(maskPersonalData(PERSONAL));
      expect(personal[column('amounts_yuan')]).toBe(answers[PERSONAL]!.amounts.join(';'));
      expect(personal[column('feedback_helpful')]).toBe('false');
    },
    60_000,
  );

  it.skipIf(skip)(
    'exports only the period asked for, to a file when given one',
    async () => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'export-out-')), 'asks.csv');
      const { stdout, stderr } = await exportCli(
        ['--since', '2020-01-01', '--until', '2020-12-31', '--format', 'csv', '--output', file],
        env,
      );
      expect(stdout).toBe('');
      expect(stderr).toContain('已导出 0 条问答记录');
      expect(readFileSync(file, 'utf8')).toBe(`\uFEFF${EXPORT_COLUMNS.join(',')}\r\n`);
    },
    60_000,
  );

  it.skipIf(skip)(
    'refuses bad arguments with exit code 2 and the usage',
    async () => {
      const failure = await exportCli(['--since', '2026-13-01'], env).catch((error) => error);
      expect(failure.code).toBe(2);
      expect(failure.stderr).toContain('用法：npm run qa-log:export');
    },
    60_000,
  );
});
