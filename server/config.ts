import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The hotline printed on the source page's footer; callers are sent there for a person. */
export const DEFAULT_HOTLINE = '400-110-9001（周一至周五 09:00-17:00）';

const optionalUrl = z.url({ message: 'must be a URL such as http://127.0.0.1:11434/v1' }).optional();
const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * Every setting the service reads, from the environment, validated once at start-up.
 * Names match README.md and .env.example.
 */
export const configSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: integer(0, 65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default(path.join(repoRoot, 'data')),
  KNOWLEDGE_BASE: z.string().min(1).optional(),
  KNOWLEDGE_DIST_DIR: z.string().min(1).optional(),
  HOTLINE: z.string().min(1).default(DEFAULT_HOTLINE),
  CLAUSE_LINK_TEMPLATE: z
    .string()
    .regex(/^https?:\/\/\S*\{clauseId\}\S*$/, { message: 'must be an http(s) URL containing {clauseId} (and optionally {docId})' })
    .optional(),

  LLM_BASE_URL: optionalUrl,
  LLM_MODEL: z.string().min(1).optional(),
  LLM_API_KEY: z.string().min(1).optional(),
  LLM_TIMEOUT_MS: integer(100, 120_000).default(8000),
  LLM_MAX_RETRIES: integer(0, 5).default(1),

  EMBEDDINGS_BASE_URL: optionalUrl,
  EMBEDDINGS_MODEL: z.string().min(1).optional(),
  EMBEDDINGS_API_KEY: z.string().min(1).optional(),
  EMBEDDINGS_DIMENSIONS: integer(8, 8192).optional(),

  SESSION_MAX: integer(1, 10_000_000).default(10_000),
  ANALYSIS_CACHE_SIZE: integer(0, 1_000_000).default(2000),
  SESSION_TTL_MINUTES: integer(1, 7 * 24 * 60).default(120),
  REDIS_URL: z.url({ message: 'must be a redis:// URL' }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL, such as postgres://advisor:secret@127.0.0.1:5432/advisor' })
    .optional(),

  RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000).default(120),
  CHANNEL_KEYS: z.string().optional(),
  CHANNEL_END_USER_LIMIT_PER_MINUTE: integer(1, 1_000_000).default(20),
  CHANNEL_KEY_LIMIT_PER_MINUTE: integer(1, 10_000_000).default(1200),
  CORS_ORIGINS: z.string().default(''),
  TRUST_PROXY: booleanFlag.default(false),

  CONSOLE_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  CONSOLE_USERS: z.string().optional(),
  CONSOLE_SESSION_MINUTES: integer(1, 24 * 60).default(480),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface AdvisorConfig {
  host: string;
  port: number;
  logLevel: RawConfig['LOG_LEVEL'];
  dataDir: string;
  /** The knowledge base folder (or its name under knowledge/bases); default: the Zhengzhou base. */
  knowledgeBase?: string;
  knowledgeDistDir?: string;
  hotline: string;
  /**
   * Where a clause can be read by the public (a policy browser): `{docId}` and `{clauseId}` are replaced.
   * When set, the text an agent copies to a caller carries the link of each clause it cites.
   */
  clauseLinkTemplate?: string;
  llm?: { baseURL: string; model: string; apiKey?: string; timeoutMs: number; maxRetries: number };
  embeddings?: { baseURL: string; model: string; apiKey?: string; dimensions: number };
  sessions: { max: number; ttlMs: number; redisUrl?: string };
  /** PostgreSQL for the Q&A log, feedback and console sign-ins; SQLite under dataDir when absent. */
  databaseUrl?: string;
  /** Questions kept analysed (normalised, retrieved); 0 turns the memo off. */
  analysisCacheSize: number;
  rateLimitPerMinute: number;
  /**
   * Keyed clients (the bot, a mini-program backend…): each key's name and the SHA-256 of the key, and the
   * limits that replace the per-IP one for them (per end user named in X-End-User, and per key in total).
   */
  channels: { keys: ChannelKeyEntry[]; endUserPerMinute: number; keyPerMinute: number };
  corsOrigins: string[];
  trustProxy: boolean;
  console: { token?: string; users: { name: string; passwordHash: string }[]; sessionMs: number };
}

export interface ChannelKeyEntry {
  name: string;
  /** SHA-256 of the key, lower-case hex. */
  sha256: string;
}

export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Parses configuration from an environment (process.env by default). A bad value fails with a message
 * naming the variable, so the service never starts half-configured.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AdvisorConfig {
  const parsed = configSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  if (c.LLM_BASE_URL && !c.LLM_MODEL) throw new ConfigError('invalid configuration: LLM_MODEL: required when LLM_BASE_URL is set');
  if (c.EMBEDDINGS_BASE_URL && (!c.EMBEDDINGS_MODEL || !c.EMBEDDINGS_DIMENSIONS)) {
    throw new ConfigError('invalid configuration: EMBEDDINGS_MODEL and EMBEDDINGS_DIMENSIONS: required when EMBEDDINGS_BASE_URL is set');
  }
  return {
    host: c.HOST,
    port: c.PORT,
    logLevel: c.LOG_LEVEL,
    dataDir: c.DATA_DIR,
    knowledgeBase: c.KNOWLEDGE_BASE,
    knowledgeDistDir: c.KNOWLEDGE_DIST_DIR,
    hotline: c.HOTLINE,
    clauseLinkTemplate: c.CLAUSE_LINK_TEMPLATE,
    llm: c.LLM_BASE_URL
      ? { baseURL: c.LLM_BASE_URL, model: c.LLM_MODEL!, apiKey: c.LLM_API_KEY, timeoutMs: c.LLM_TIMEOUT_MS, maxRetries: c.LLM_MAX_RETRIES }
      : undefined,
    embeddings: c.EMBEDDINGS_BASE_URL
      ? { baseURL: c.EMBEDDINGS_BASE_URL, model: c.EMBEDDINGS_MODEL!, apiKey: c.EMBEDDINGS_API_KEY, dimensions: c.EMBEDDINGS_DIMENSIONS! }
      : undefined,
    sessions: { max: c.SESSION_MAX, ttlMs: c.SESSION_TTL_MINUTES * 60_000, redisUrl: c.REDIS_URL },
    databaseUrl: c.DATABASE_URL,
    analysisCacheSize: c.ANALYSIS_CACHE_SIZE,
    rateLimitPerMinute: c.RATE_LIMIT_PER_MINUTE,
    channels: {
      keys: parseChannelKeys(c.CHANNEL_KEYS),
      endUserPerMinute: c.CHANNEL_END_USER_LIMIT_PER_MINUTE,
      keyPerMinute: c.CHANNEL_KEY_LIMIT_PER_MINUTE,
    },
    corsOrigins: c.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    trustProxy: c.TRUST_PROXY,
    console: { token: c.CONSOLE_TOKEN, users: parseConsoleUsers(c.CONSOLE_USERS), sessionMs: c.CONSOLE_SESSION_MINUTES * 60_000 },
  };
}

/** `CONSOLE_USERS=alice:scrypt$…,bob:scrypt$…` — names with password hashes made by `npm run console:hash`. */
function parseConsoleUsers(value: string | undefined): { name: string; passwordHash: string }[] {
  if (!value) return [];
  return value.split(',').map((entry) => {
    const at = entry.indexOf(':');
    if (at <= 0 || !entry.slice(at + 1).startsWith('scrypt$')) {
      throw new ConfigError('invalid configuration: CONSOLE_USERS: expected name:scrypt$… entries separated by commas');
    }
    return { name: entry.slice(0, at).trim(), passwordHash: entry.slice(at + 1).trim() };
  });
}

/** A channel's name: it appears in metrics labels and logs, so a short identifier. */
export const CHANNEL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * `CHANNEL_KEYS=bot:<sha256 hex>,mp-backend:<sha256 hex>` — entries printed by `npm run channel:key -- NAME`.
 * A repeated name or key is refused: a refusal counted under one name must mean one client.
 */
function parseChannelKeys(value: string | undefined): ChannelKeyEntry[] {
  if (!value?.trim()) return [];
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf(':');
      const name = entry.slice(0, Math.max(0, at)).trim();
      const sha256 = entry
        .slice(at + 1)
        .trim()
        .toLowerCase();
      if (at <= 0 || !CHANNEL_NAME.test(name) || !/^[0-9a-f]{64}$/.test(sha256)) {
        throw new ConfigError(
          'invalid configuration: CHANNEL_KEYS: expected name:sha256 entries separated by commas (make one with npm run channel:key -- NAME)',
        );
      }
      return { name, sha256 };
    });
  for (const [i, entry] of entries.entries()) {
    if (entries.findIndex((e) => e.name === entry.name) !== i) {
      throw new ConfigError(`invalid configuration: CHANNEL_KEYS: the name "${entry.name}" appears twice`);
    }
    if (entries.findIndex((e) => e.sha256 === entry.sha256) !== i) {
      throw new ConfigError(`invalid configuration: CHANNEL_KEYS: "${entry.name}" has the same key as another entry`);
    }
  }
  return entries;
}
