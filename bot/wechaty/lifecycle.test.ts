import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ScanStatus, WechatyBuilder, type Wechaty } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { superviseBot, type BotLogger } from './lifecycle.js';

function recorder() {
  const lines: { level: string; msg: string; obj: object }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, obj });
  const logger: BotLogger = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
  return { logger, lines };
}

const until = async (predicate: () => boolean, what: string, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** Just enough of a Wechaty for the supervisor: events, start/stop, a login flag. */
function fakeBot(options: { failStarts?: number } = {}) {
  const emitter = new EventEmitter();
  let failStarts = options.failStarts ?? 0;
  const calls: string[] = [];
  const bot = Object.assign(emitter, {
    isLoggedIn: false,
    async start() {
      calls.push('start');
      if (failStarts-- > 0) throw new Error('puppet would not start');
    },
    async stop() {
      calls.push('stop');
    },
  });
  return { bot, asWechaty: bot as unknown as Wechaty, calls };
}

describe('superviseBot on the mock puppet', () => {
  it('prints the login QR code, writes it as a PNG, logs login and logout, and logs in again after a logout', async () => {
    const mocker = new mock.Mocker();
    const bot = WechatyBuilder.build({ puppet: new PuppetMock({ mocker }) });
    const qrFile = path.join(mkdtempSync(path.join(tmpdir(), 'bot-qr-')), 'nested', 'login.png');
    const printed: string[] = [];
    const { logger, lines } = recorder();
    const supervisor = superviseBot({ bot, logger, qrFile, baseDelayMs: 20, printQr: (v) => void printed.push(v) });
    await supervisor.start();
    try {
      mocker.scan('https://login.weixin.qq.com/l/mock-qrcode', ScanStatus.Waiting);
      await until(() => lines.some((l) => l.obj && 'qrFile' in l.obj), 'the QR file to be written');
      expect(printed).toEqual(['https://login.weixin.qq.com/l/mock-qrcode']);
      expect(readFileSync(qrFile).subarray(1, 4).toString()).toBe('PNG');

      const user = mocker.createContact({ name: '政策助手机器人' });
      mocker.login(user);
      await until(() => bot.isLoggedIn, 'login');
      await bot.logout();
      await until(() => supervisor.restarts === 1 && lines.some((l) => l.msg === 'restarting the bot'), 'a restart after logout');
      await until(() => bot.state.active() === true, 'the bot to be running again');
      mocker.login(user);
      await until(() => bot.isLoggedIn, 'login after the restart');
      expect(lines.map((l) => l.msg)).toEqual(
        expect.arrayContaining(['logged in', 'logged out', 'reconnect scheduled', 'restarting the bot']),
      );
    } finally {
      await supervisor.stop();
    }
  });
});

describe('superviseBot reconnects', () => {
  it('ignores a puppet error before the first login (the QR code is still waiting to be scanned)', async () => {
    const f = fakeBot();
    const { logger, lines } = recorder();
    const supervisor = superviseBot({ bot: f.asWechaty, logger, qrFile: 'unused.png', baseDelayMs: 5, errorGraceMs: 5 });
    await supervisor.start();
    f.bot.emit('error', new Error('network glitch'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(f.calls).toEqual(['start']);
    expect(lines.find((l) => l.level === 'error')?.msg).toBe('puppet error');
    await supervisor.stop();
  });

  it('restarts after a puppet error that lost the login, retrying with a growing delay until it starts', async () => {
    const f = fakeBot({ failStarts: 2 });
    const { logger, lines } = recorder();
    const supervisor = superviseBot({ bot: f.asWechaty, logger, qrFile: 'unused.png', baseDelayMs: 5, errorGraceMs: 5 });
    await supervisor.start().catch(() => undefined); // the first start fails: nothing to supervise yet
    f.bot.emit('login', { name: () => '机器人' });
    f.bot.emit('error', new Error('connection reset'));
    await until(() => f.calls.filter((c) => c === 'start').length === 3, 'a successful restart');
    expect(f.calls).toEqual(['start', 'stop', 'start', 'stop', 'start']);
    const delays = lines.filter((l) => l.msg === 'reconnect scheduled').map((l) => (l.obj as { inMs: number }).inMs);
    expect(delays).toEqual([0, 10]);
    expect(lines.some((l) => l.msg === 'restart failed; trying again later')).toBe(true);
    await supervisor.stop();
  });

  it('does not restart once stopped', async () => {
    const f = fakeBot();
    const { logger } = recorder();
    const supervisor = superviseBot({ bot: f.asWechaty, logger, qrFile: 'unused.png', baseDelayMs: 5 });
    await supervisor.start();
    f.bot.emit('logout', { name: () => '机器人' }, 'kicked');
    await supervisor.stop();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(f.calls).toEqual(['start', 'stop']);
  });
});
