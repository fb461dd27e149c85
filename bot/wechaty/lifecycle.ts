import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import QRCode from 'qrcode';
import qrcodeTerminal from 'qrcode-terminal';
import { ScanStatus, type Wechaty } from 'wechaty';
import type { BotEvent } from './conversation.js';
import { toBotError } from './errors.js';

/** The slice of pino the bot uses, so tests can pass a recorder. */
export interface BotLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface SupervisorOptions {
  bot: Wechaty;
  logger: BotLogger;
  qrFile: string;
  /** First reconnect delay; doubles on each failure up to maxDelayMs, back to this after a login. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** After a puppet error, how long to wait for the puppet to recover by itself before restarting. */
  errorGraceMs?: number;
  /** Injected in tests: the terminal and the PNG file. */
  printQr?: (value: string) => void;
  writeQr?: (file: string, value: string) => Promise<void>;
}

export interface Supervisor {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** How many times the bot has been restarted after a logout or a puppet error. */
  readonly restarts: number;
}

const printQrInTerminal = (value: string) => qrcodeTerminal.generate(value, { small: true });
const writeQrPng = async (file: string, value: string) => {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await QRCode.toFile(file, value, { type: 'png', width: 360, margin: 2 });
};

/**
 * Keeps the bot logged in: prints the login QR code in the terminal and writes it to a PNG (for a server
 * without a terminal someone watches), logs login, logout and errors, and restarts the bot after a
 * logout or after a puppet error that left it logged out — with a growing delay, so a puppet that keeps
 * failing is not hammered.
 */
export function superviseBot(options: SupervisorOptions): Supervisor {
  const { bot, logger } = options;
  const baseDelayMs = options.baseDelayMs ?? 5_000;
  const maxDelayMs = options.maxDelayMs ?? 5 * 60_000;
  const errorGraceMs = options.errorGraceMs ?? 10_000;
  const printQr = options.printQr ?? printQrInTerminal;
  const writeQr = options.writeQr ?? writeQrPng;

  let delayMs = baseDelayMs;
  let restarts = 0;
  let stopped = false;
  let loggedInOnce = false;
  let timer: NodeJS.Timeout | undefined;
  let restarting = false;

  const restart = async (reason: string) => {
    if (stopped || restarting) return;
    restarting = true;
    restarts++;
    logger.warn({ reason, attempt: restarts }, 'restarting the bot');
    try {
      await bot.stop();
      await bot.start();
    } catch (error) {
      logger.error({ err: toBotError(error, 'puppet') }, 'restart failed; trying again later');
      restarting = false;
      schedule(reason);
      return;
    }
    restarting = false;
  };

  const schedule = (reason: string, wait = delayMs) => {
    if (stopped || timer) return;
    logger.info({ reason, inMs: wait }, 'reconnect scheduled');
    timer = setTimeout(() => {
      timer = undefined;
      void restart(reason);
    }, wait);
    delayMs = Math.min(delayMs * 2, maxDelayMs);
  };

  bot.on('scan', async (qrcode, status) => {
    if (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout) {
      logger.info({ status: ScanStatus[status] }, 'login QR code status');
      return;
    }
    try {
      printQr(qrcode);
    } catch (error) {
      logger.warn({ err: toBotError(error, 'puppet') }, 'could not print the QR code in the terminal');
    }
    try {
      await writeQr(options.qrFile, qrcode);
      logger.info({ qrFile: options.qrFile, status: ScanStatus[status] }, '请用微信扫描二维码登录（终端中的二维码或图片文件）');
    } catch (error) {
      logger.error({ err: toBotError(error, 'puppet'), qrFile: options.qrFile }, 'could not write the QR code file');
    }
  });

  bot.on('login', (user) => {
    loggedInOnce = true;
    delayMs = baseDelayMs;
    logger.info({ user: user.name() }, 'logged in');
  });

  bot.on('logout', (user, reason) => {
    logger.warn({ user: user.name(), reason }, 'logged out');
    schedule('logout');
  });

  bot.on('error', (error) => {
    logger.error({ err: toBotError(error, 'puppet') }, 'puppet error');
    // Most puppet errors are about one message and pass; restart only if the bot lost its login.
    if (!loggedInOnce) return;
    setTimeout(() => {
      if (!stopped && !bot.isLoggedIn) schedule('puppet error', 0);
    }, errorGraceMs).unref();
  });

  return {
    get restarts() {
      return restarts;
    },
    async start() {
      stopped = false;
      await bot.start();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await bot.stop();
    },
  };
}

/** Writes the conversation's events to the log: errors with their code, answers with their latency. */
export function logBotEvent(logger: BotLogger): (event: BotEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'error':
        logger.warn(
          { code: event.error.code, err: event.error, session: event.sessionKey },
          'message handling failed; the user got a fallback reply',
        );
        break;
      case 'answered':
        logger.info({ kind: event.kind, answerId: event.answerId, bubbles: event.bubbles, latencyMs: event.latencyMs }, 'answered');
        break;
      case 'rate-limited':
        logger.info({ replied: event.replied }, 'rate limit reached');
        break;
      case 'command':
        logger.debug({ command: event.command }, 'command');
        break;
      case 'ignored':
        if (event.reason !== 'self') logger.debug({ reason: event.reason }, 'message ignored');
        break;
      case 'handled':
        break;
    }
  };
}
