import { parseMoney } from '../../../knowledge/text/money.js';

/**
 * Counts and days as people write them in a message: 三件、12个月、五百平方、两家; 2019-03-12、2019年5月10日、
 * 5月10号. Pure; the words that make a count (its units) come from the language data, by the fact's unit.
 */

export interface CountMention {
  value: number;
  start: number;
  end: number;
  text: string;
}

export interface DayMention {
  /** YYYY-MM-DD. */
  day: string;
  start: number;
  end: number;
  text: string;
}

const NUMBER = String.raw`(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|[零一二三四五六七八九十百千万两俩]+)`;

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every number followed by one of `units` (longest unit first), in order; 几件、多少件 are not counts. */
export function findCounts(text: string, units: readonly string[]): CountMention[] {
  if (units.length === 0) return [];
  const alternatives = [...units].sort((a, b) => b.length - a.length).map(escape);
  const pattern = new RegExp(`(?<![\\d.,])(${NUMBER})\\s?(?:${alternatives.join('|')})`, 'gi');
  const out: CountMention[] = [];
  // A percentage is also written before its number: 百分之八十五.
  if (units.some((u) => u === '%' || u === '％')) {
    for (const m of text.matchAll(new RegExp(`百分之(${NUMBER})`, 'g'))) {
      const value = m[1]!.includes('.') ? null : parseMoney(m[1]!);
      if (value !== null) out.push({ value, start: m.index, end: m.index + m[0].length, text: m[0] });
    }
  }
  for (const m of text.matchAll(pattern)) {
    // A whole number only (1.5件 is no count); 五百、十二 read as money reads Chinese numerals, exactly.
    if (m[1]!.includes('.')) continue;
    const value = parseMoney(m[1]!);
    if (value === null) continue;
    out.push({ value, start: m.index, end: m.index + m[0].length, text: m[0] });
  }
  return out.sort((a, b) => a.start - b.start);
}

const FULL_DATE = /(?<!\d)(20\d{2}|19\d{2})\s?[-/.年]\s?(\d{1,2})\s?[-/.月]\s?(\d{1,2})\s?[日号]?/g;
const MONTH_DAY = /(?<![\d年/.-])(\d{1,2})月(\d{1,2})[日号]/g;

/** A real day as YYYY-MM-DD, or undefined (2019-02-30 is none). */
function isoDay(year: number, month: number, day: number): string | undefined {
  const iso = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : undefined;
}

/** Every day a text names, in order; a month and day without a year are in the year of `asOf`. */
export function findDays(text: string, asOf: string): DayMention[] {
  const out: DayMention[] = [];
  for (const m of text.matchAll(FULL_DATE)) {
    const day = isoDay(Number(m[1]), Number(m[2]), Number(m[3]));
    if (day) out.push({ day, start: m.index, end: m.index + m[0].length, text: m[0] });
  }
  for (const m of text.matchAll(MONTH_DAY)) {
    if (out.some((d) => m.index >= d.start && m.index < d.end)) continue;
    const day = isoDay(Number(asOf.slice(0, 4)), Number(m[1]), Number(m[2]));
    if (day) out.push({ day, start: m.index, end: m.index + m[0].length, text: m[0] });
  }
  return out.sort((a, b) => a.start - b.start);
}
