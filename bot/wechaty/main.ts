/**
 * `npm run bot`: the advisor in WeChat. Configuration from the environment (README.md → 微信渠道);
 * the advisor service must be reachable at ADVISOR_URL (it answers with an apology and the hotline
 * while it is not).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { WechatyBuilder } from 'wechaty';
import { loadBotConfig, type BotConfig } from './config.js';
import { BotError, toBotError } from './errors.js';
import { logBotEvent, superviseBot } from './lifecycle.js';
import { AdvisorPlugin } from './plugin.js';

let config: BotConfig;
try {
  config = loadBotConfig();
} catch (error) {
  console.error(error instanceof BotError ? error.message : error);
  process.exit(1);
}

const logger = pino({ name: 'wechat-bot', level: config.logLevel });
mkdirSync(path.dirname(path.resolve(config.memoryFile)), { recursive: true });

const bot = WechatyBuilder.build({
  name: config.memoryFile,
  puppet: config.puppet,
  ...(config.puppetToken ? { puppetOptions: { token: config.puppetToken } } : {}),
});
bot.use(AdvisorPlugin({ ...config, onEvent: logBotEvent(logger) }));
const supervisor = superviseBot({ bot, logger, qrFile: config.qrFile });

// Puppets (wechat4u especially) sometimes throw from their own timers; one such error is logged and the
// bot keeps serving, since the supervisor restarts it if the login was lost.
process.on('unhandledRejection', (reason) => logger.error({ err: toBotError(reason, 'puppet') }, 'unhandled rejection'));
process.on('uncaughtException', (error) => logger.error({ err: toBotError(error, 'puppet') }, 'uncaught exception'));

const shutdown = async (signal: string) => {
  logger.info({ signal }, 'stopping the bot');
  await supervisor.stop().catch((error: unknown) => logger.error({ err: toBotError(error, 'puppet') }, 'stop failed'));
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

logger.info(
  {
    puppet: config.puppet,
    advisorUrl: config.advisorUrl,
    channelKey: config.advisorKey ? 'set' : 'none',
    rooms: config.roomAllowlist.length || 'all',
  },
  'starting the WeChat bot',
);
if (!config.advisorKey) {
  logger.warn(
    'ADVISOR_KEY is not set: the service limits all of the bot’s users together by its one IP address; make a key with npm run -s channel:key -- wechat-bot',
  );
}
try {
  await supervisor.start();
} catch (error) {
  logger.fatal({ err: toBotError(error, 'puppet') }, 'the bot could not start');
  process.exit(1);
}
