import { findMoneyMentions, formatYuan, type MoneyMention } from '../../knowledge/text/money.js';
import { normaliseInput } from '../../knowledge/text/normalise.js';
import { COLLOQUIALISMS, ENGLISH_GLOSSARY, INJECTION_MARKERS } from './phrasebook.js';

export interface NormalisedQuestion {
  /** As the user sent it. */
  original: string;
  /** Simplified, half-width, canonical punctuation, English terms translated. */
  text: string;
  /** The text without the segments that try to change the rules: what facts are read from. */
  factText: string;
  /** `factText` plus the policy's words for colloquial terms: what retrieval searches. */
  searchText: string;
  /** Segments set aside as prompt injection. */
  injectedSegments: string[];
  /** Amounts the user stated (outside injected segments), integer yuan. */
  statedAmountsYuan: number[];
  /** Where `factText` states them. */
  moneyMentions: MoneyMention[];
}

// Blocks that pretend to be from the system or an administrator, whatever their content.
const INJECTED_BLOCKS = [
  /<(system|admin|instruction)>[\s\S]*?<\/\1>/gi,
  /【(系统|管理员|系统通知|管理员通知)[^】]*】/g,
  /（系统(消息|通知)[^）]*）/g,
];

const SEGMENT_BREAK = /[。！？!?；;\n，,：:]|\.(?=\s|$)/;

function englishMoney(text: string): string {
  return text
    .replace(/(?:rmb|cny|¥)\s*([\d,]+(?:\.\d+)?)\s*(million|m\b)?/gi, (_m, n: string, million?: string) => yuanText(n, million))
    .replace(/([\d,]+(?:\.\d+)?)\s*(million\s+)?(?:yuan|rmb|cny)\b/gi, (_m, n: string, million?: string) => yuanText(n, million))
    .replace(/([\d.]+)\s*million\b/gi, (_m, n: string) => yuanText(n, 'million'));
}

function yuanText(number: string, million?: string): string {
  const value = Number(number.replace(/,/g, '')) * (million ? 1_000_000 : 1);
  return Number.isSafeInteger(Math.round(value)) ? ` ${formatYuan(Math.round(value))} ` : number;
}

/** Normalises a question and sets aside any prompt injection in it. Pure. */
export function normaliseQuestion(question: string): NormalisedQuestion {
  let text = normaliseInput(englishMoney(question));
  for (const [pattern, chinese] of ENGLISH_GLOSSARY) text = text.replace(pattern, chinese);
  text = text.replace(/[^\S\n]+/g, ' ').trim();

  const injectedSegments: string[] = [];
  let remaining = text;
  for (const block of INJECTED_BLOCKS) {
    remaining = remaining.replace(block, (m) => {
      injectedSegments.push(m);
      return '。';
    });
  }
  const kept: string[] = [];
  for (const segment of remaining.split(SEGMENT_BREAK)) {
    const trimmed = segment.trim();
    if (trimmed === '') continue;
    if (INJECTION_MARKERS.some((marker) => marker.test(trimmed))) injectedSegments.push(trimmed);
    else kept.push(trimmed);
  }
  const factText = kept.join('，');
  const expansions = COLLOQUIALISMS.filter(([pattern]) => {
    pattern.lastIndex = 0;
    return pattern.test(factText);
  }).map(([, term]) => term);
  const moneyMentions = findMoneyMentions(factText);
  return {
    original: question,
    text,
    factText,
    searchText: [factText, ...new Set(expansions)].join(' '),
    injectedSegments,
    statedAmountsYuan: moneyMentions.map((m) => m.yuan),
    moneyMentions,
  };
}
