/**
 * `npm run qa-log:export -- --since 2026-05-01 --format csv|jsonl [--until …] [--output file]`: the Q&A log
 * with feedback, masked (server/store/export.ts), from the store the service's environment names
 * (DATABASE_URL, else the SQLite file under DATA_DIR). Rows go to stdout (or the file); the count to stderr.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { ConfigError, loadConfig } from '../config.js';
import { ExportUsageError, parseExportArgs, writeExport } from './export.js';
import { openRecordStore } from './open-store.js';

let args;
let config;
try {
  args = parseExportArgs(process.argv.slice(2));
  config = loadConfig();
} catch (error) {
  if (error instanceof ExportUsageError || error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

const out: NodeJS.WritableStream | WriteStream = args.output ? createWriteStream(args.output) : process.stdout;
const write = async (chunk: string) => {
  if (!out.write(chunk)) await once(out, 'drain');
};

let store;
try {
  store = await openRecordStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
} catch (error) {
  process.stderr.write(`无法打开问答记录：${(error as Error).message}\n`);
  process.exit(1);
}
try {
  const rows = await writeExport(store, args, write);
  if (out !== process.stdout)
    await new Promise<void>((resolve, reject) => (out as WriteStream).end((error?: Error | null) => (error ? reject(error) : resolve())));
  const period = `${new Date(args.from).toISOString()} 至 ${new Date(args.to).toISOString()}`;
  process.stderr.write(
    `已导出 ${rows} 条问答记录（${period}，${args.format}，手机号、证件号、姓名已打码）${args.output ? `到 ${args.output}` : ''}\n`,
  );
} finally {
  await store.close();
}
