/**
 * Years as people say them, read against the date the question is asked on: 2025年、2025年度、今年、
 * 去年、前年、明年、this year; 刚、最近 mean this year when nothing more precise is said.
 */
export interface YearMention {
  year: number;
  index: number;
  text: string;
  /** 刚、最近: only a hint. */
  vague: boolean;
}

const EXPLICIT = /(?<!\d)(20\d{2})\s?(?:年度?|年)?(?![\d万元亿千百家名件个%])/g;
const RELATIVE: [RegExp, number, boolean][] = [
  [/今年|本年度?|当年|this year/g, 0, false],
  [/去年|上一?年度?|last year/g, -1, false],
  [/前年|the year before last/g, -2, false],
  [/明年|下一?年度?|next year/g, 1, false],
  // A month (本月、上个月) says more than 刚/最近: "上个月刚认定" asked in January is last year.
  [/本月|这个月|上个月|上月|下个月|下月|next month|last month|this month/g, 0, true],
  [/刚刚|刚才|刚|最近|近期|新近|recently|just/g, 0, true],
];

/** Every year a text names, in order. */
export function yearsIn(text: string, asOf: string): YearMention[] {
  const asOfYear = Number(asOf.slice(0, 4));
  const out: YearMention[] = [];
  for (const m of text.matchAll(EXPLICIT)) {
    // A bare four-digit number needs 年 or to stand next to a year word to be a year (2025 alone may be money or a count).
    const hasYearWord = /年/.test(m[0]) || /^(?:\s*(?:年|年度))/.test(text.slice(m.index + m[0].length));
    if (
      !hasYearWord &&
      !/(?:in|since|from|year)\s*$/i.test(text.slice(Math.max(0, m.index - 6), m.index)) &&
      !/[：:]\s*$/.test(text.slice(Math.max(0, m.index - 2), m.index))
    ) {
      continue;
    }
    out.push({ year: Number(m[1]), index: m.index, text: m[0], vague: false });
  }
  for (const [pattern, offset, vague] of RELATIVE) {
    for (const m of text.matchAll(pattern)) {
      const month = asOf.slice(5, 7);
      const lastMonthInJanuary = /^(?:上个?月|last month)$/.test(m[0]) && month === '01';
      const nextMonthInDecember = /^(?:下个?月|next month)$/.test(m[0]) && month === '12';
      out.push({
        year: asOfYear + offset - (lastMonthInJanuary ? 1 : 0) + (nextMonthInDecember ? 1 : 0),
        index: m.index,
        text: m[0],
        vague,
      });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** The one year a text states, preferring precise mentions over 刚/最近; undefined when none or several differ. */
export function yearOf(text: string, asOf: string): number | undefined {
  const years = yearsIn(text, asOf);
  const precise = years.filter((y) => !y.vague);
  const months = years.filter((y) => y.vague && /月/.test(y.text));
  const pool = precise.length > 0 ? precise : months.length > 0 ? months : years;
  const distinct = new Set(pool.map((y) => y.year));
  return distinct.size === 1 ? [...distinct][0] : undefined;
}
