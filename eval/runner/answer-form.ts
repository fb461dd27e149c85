import { loadBotConfig } from '../../bot/wechaty/config.js';
import { formatAnswer } from '../../bot/wechaty/reply-format.js';
import { amountsStated, firstSentence } from '../../server/answering/guard.js';
import type { AnswerBody } from '../../server/schemas.js';
import type { GoldenExpect } from '../golden/schema.js';

/**
 * How an answer reads, measured the way people meet it: does its first sentence carry what was asked, how
 * long is it, and does the WeChat bot send it in one bubble. The first sentence is the guard's
 * (server/answering/guard.ts) and the bubbles are the bot's own formatter at the bot's own default size, so
 * the figures here are what the product does, not a second reading of it.
 */

/** The bot's bubble size when BOT_BUBBLE_MAX_CHARS is not set (bot/wechaty/config.ts). */
export const BOT_BUBBLE_MAX_CHARS: number = loadBotConfig({}, {}).bubbleMaxChars;

/**
 * Bubbles the bot sends for an answer (bot/wechaty/conversation.ts → formatAnswer): clause quotes held back
 * behind "回复 1", the offer line appended. An answer that formats to nothing goes out as the bot's
 * one-bubble apology.
 */
export function botBubbles(answer: AnswerBody, maxChars: number = BOT_BUBBLE_MAX_CHARS): number {
  return Math.max(1, formatAnswer(answer, { maxChars }).bubbles.length);
}

export interface FirstSentenceCheck {
  /** `amount`: the case expects amounts, and every one must be in the first sentence. `keyword`: one expected keyword must be. */
  measure: 'amount' | 'keyword';
  held: boolean;
  sentence: string;
}

/**
 * Whether an answer's first sentence carries what the case expects: every expected amount (however
 * written) when it expects amounts, else one of its expected keywords (containsAny, containsAll). Cases that
 * expect neither are not measured (undefined). No answer is a miss.
 */
export function firstSentenceCheck(expect: GoldenExpect, text: string | undefined): FirstSentenceCheck | undefined {
  const sentence = text === undefined ? '' : firstSentence(text);
  if (expect.amounts) {
    const stated = new Set(amountsStated(sentence).map((m) => m.yuan));
    return { measure: 'amount', held: text !== undefined && expect.amounts.every((a) => stated.has(a)), sentence };
  }
  const keywords = [...(expect.containsAny ?? []), ...(expect.containsAll ?? [])];
  if (keywords.length === 0) return undefined;
  return { measure: 'keyword', held: text !== undefined && keywords.some((k) => sentence.includes(k)), sentence };
}

/** The targets for the form of answers (the first two are gates in eval/gates.test.ts). */
export const ANSWER_FORM_TARGETS = {
  /** Share of amount cases whose first sentence states the expected amounts. */
  firstSentenceAmount: 0.95,
  /** Median and p95 length of calculation answers, in characters. */
  calculationMedianChars: 120,
  calculationP95Chars: 200,
  /** Share of answers the bot sends in one bubble. */
  oneBubble: 0.9,
} as const;
