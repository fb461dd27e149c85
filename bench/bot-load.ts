/**
 * Benchmark 8 — the WeChat bot at real load (`npm run bench:bot-load`).
 *
 * The service runs as its own process, as `npm start` runs it, with a channel key for the bot in CHANNEL_KEYS
 * and everything else at its defaults (the per-IP limit of 120 a minute included). The real Wechaty bot
 * (AdvisorPlugin on Wechaty's mock puppet, ADVISOR_KEY set) serves simulated WeChat users, each a mock
 * contact writing to it privately, all within one minute:
 *
 *   1. 我们是省级专精特新 / 我们是国家级专精特新小巨人     (the service asks what to calculate)
 *   2. 今年买了 N 万设备                                   (an amount: the equipment subsidy)
 *   3. 能补多少                                            (the same amount, from the conversation)
 *   4. 创客中国大赛一/二/三等奖能奖多少                     (another amount)
 *   5. 有用                                                (feedback on the last answer)
 *
 * N differs per user (some above the cap). Every amount the user reads is checked against /v1/calculate
 * for that user's facts, asked of the same service before the load starts, never written here. A user's
 * next message waits until the bot has answered the previous one (as a person would), and is sent at its
 * own time, so the messages spread over the minute. Refusals: 429s the bot met, and the service's own
 * count (advisor_rate_limited_total).
 *
 * Options: --users 100 --messages 5 --window 60 (seconds) --bubble-delay 400 (ms, the bot's default)
 *          --anonymous (the bot without a key: how it was before channel keys)
 *          --postgres (the record in a throw-away PostgreSQL cluster, DATABASE_URL, instead of SQLite)
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatYuan } from '../knowledge/text/money.js';
import type { mock } from 'wechaty-puppet-mock';
import type { BotEvent } from '../bot/wechaty/conversation.js';
import { startMockWechat } from '../bot/wechaty/testing/mock-wechat.js';
import { generateChannelKey, hashChannelKey } from '../server/channels/channel-keys.js';
import { startPostgres, type PostgresServer } from '../server/store/testing/postgres-server.js';
import { fmtMs, formatTable, machineInfo, numberArg, sleep, startService, summarise, writeJson, type Summary } from './lib/perf-kit.js';

export interface BotLoadOptions {
  advisorUrl: string;
  /** The bot's channel key; without it the bot calls the service anonymously. */
  channelKey?: string;
  /** A key for the expectations (/v1/calculate), so they do not count against the bot's users. */
  expectationKey?: string;
  users: number;
  /** 1–5, the steps of the conversation above. */
  messages: number;
  windowMs: number;
  bubbleDelayMs: number;
}

export interface BotLoadResult {
  users: number;
  messagesPerUser: number;
  messagesSent: number;
  /** From the first message to the last answer. */
  durationMs: number;
  /** When the last message was sent, from the first. */
  lastSentMs: number;
  /** Answers the bot got back with an HTTP 429 (the user read "busy"). */
  refusals: number;
  /** Other errors the bot reported (service unreachable, timeouts…). */
  errors: string[];
  /** Every amount check that failed: user, step, what was expected, what the user read. */
  wrongAmounts: string[];
  amountChecks: number;
  conversationsRight: number;
  /** The bot's call to the service (POST /v1/ask, HTTP on loopback), per question. */
  serviceLatency: Summary;
  /** From the user's message to the bot's last reply bubble for it, per message (includes bubble pacing). */
  endToEnd: Summary;
}

const LEVELS = [
  { text: '省级专精特新', fact: 'provincial' },
  { text: '国家级专精特新小巨人', fact: 'national' },
] as const;
const PRIZES = [
  { text: '一等奖', fact: 'first' },
  { text: '二等奖', fact: 'second' },
  { text: '三等奖', fact: 'third' },
] as const;

interface Script {
  messages: string[];
  /** Per message index: the amount (yuan) the reply must state, when it must state one. */
  amounts: Map<number, number>;
  /** Per message index: text the reply must contain instead. */
  texts: Map<number, string>;
}

async function calculate(url: string, key: string | undefined, facts: Record<string, unknown>, ruleId: string): Promise<number> {
  const response = await fetch(`${url}/v1/calculate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ facts }),
  });
  if (response.status !== 200) throw new Error(`/v1/calculate answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { results: { ruleId: string; eligible: boolean; amountYuan: number }[] };
  const result = body.results.find((r) => r.ruleId === ruleId && r.eligible);
  if (!result) throw new Error(`/v1/calculate: ${ruleId} not eligible for ${JSON.stringify(facts)}`);
  return result.amountYuan;
}

/** Each user's messages and what their replies must say, with amounts from the calculator. */
async function scripts(options: BotLoadOptions): Promise<Script[]> {
  const expectations = new Map<string, Promise<number>>();
  const expect = (facts: Record<string, unknown>, ruleId: string) => {
    const id = JSON.stringify([facts, ruleId]);
    if (!expectations.has(id)) expectations.set(id, calculate(options.advisorUrl, options.expectationKey, facts, ruleId));
    return expectations.get(id)!;
  };
  return Promise.all(
    Array.from({ length: options.users }, async (_, i) => {
      const level = LEVELS[i % LEVELS.length]!;
      const prize = PRIZES[i % PRIZES.length]!;
      // 120万 to over 2,000万: below and above the 200万元 cap.
      const wan = 120 + ((i * 37) % 2400);
      const equipment = await expect({ level: level.fact, investmentYuan: wan * 10_000 }, 'equipment-software-subsidy');
      const contest = await expect({ contestPrize: prize.fact }, 'maker-china-contest-prize');
      const all = [`我们是${level.text}`, `今年买了${wan}万设备`, '能补多少', `创客中国大赛${prize.text}能奖多少`, '有用'];
      const amounts = new Map([
        [1, equipment],
        [2, equipment],
        [3, contest],
      ]);
      return {
        messages: all.slice(0, options.messages),
        amounts: new Map([...amounts].filter(([step]) => step < options.messages)),
        texts: new Map(options.messages >= 5 ? [[4, '感谢您的反馈']] : []),
      };
    }),
  );
}

/** Runs the load against a running service and reports what the users saw. */
export async function runBotLoad(options: BotLoadOptions): Promise<BotLoadResult> {
  const plan = await scripts(options);
  const handled = new Map<string, ((sent: number) => void)[]>();
  const transcript = new Map<string, string[]>();
  const arrived = new Map<string, () => void>();
  const serviceMs: number[] = [];
  const endToEndMs: number[] = [];
  const errors: string[] = [];
  let refusals = 0;

  const onEvent = (event: BotEvent) => {
    if (event.type === 'handled') handled.get(event.sessionKey)?.shift()?.(event.sent);
    else if (event.type === 'answered') serviceMs.push(event.latencyMs);
    else if (event.type === 'error') {
      if (event.error.code === 'advisor_busy') refusals += 1;
      else errors.push(`${event.sessionKey}: ${event.error.code} ${event.error.message}`);
    } else if (event.type === 'rate-limited') errors.push(`the bot's own per-user limit refused ${event.userId}`);
  };
  const wechat = await startMockWechat({
    advisorUrl: options.advisorUrl,
    ...(options.channelKey ? { advisorKey: options.channelKey } : {}),
    bubbleDelayMs: options.bubbleDelayMs,
    onEvent,
  });
  // What the bot says comes back to it as its own messages: each user's transcript, without polling.
  wechat.bot.on('message', (message) => {
    const to = message.self() ? message.listener()?.id : undefined;
    if (!to) return;
    transcript.set(to, [...(transcript.get(to) ?? []), message.text()]);
    arrived.get(to)?.();
  });

  const contacts: mock.ContactMock[] = plan.map((_, i) => wechat.contact(`企业用户${i + 1}`));
  const wrongAmounts: string[] = [];
  let amountChecks = 0;
  let conversationsRight = 0;
  let lastSent = 0;
  const startSpread = options.windowMs * 0.25;
  const step = options.messages > 1 ? (options.windowMs * 0.7) / (options.messages - 1) : 0;
  const started = performance.now();

  const converse = async (user: number) => {
    const contact = contacts[user]!;
    const script = plan[user]!;
    let right = true;
    const offset = (user / plan.length) * startSpread;
    for (const [index, text] of script.messages.entries()) {
      const due = started + offset + index * step;
      if (performance.now() < due) await sleep(due - performance.now());
      const before = transcript.get(contact.id)?.length ?? 0;
      const done = new Promise<number>((resolve) => handled.set(contact.id, [...(handled.get(contact.id) ?? []), resolve]));
      const sentAt = performance.now();
      lastSent = Math.max(lastSent, sentAt - started);
      contact.say(text).to(wechat.self);
      const sent = await done;
      while ((transcript.get(contact.id)?.length ?? 0) < before + sent) {
        await new Promise<void>((resolve) => arrived.set(contact.id, resolve));
      }
      endToEndMs.push(performance.now() - sentAt);
      const reply = (transcript.get(contact.id) ?? []).slice(before).join('\n');
      const amount = script.amounts.get(index);
      if (amount !== undefined) {
        amountChecks += 1;
        // The conclusion states the amount after 最高; a cap mentioned elsewhere in the reply does not count.
        if (!reply.includes(`最高${formatYuan(amount)}`)) {
          right = false;
          wrongAmounts.push(`user ${user + 1}, “${text}”: expected 最高${formatYuan(amount)}, read “${reply.slice(0, 120)}”`);
        }
      }
      const expectedText = script.texts.get(index);
      if (expectedText !== undefined && !reply.includes(expectedText)) {
        right = false;
        wrongAmounts.push(`user ${user + 1}, “${text}”: expected “${expectedText}”, read “${reply.slice(0, 120)}”`);
      }
    }
    if (right) conversationsRight += 1;
  };

  try {
    await Promise.all(plan.map((_, user) => converse(user)));
  } finally {
    await wechat.stop();
  }
  return {
    users: plan.length,
    messagesPerUser: options.messages,
    messagesSent: plan.length * options.messages,
    durationMs: performance.now() - started,
    lastSentMs: lastSent,
    refusals,
    errors,
    wrongAmounts,
    amountChecks,
    conversationsRight,
    serviceLatency: summarise(serviceMs),
    endToEnd: summarise(endToEndMs),
  };
}

/** advisor_rate_limited_total from the service's /metrics, summed over the labels that match. */
export async function serviceRefusals(url: string, key?: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^advisor_rate_limited_total\{([^}]*)\} (\S+)$/.exec(line);
    if (match && (!key || match[1]!.includes(`key="${key}"`))) total += Number(match[2]);
  }
  return total;
}

async function main(): Promise<void> {
  const users = numberArg('users', 100);
  const messages = numberArg('messages', 5);
  const windowMs = numberArg('window', 60) * 1000;
  const bubbleDelayMs = numberArg('bubble-delay', 400);
  const anonymous = process.argv.includes('--anonymous');
  const pg: PostgresServer | undefined = process.argv.includes('--postgres') ? await startPostgres() : undefined;
  const key = generateChannelKey();
  const service = await startService({
    env: {
      CHANNEL_KEYS: `wechat-bot:${hashChannelKey(key)}`,
      LOG_LEVEL: 'info',
      ...(pg ? { DATABASE_URL: await pg.createDatabase() } : {}),
    },
  });
  console.log(
    `service ready in ${fmtMs(service.readyMs)} ms (${service.url}, record in ${pg ? 'PostgreSQL' : 'SQLite'}); ` +
      `${users} users × ${messages} messages within ${windowMs / 1000} s, ` +
      `${anonymous ? 'bot WITHOUT a channel key' : 'bot with a channel key'}, bubble pacing ${bubbleDelayMs} ms`,
  );
  let result: BotLoadResult;
  let refusedByService: number;
  try {
    result = await runBotLoad({
      advisorUrl: service.url,
      channelKey: anonymous ? undefined : key,
      expectationKey: key,
      users,
      messages,
      windowMs,
      bubbleDelayMs,
    });
    refusedByService = await serviceRefusals(service.url);
  } finally {
    await service.stop();
    await pg?.stop();
  }

  const row = (name: string, s: Summary) => [name, s.count, fmtMs(s.mean), fmtMs(s.p50), fmtMs(s.p95), fmtMs(s.p99), fmtMs(s.max)];
  console.log(
    formatTable(
      ['latency (ms)', 'n', 'mean', 'p50', 'p95', 'p99', 'max'],
      [row('service (bot → POST /v1/ask)', result.serviceLatency), row('message → last reply bubble', result.endToEnd)],
    ),
  );
  console.log(
    `messages ${result.messagesSent}, last sent at ${(result.lastSentMs / 1000).toFixed(1)} s, all answered after ${(result.durationMs / 1000).toFixed(1)} s; ` +
      `refusals seen by the bot ${result.refusals}, counted by the service ${refusedByService}; other errors ${result.errors.length}; ` +
      `amount checks ${result.amountChecks}, wrong ${result.wrongAmounts.length}; conversations right ${result.conversationsRight}/${result.users}`,
  );
  for (const line of [...result.wrongAmounts, ...result.errors].slice(0, 10)) console.log(`  ${line}`);
  const file = writeJson(`bot-load${anonymous ? '-anonymous' : ''}${pg ? '-postgres' : ''}`, {
    run: machineInfo(),
    options: { users, messages, windowMs, bubbleDelayMs, anonymous, store: pg ? 'postgres' : 'sqlite' },
    result,
    refusedByService,
  });
  console.log(`written to ${file}`);
  const met = result.refusals === 0 && refusedByService === 0 && result.wrongAmounts.length === 0 && result.errors.length === 0;
  if (!anonymous) console.log(met ? 'target met: no refusals, every amount right' : 'target NOT met');
  if (!anonymous && !met) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
