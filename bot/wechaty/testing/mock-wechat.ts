import { createServer } from 'node:net';
import { types, WechatyBuilder, type Wechaty } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import type { BotEvent } from '../conversation.js';
import { AdvisorPlugin, type AdvisorPluginOptions } from '../plugin.js';

/**
 * A real Wechaty bot on Wechaty's own mock puppet with the AdvisorPlugin installed: tests make mock
 * contacts say things to it and read what it said back.
 */
export interface MockWechat {
  bot: Wechaty;
  mocker: mock.Mocker;
  /** The bot's own account. */
  self: mock.ContactMock;
  events: BotEvent[];
  contact(name: string, type?: types.Contact): mock.ContactMock;
  room(topic: string, members: mock.ContactMock[]): mock.RoomMock;
  /** Text the bot sent into a conversation (a contact for private chat, a room for groups), in order. */
  replies(to: mock.ContactMock | mock.RoomMock): string[];
  /**
   * Says `text` to the bot — privately, or in `room` (with an @-mention of the bot when `mention`) — and
   * returns the bubbles the bot answered with, once it has finished with the message.
   */
  say(from: mock.ContactMock, text: string, options?: { room?: mock.RoomMock; mention?: boolean }): Promise<string[]>;
  /** A message of another type (image, voice, link, mini-program card…) from a contact to the bot. */
  sendNonText(from: mock.ContactMock, type: types.Message): void;
  /** Resolves when the predicate holds, polling; rejects with `what` after the timeout. */
  waitFor(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Waits until `count` replies have arrived in a conversation, and returns them all. */
  waitForReplies(to: mock.ContactMock | mock.RoomMock, count: number, timeoutMs?: number): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startMockWechat(options: AdvisorPluginOptions): Promise<MockWechat> {
  const mocker = new mock.Mocker();
  const bot = WechatyBuilder.build({ puppet: new PuppetMock({ mocker }) });
  const events: BotEvent[] = [];
  const sent = new Map<string, string[]>();

  bot.use(
    AdvisorPlugin({
      env: {},
      bubbleDelayMs: 0,
      ...options,
      onEvent: (event) => {
        events.push(event);
        options.onEvent?.(event);
      },
    }),
  );
  // What the bot says comes back to it as its own (self) messages: that is the transcript.
  bot.on('message', (message) => {
    if (!message.self()) return;
    const conversationId = message.room()?.id ?? message.listener()?.id;
    if (!conversationId) return;
    sent.set(conversationId, [...(sent.get(conversationId) ?? []), message.text()]);
  });

  await bot.start();
  const self = mocker.createContact({ name: '政策助手机器人' });
  mocker.login(self);
  await new Promise<void>((resolve) => (bot.isLoggedIn ? resolve() : bot.once('login', () => resolve())));

  const waitFor = async (predicate: () => boolean, what: string, timeoutMs = 8_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const replies = (to: mock.ContactMock | mock.RoomMock) => [...(sent.get(to.id) ?? [])];

  return {
    bot,
    mocker,
    self,
    events,
    contact: (name, type = types.Contact.Individual) => mocker.createContact({ name, type }),
    room: (topic, members) => mocker.createRoom({ topic, memberIdList: [self.id, ...members.map((m) => m.id)] }),
    replies,
    async say(from, text, sayOptions = {}) {
      const { room, mention = false } = sayOptions;
      const key = room ? `${room.id}|${from.id}` : from.id;
      const handled = () => events.filter((e): e is Extract<BotEvent, { type: 'handled' }> => e.type === 'handled' && e.sessionKey === key);
      const seen = handled().length;
      const to = room ?? from;
      const before = replies(to).length;
      if (room) from.say(mention ? `@${self.payload.name} ${text}` : text, mention ? [self] : []).to(room);
      else from.say(text).to(self);
      await waitFor(() => handled().length > seen, `the bot to handle “${text}”`);
      const sentCount = handled()[seen]!.sent;
      await waitFor(() => replies(to).length >= before + sentCount, `${sentCount} bubbles for “${text}”`);
      return replies(to).slice(before);
    },
    sendNonText(from, type) {
      // ContactMock.say() only makes text and files; other kinds are created the way the mocker does it.
      const id = `mock-${type}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      mocker.MessageMock.create({ id, talkerId: from.id, listenerId: self.id, timestamp: Date.now(), type } as never);
      mocker.puppet.emit('message', { messageId: id });
    },
    waitFor,
    async waitForReplies(to, count, timeoutMs) {
      await waitFor(() => replies(to).length >= count, `${count} replies in ${to.id} (have: ${JSON.stringify(replies(to))})`, timeoutMs);
      return replies(to);
    },
    async stop() {
      await bot.stop();
    },
  };
}

/** A local port nothing listens on: the advisor "down". */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}
