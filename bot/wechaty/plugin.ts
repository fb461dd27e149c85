import { types, type Message, type Room, type Wechaty, type WechatyPlugin } from 'wechaty';
import { createAdvisorClient, type AdvisorClient } from './advisor-client.js';
import { loadBotConfig, type BotConfig, type BotConfigOptions } from './config.js';
import { createConversation, type BotEvent, type IgnoredReason, type IncomingMessage } from './conversation.js';
import { toBotError } from './errors.js';

export interface AdvisorPluginOptions extends BotConfigOptions {
  /** Defaults to an HTTP client of ADVISOR_URL; tests may pass their own. */
  client?: AdvisorClient;
  onEvent?: (event: BotEvent) => void;
  /** Where settings not given as options come from; process.env by default. */
  env?: Record<string, string | undefined>;
  now?: () => number;
}

/** What a message that is not text is called in the one-line explanation. Others (recalls, system notices) are ignored. */
const NON_TEXT: Partial<Record<types.Message, string>> = {
  [types.Message.Image]: '图片',
  [types.Message.Audio]: '语音',
  [types.Message.Video]: '视频',
  [types.Message.Attachment]: '文件',
  [types.Message.Url]: '链接',
  [types.Message.MiniProgram]: '小程序卡片',
  [types.Message.Emoticon]: '表情',
  [types.Message.Contact]: '名片',
  [types.Message.Location]: '位置',
  [types.Message.ChatHistory]: '聊天记录',
  [types.Message.Post]: '动态',
};

/** Messages older than this are history replayed by the puppet at login, not questions waiting for an answer. */
const MAX_AGE_SECONDS = 180;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The advisor as a Wechaty plugin: `bot.use(AdvisorPlugin(options))`. Private chat: every message is for
 * the bot. Group chat: only rooms on the allow-list (all rooms when it is empty), and only messages that
 * @-mention the bot or start with the group prefix. Messages from the bot itself and from official
 * accounts are ignored. Returns Wechaty's uninstaller.
 */
export function AdvisorPlugin(options: AdvisorPluginOptions = {}): WechatyPlugin {
  const { client: givenClient, onEvent, env, now, ...configOptions } = options;
  // Parsed here, before the bot starts, so a bad setting stops `npm run bot` at once with the variable's name.
  const config: BotConfig = loadBotConfig(configOptions, env ?? process.env);
  const emit = (event: BotEvent) => {
    try {
      onEvent?.(event);
    } catch {
      // A faulty listener must not break message handling.
    }
  };

  return (bot: Wechaty) => {
    const client =
      givenClient ?? createAdvisorClient({ baseUrl: config.advisorUrl, timeoutMs: config.timeoutMs, channelKey: config.advisorKey });
    const conversation = createConversation({
      client,
      hotline: config.hotline,
      bubbleMaxChars: config.bubbleMaxChars,
      rateLimitPerMinute: config.rateLimitPerMinute,
      groupPrefix: config.groupPrefix,
      onEvent: emit,
      ...(now ? { now } : {}),
    });
    const prefix = new RegExp(`^\\s*${escapeRegExp(config.groupPrefix)}[\\s,，:：、]*`);

    const roomAllowed = async (room: Room) => {
      if (config.roomAllowlist.length === 0) return true;
      if (config.roomAllowlist.includes(room.id)) return true;
      return config.roomAllowlist.includes((await room.topic()).trim());
    };

    /** The message as the conversation sees it, or why it is not for the bot. */
    const incoming = async (message: Message): Promise<IncomingMessage | IgnoredReason> => {
      if (message.self()) return 'self';
      if (message.age() > MAX_AGE_SECONDS) return 'history';
      const talker = message.talker();
      if (talker.type() === types.Contact.Official) return 'official-account';
      const room = message.room();
      const type = message.type();

      if (!room) {
        if (type === types.Message.Text) return { userId: talker.id, text: message.text() };
        const kind = NON_TEXT[type];
        return kind ? { userId: talker.id, nonText: kind } : 'unsupported-type';
      }

      // In a group only text can be addressed to the bot; pictures and files there are for the people.
      if (type !== types.Message.Text) return 'unsupported-type';
      if (!(await roomAllowed(room))) return 'room-not-allowed';
      const text = message.text();
      const mentioned = await message.mentionSelf();
      if (!mentioned && !prefix.test(text)) return 'not-addressed';
      let body = mentioned ? await message.mentionText() : text;
      // mentionText() misses the mention when the bot's group nickname differs from its name.
      const self = bot.currentUser;
      body = body.replace(new RegExp(`^\\s*@${escapeRegExp(self.name())}[\\s\\u2005]*`), '').replace(prefix, '');
      return { userId: talker.id, roomId: room.id, text: body };
    };

    const sendBubbles = async (message: Message, bubbles: string[]) => {
      const room = message.room();
      const talker = message.talker();
      for (const [i, bubble] of bubbles.entries()) {
        // Paced, so a burst of bubbles does not look like spam to WeChat.
        if (i > 0 && config.bubbleDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.bubbleDelayMs));
        if (room) {
          // In a group the first bubble @-mentions the asker, so they see the answer is theirs.
          if (i === 0) await room.say(bubble, talker);
          else await room.say(bubble);
        } else {
          await talker.say(bubble);
        }
      }
    };

    const onMessage = async (message: Message) => {
      try {
        const question = await incoming(message);
        if (typeof question === 'string') {
          emit({ type: 'ignored', reason: question });
          return;
        }
        await conversation.handle(question, (bubbles) => sendBubbles(message, bubbles));
      } catch (error) {
        emit({ type: 'error', error: toBotError(error, 'message_unreadable') });
      }
    };

    bot.on('message', onMessage);
    return () => {
      bot.off('message', onMessage);
    };
  };
}
