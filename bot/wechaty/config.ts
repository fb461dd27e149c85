import { z } from 'zod';
import { BotError } from './errors.js';

/** The hotline printed on the source page's footer (the same default as the service's HOTLINE). */
export const DEFAULT_HOTLINE = '400-110-9001（周一至周五 09:00-17:00）';

/** Puppets this project installs: a personal account (wechat4u), a hosted/WeCom account (service), tests (mock). */
export const PUPPETS = ['wechaty-puppet-wechat4u', 'wechaty-puppet-service', 'wechaty-puppet-mock'] as const;

const integer = (min: number, max: number) =>
  z.coerce
    .number({ message: `must be an integer between ${min} and ${max}` })
    .int({ message: `must be an integer between ${min} and ${max}` })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` });

/** Accepts a list or a comma-separated string (ASCII or Chinese commas, or newlines, as people paste them). */
const list = z
  .union([z.array(z.string()), z.string()])
  .transform((v) => (Array.isArray(v) ? v : v.split(/[,，\n]/)).map((s) => s.trim()).filter(Boolean));

const schema = z
  .object({
    advisorUrl: z
      .url({ protocol: /^https?$/, message: 'must be the advisor service URL, such as http://127.0.0.1:3000' })
      .default('http://127.0.0.1:3000')
      .transform((u) => u.replace(/\/+$/, '')),
    // The bot's channel key (`npm run -s channel:key -- NAME` on the service side): with it the service limits
    // each WeChat user, not the bot's one address. Without it every user of the bot shares the per-IP limit.
    advisorKey: z
      .string()
      .regex(/^[\x21-\x7e]{16,256}$/, { message: 'must be the channel key printed by npm run channel:key (no spaces)' })
      .optional(),
    puppet: z.enum(PUPPETS, { message: `must be one of ${PUPPETS.join(', ')}` }).default('wechaty-puppet-wechat4u'),
    puppetToken: z.string().min(1).optional(),
    groupPrefix: z.string().trim().min(1, { message: 'must not be empty' }).default('政策助手'),
    roomAllowlist: list.default([]),
    bubbleMaxChars: integer(40, 2000).default(300),
    bubbleDelayMs: integer(0, 10_000).default(400),
    rateLimitPerMinute: integer(1, 1000).default(10),
    // Longer than the service's own worst case (model timeout plus one retry, then its template answer),
    // so the bot apologises only when the service is really unreachable or stuck.
    timeoutMs: integer(500, 120_000).default(20_000),
    hotline: z.string().trim().min(1, { message: 'must not be empty' }).default(DEFAULT_HOTLINE),
    qrFile: z.string().min(1).default('data/wechat-login-qr.png'),
    // Wechaty's memory card keeps the login so a restart need not scan again; under data/ (git-ignored).
    memoryFile: z.string().min(1).default('data/wechat-bot.memory-card.json'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((c, ctx) => {
    if (c.puppet === 'wechaty-puppet-service' && !c.puppetToken) {
      ctx.addIssue({ code: 'custom', path: ['puppetToken'], message: 'required when WECHATY_PUPPET is wechaty-puppet-service' });
    }
  });

export type BotConfig = z.output<typeof schema>;

/** Settings never repeated in an error message. */
const SECRETS: ReadonlySet<string> = new Set(['puppetToken', 'advisorKey']);
/** What a caller may pass explicitly; each key wins over its environment variable. */
export type BotConfigOptions = Partial<z.input<typeof schema>>;

/** The environment variable behind each setting (README.md → 微信渠道 lists them). */
export const ENV_NAMES: Record<keyof BotConfig, string> = {
  advisorUrl: 'ADVISOR_URL',
  advisorKey: 'ADVISOR_KEY',
  puppet: 'WECHATY_PUPPET',
  puppetToken: 'WECHATY_PUPPET_SERVICE_TOKEN',
  groupPrefix: 'BOT_GROUP_PREFIX',
  roomAllowlist: 'BOT_ROOM_ALLOWLIST',
  bubbleMaxChars: 'BOT_BUBBLE_MAX_CHARS',
  bubbleDelayMs: 'BOT_BUBBLE_DELAY_MS',
  rateLimitPerMinute: 'BOT_RATE_LIMIT_PER_MINUTE',
  timeoutMs: 'BOT_TIMEOUT_MS',
  hotline: 'HOTLINE',
  qrFile: 'BOT_QR_FILE',
  memoryFile: 'BOT_MEMORY_FILE',
  logLevel: 'LOG_LEVEL',
};

/**
 * Parses the bot's configuration once: an explicit option first, then its environment variable, then the
 * default. A bad value fails with a BotError naming the variable, so the bot never starts half-configured.
 */
export function loadBotConfig(options: BotConfigOptions = {}, env: Record<string, string | undefined> = process.env): BotConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ENV_NAMES) as (keyof BotConfig)[]) {
    const explicit = options[key];
    const fromEnv = env[ENV_NAMES[key]];
    raw[key] = explicit !== undefined ? explicit : fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path[0] as keyof BotConfig | undefined;
      const name = key ? (ENV_NAMES[key] ?? String(key)) : 'configuration';
      const value = key && raw[key] !== undefined ? ` (got ${JSON.stringify(raw[key])})` : '';
      return `${name}: ${issue.message}${key && SECRETS.has(key) ? '' : value}`;
    });
    throw new BotError('config_invalid', `invalid bot configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
