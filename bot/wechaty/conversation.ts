import { randomUUID } from 'node:crypto';
import { MAX_QUESTION_LENGTH, type Answer as AnswerBody } from './api-types.gen.js';
import type { AdvisorClient } from './advisor-client.js';
import { type BotError, toBotError } from './errors.js';
import { formatAnswer, formatBasis, splitBubbles } from './reply-format.js';

/**
 * What the bot does with one WeChat message, independent of Wechaty: sessions, commands, the per-session
 * queue, the per-user rate limit and every fallback. The plugin turns Wechaty messages into
 * IncomingMessage values and sends the bubbles this returns.
 */

/** A message already addressed to the bot (group filtering happened in the plugin). */
export interface IncomingMessage {
  /** The person writing (WeChat contact id). */
  userId: string;
  /** Set in group chats: the session is the person within that room. */
  roomId?: string;
  /** The text, with the @-mention or the group prefix already removed. */
  text?: string;
  /** For anything but text: what it is, in Chinese (图片, 语音, 文件…). */
  nonText?: string;
}

export type Send = (bubbles: string[]) => Promise<void>;

export type Command = 'help' | 'human' | 'restart' | 'helpful' | 'unhelpful' | 'clause' | 'calculate';

export type BotEvent =
  | { type: 'error'; error: BotError; sessionKey?: string }
  | { type: 'answered'; sessionKey: string; kind: AnswerBody['kind']; answerId?: string; bubbles: number; latencyMs: number }
  | { type: 'command'; sessionKey: string; command: Command }
  | { type: 'rate-limited'; userId: string; replied: boolean }
  /** A message is done with; `sent` bubbles went out for it (0 when dropped or when sending failed). */
  | { type: 'handled'; sessionKey: string; sent: number }
  | { type: 'ignored'; reason: IgnoredReason };

/** Why a WeChat message got no answer on purpose (logged at debug level; tests wait on it). */
export type IgnoredReason = 'self' | 'official-account' | 'history' | 'room-not-allowed' | 'not-addressed' | 'unsupported-type';

export interface ConversationOptions {
  client: AdvisorClient;
  hotline: string;
  bubbleMaxChars: number;
  rateLimitPerMinute: number;
  /** Mentioned in 帮助 so group members know how to call the bot. */
  groupPrefix: string;
  onEvent?: (event: BotEvent) => void;
  now?: () => number;
  newSessionId?: () => string;
  /** Sessions kept in memory; the least recently used is forgotten first. */
  maxSessions?: number;
}

export interface Conversation {
  /** Resolves once this message has been answered (after any earlier ones of the same session). Never rejects. */
  handle(message: IncomingMessage, send: Send): Promise<void>;
  readonly sessionCount: number;
}

interface SessionState {
  sessionId: string;
  lastAnswer?: AnswerBody;
  /** The follow-up question the service is waiting on; its answer is the next message. */
  pendingFollowUp?: string;
  rated: Set<string>;
  /** The tail of this session's queue: one question in flight, later ones wait in order. */
  tail: Promise<void>;
}

/** What "回复 2 计算补贴" sends: the service picks the award from the conversation so far. */
export const CALCULATE_QUESTION = '我们能拿多少补贴？';
const EXAMPLE = '我们是省级专精特新，买了500万设备，市里能补多少？';
const WINDOW_MS = 60_000;

const COMMANDS: Record<string, Command> = {
  帮助: 'help',
  help: 'help',
  菜单: 'help',
  怎么用: 'help',
  使用说明: 'help',
  人工: 'human',
  转人工: 'human',
  人工客服: 'human',
  人工服务: 'human',
  客服: 'human',
  重新开始: 'restart',
  重来: 'restart',
  清空: 'restart',
  重置: 'restart',
  有用: 'helpful',
  有帮助: 'helpful',
  没用: 'unhelpful',
  没有用: 'unhelpful',
  无用: 'unhelpful',
  没帮助: 'unhelpful',
  '1': 'clause',
  '2': 'calculate',
};

/** Recognises a command typed alone, allowing trailing punctuation and full-width digits. */
export function parseCommand(text: string): Command | undefined {
  const t = text.trim();
  if (t === '?' || t === '？') return 'help';
  const bare = t
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[\s。！!？?～~.，,]+$/u, '')
    .toLowerCase();
  return COMMANDS[bare];
}

export function createConversation(options: ConversationOptions): Conversation {
  const now = options.now ?? Date.now;
  const newSessionId = options.newSessionId ?? (() => `wechat-${randomUUID()}`);
  const maxSessions = options.maxSessions ?? 10_000;
  const emit = (event: BotEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A faulty listener must not break the conversation it listens to.
    }
  };
  const bubbles = (text: string) => splitBubbles(text, options.bubbleMaxChars);
  const hotline = options.hotline;

  const texts = {
    help: [
      '我是郑州市专精特新政策咨询助手，依据政策原文回答问题，金额由计算器按条款算出。',
      `您可以这样问：\n· ${EXAMPLE}\n· 创客中国大赛获奖怎么奖励？\n· 第19条讲的是什么？`,
      '回复“人工”获取人工热线，回复“重新开始”清除对话，对答复回复“有用”或“没用”帮我们改进。',
      `在群里请 @我 或以“${options.groupPrefix}”开头提问。`,
    ].join('\n'),
    greeting: `您好，请直接用文字告诉我您的问题，例如：${EXAMPLE}回复“帮助”查看用法。`,
    human: `如需人工咨询，请拨打热线 ${hotline}。`,
    restart: `好的，已重新开始，之前的对话不再计入。请告诉我您的问题，例如：${EXAMPLE}`,
    nonText: (kind: string) => `我暂时看不懂${kind}，只能回答文字提问，例如：${EXAMPLE}`,
    tooLong: `您的问题有点长（超过 ${MAX_QUESTION_LENGTH} 字），请精简后再问。`,
    rateLimited: `您发得有点快，我需要一点时间处理。请一分钟后再问，谢谢理解！如需人工咨询，请拨打 ${hotline}。`,
    unavailable: `抱歉，政策咨询服务暂时无法响应，请稍后再试。如需帮助，请拨打人工热线 ${hotline}。`,
    busy: `抱歉，现在咨询的人比较多，请稍后再试。如需帮助，请拨打人工热线 ${hotline}。`,
    rejected: '抱歉，这条消息我没法处理，请换个说法再问。',
    empty: `抱歉，这个问题我暂时答不上来。如需人工咨询，请拨打 ${hotline}。`,
    noClause: '请先提问，我会附上相关的政策原文。',
    noAnswerToRate: '还没有可以评价的答复，请先提问。',
    alreadyRated: '这条答复您已经评价过了，谢谢！',
    thanksHelpful: '感谢您的反馈！',
    thanksUnhelpful: `感谢反馈，我们会继续改进。如需人工解答，请拨打 ${hotline}。`,
    feedbackFailed: '反馈暂时没有提交成功，请稍后再试。',
  };

  // Sessions, least recently used first (a Map keeps insertion order).
  const sessions = new Map<string, SessionState>();
  const sessionFor = (key: string): SessionState => {
    let state = sessions.get(key);
    if (state) sessions.delete(key);
    else state = { sessionId: newSessionId(), rated: new Set(), tail: Promise.resolve() };
    sessions.set(key, state);
    while (sessions.size > maxSessions) sessions.delete(sessions.keys().next().value!);
    return state;
  };

  // Per person, across private and group chats: timestamps within the last minute.
  const recent = new Map<string, { hits: number[]; warned: boolean }>();
  const admit = (userId: string): 'ok' | 'warn' | 'drop' => {
    const t = now();
    if (recent.size > maxSessions) {
      // Forget people who have been quiet for a minute, so the map does not grow with every contact ever seen.
      for (const [id, e] of recent) if (e.hits.every((h) => t - h >= WINDOW_MS)) recent.delete(id);
    }
    const entry = recent.get(userId) ?? { hits: [], warned: false };
    entry.hits = entry.hits.filter((h) => t - h < WINDOW_MS);
    recent.set(userId, entry);
    if (entry.hits.length < options.rateLimitPerMinute) {
      entry.hits.push(t);
      entry.warned = false;
      return 'ok';
    }
    // One polite reply per window: answering every message of a flood would be a flood too.
    if (entry.warned) return 'drop';
    entry.warned = true;
    return 'warn';
  };

  async function answerQuestion(key: string, state: SessionState, question: string, send: Send, userId: string) {
    if (question.length > MAX_QUESTION_LENGTH) return send(bubbles(texts.tooLong));
    const started = now();
    const result = await options.client.ask({ question, sessionId: state.sessionId, channel: 'wechat' }, { wechatId: userId });
    if (!result.ok) {
      emit({ type: 'error', error: result.error, sessionKey: key });
      const text =
        result.error.code === 'advisor_busy' ? texts.busy : result.error.code === 'advisor_rejected' ? texts.rejected : texts.unavailable;
      return send(bubbles(text));
    }
    const answer = result.value;
    state.lastAnswer = answer;
    state.pendingFollowUp = answer.kind === 'clarify' ? answer.followUp?.[0] : undefined;
    const formatted = formatAnswer(answer, { maxChars: options.bubbleMaxChars });
    const out = formatted.bubbles.length > 0 ? formatted.bubbles : bubbles(texts.empty);
    emit({
      type: 'answered',
      sessionKey: key,
      kind: answer.kind,
      answerId: answer.answerId,
      bubbles: out.length,
      latencyMs: now() - started,
    });
    return send(out);
  }

  async function rate(key: string, state: SessionState, helpful: boolean, send: Send, userId: string) {
    const answerId = state.lastAnswer?.answerId;
    if (!answerId) return send(bubbles(texts.noAnswerToRate));
    if (state.rated.has(answerId)) return send(bubbles(texts.alreadyRated));
    const result = await options.client.feedback({ answerId, helpful }, { wechatId: userId });
    if (!result.ok) {
      emit({ type: 'error', error: result.error, sessionKey: key });
      return send(bubbles(texts.feedbackFailed));
    }
    state.rated.add(answerId);
    return send(bubbles(helpful ? texts.thanksHelpful : texts.thanksUnhelpful));
  }

  async function respond(key: string, state: SessionState, message: IncomingMessage, send: Send) {
    if (message.nonText) return send(bubbles(texts.nonText(message.nonText)));
    const text = (message.text ?? '').trim();
    if (!text) return send(bubbles(texts.greeting));
    let command = parseCommand(text);
    // While the service waits for an answer, a bare "1" or "2" is that answer (an award level, a count…).
    if (state.pendingFollowUp && (command === 'clause' || command === 'calculate')) command = undefined;
    if (!command) return answerQuestion(key, state, text, send, message.userId);

    emit({ type: 'command', sessionKey: key, command });
    switch (command) {
      case 'help':
        return send(bubbles(texts.help));
      case 'human':
        return send(bubbles(texts.human));
      case 'restart':
        state.sessionId = newSessionId();
        state.lastAnswer = undefined;
        state.pendingFollowUp = undefined;
        return send(bubbles(texts.restart));
      case 'helpful':
      case 'unhelpful':
        return rate(key, state, command === 'helpful', send, message.userId);
      case 'clause': {
        const last = state.lastAnswer;
        const basis = last ? formatBasis(last, { maxChars: options.bubbleMaxChars }) : [];
        return send(basis.length > 0 ? basis : bubbles(texts.noClause));
      }
      case 'calculate':
        return answerQuestion(key, state, CALCULATE_QUESTION, send, message.userId);
    }
  }

  return {
    get sessionCount() {
      return sessions.size;
    },

    handle(message, send) {
      const key = message.roomId ? `${message.roomId}|${message.userId}` : message.userId;
      const admission = admit(message.userId);
      if (admission !== 'ok') emit({ type: 'rate-limited', userId: message.userId, replied: admission === 'warn' });
      if (admission === 'drop') {
        emit({ type: 'handled', sessionKey: key, sent: 0 });
        return Promise.resolve();
      }
      const state = sessionFor(key);
      // A send that fails is reported, not retried: the person can ask again, the process goes on.
      let sent = 0;
      const safeSend: Send = async (out) => {
        try {
          await send(out);
          sent += out.length;
        } catch (error) {
          emit({ type: 'error', error: toBotError(error, 'send_failed'), sessionKey: key });
        }
      };
      const task = async () => {
        try {
          if (admission === 'warn') {
            await safeSend(bubbles(texts.rateLimited));
          } else {
            await respond(key, state, message, safeSend);
          }
        } catch (error) {
          // Anything unforeseen still gets an answer: never silence.
          emit({ type: 'error', error: toBotError(error, 'internal'), sessionKey: key });
          await safeSend(bubbles(texts.unavailable));
        } finally {
          emit({ type: 'handled', sessionKey: key, sent });
        }
      };
      const run = state.tail.then(task);
      state.tail = run;
      return run;
    },
  };
}
