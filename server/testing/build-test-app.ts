import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer, loggerOptions } from '../app.js';
import { loadConfig } from '../config.js';
import type { SessionStore } from '../sessions/session-store.js';

/** A shared built index for the test run: built once per test file, in a temp folder. */
let distDir: string | undefined;

/**
 * Builds the whole service for a test, on a temp data folder, with configuration from `env` parsed the
 * same way as at start-up. Use `app.inject`, or `app.listen({ port: 0 })` for a real port.
 */
export async function buildTestApp(
  options: { env?: Record<string, string>; today?: () => string; sessions?: SessionStore; logs?: string[] } = {},
): Promise<FastifyInstance> {
  distDir ??= mkdtempSync(path.join(tmpdir(), 'advisor-kb-'));
  const config = loadConfig({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'advisor-data-')),
    KNOWLEDGE_DIST_DIR: distDir,
    LOG_LEVEL: options.logs ? 'info' : 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...options.env,
  });
  const logs = options.logs;
  return buildServer({
    config,
    today: options.today ?? (() => '2026-06-01'),
    sessions: options.sessions,
    logger: logs ? { ...(loggerOptions(config) as object), stream: { write: (line: string) => void logs.push(line) } } : false,
  });
}
