import { describe, expect, it } from 'vitest';
import { DEFAULT_HOTLINE, loadBotConfig } from './config.js';
import { BotError } from './errors.js';

describe('loadBotConfig', () => {
  it('has defaults that run a personal-account bot against a local service', () => {
    expect(loadBotConfig({}, {})).toEqual({
      advisorUrl: 'http://127.0.0.1:3000',
      puppet: 'wechaty-puppet-wechat4u',
      groupPrefix: '政策助手',
      roomAllowlist: [],
      bubbleMaxChars: 300,
      bubbleDelayMs: 400,
      rateLimitPerMinute: 10,
      timeoutMs: 20000,
      hotline: DEFAULT_HOTLINE,
      qrFile: 'data/wechat-login-qr.png',
      memoryFile: 'data/wechat-bot.memory-card.json',
      logLevel: 'info',
    });
  });

  it('reads the environment, and an explicit option wins over its variable', () => {
    const env = {
      ADVISOR_URL: 'https://advisor.example.cn/',
      BOT_BUBBLE_MAX_CHARS: '200',
      BOT_ROOM_ALLOWLIST: '企业服务群，@@room1, 园区群',
      HOTLINE: '0371-1234',
    };
    const config = loadBotConfig({ bubbleMaxChars: 120 }, env);
    expect(config.advisorUrl).toBe('https://advisor.example.cn');
    expect(config.bubbleMaxChars).toBe(120);
    expect(config.roomAllowlist).toEqual(['企业服务群', '@@room1', '园区群']);
    expect(config.hotline).toBe('0371-1234');
  });

  it.each([
    [{ BOT_BUBBLE_MAX_CHARS: 'abc' }, /BOT_BUBBLE_MAX_CHARS: .*\(got "abc"\)/],
    [{ ADVISOR_URL: 'localhost:3000' }, /ADVISOR_URL: must be the advisor service URL/],
    [{ WECHATY_PUPPET: 'wechaty-puppet-xp' }, /WECHATY_PUPPET: must be one of/],
    [{ BOT_RATE_LIMIT_PER_MINUTE: '0' }, /BOT_RATE_LIMIT_PER_MINUTE: must be at least 1/],
    [{ WECHATY_PUPPET: 'wechaty-puppet-service' }, /WECHATY_PUPPET_SERVICE_TOKEN: required when WECHATY_PUPPET is wechaty-puppet-service/],
  ])('names the variable of a bad value: %j', (env, message) => {
    expect(() => loadBotConfig({}, env)).toThrow(BotError);
    expect(() => loadBotConfig({}, env)).toThrow(message);
  });

  it('never prints the puppet token', () => {
    const env = { WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 'puppet_workpro_secret' };
    expect(loadBotConfig({}, env).puppetToken).toBe('puppet_workpro_secret');
    let message = '';
    try {
      loadBotConfig({ puppetToken: '' }, { ...env, BOT_TIMEOUT_MS: 'soon' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/WECHATY_PUPPET_SERVICE_TOKEN: .*; BOT_TIMEOUT_MS: .*\(got "soon"\)/);
    expect(message).not.toContain('secret');
  });
});
