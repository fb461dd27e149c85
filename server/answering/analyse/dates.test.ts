import { describe, expect, it } from 'vitest';
import { yearOf, yearsIn } from './dates.js';

/**
 * The year of a recognition decides the one-off award (新认定, within the plan's years, 从高不重复 within one
 * year), so a year read wrongly is a fact taken wrongly. Years are read against the day the question is asked.
 */
const ASKED = '2026-06-01';

describe('class 9 — facts taken wrongly: the year a message states (yearOf)', () => {
  it.each<[string, number | undefined]>([
    ['我们2025年新认定为省级专精特新', 2025],
    ['2025年度评上的小巨人', 2025],
    ['今年刚新认定', 2026],
    ['去年评上了小巨人', 2025],
    ['前年认定的省级', 2024],
    ['明年准备申报', 2027],
    ['本年度新认定', 2026],
    ['上一年度认定的', 2025],
    ['We were recognised last year', 2025],
    ['recognised this year', 2026],
    ['recognised in 2024', 2024],
    ['认定时间：2025', 2025],
    // 刚、最近 are this year when nothing more precise is said.
    ['最近刚评上小巨人', 2026],
    // A precise year wins over 刚.
    ['刚拿到证书，是2025年认定的', 2025],
    // The same year said twice is one year.
    ['去年也就是2025年认定的', 2025],
    // Two different years: no single year.
    ['2024年认定省级，2025年认定国家级', undefined],
    ['去年和今年都认定了', undefined],
    // Numbers that are not years.
    ['设备投了2025万', undefined],
    ['一共2025台设备', undefined],
    ['我们是省级专精特新', undefined],
  ])('%s → %s', (text, year) => {
    expect(yearOf(text, ASKED)).toBe(year);
  });

  it.each<[string, string, number]>([
    ['去年认定的', '2026-06-01', 2025],
    ['去年认定的', '2025-03-15', 2024],
    ['今年新认定', '2024-12-30', 2024],
    // 上个月 in January is last year.
    ['上个月认定的', '2026-01-20', 2025],
    ['上个月刚认定', '2026-02-20', 2026],
    // 下个月 in December is next year.
    ['下个月评上的话', '2026-12-05', 2027],
    ['下个月新评上', '2026-06-01', 2026],
    // A month says more than 刚: asked in January, 上个月刚 is still last year.
    ['上个月刚认定', '2026-01-20', 2025],
  ])('%s asked on %s → %d', (text, asOf, year) => {
    expect(yearOf(text, asOf)).toBe(year);
  });
});

describe('class 9 — facts taken wrongly: every year mention, in order (yearsIn)', () => {
  it('reads the years of two events in the order they are said, each with its words', () => {
    expect(
      yearsIn('我们前年认定了省级专精特新，去年又评上了小巨人', ASKED).map(({ year, text, vague }) => ({ year, text, vague })),
    ).toEqual([
      { year: 2024, text: '前年', vague: false },
      { year: 2025, text: '去年', vague: false },
    ]);
  });

  it('marks 刚、最近 as vague and explicit years as precise', () => {
    const years = yearsIn('最近刚评上，证书上写的2026年', ASKED);
    expect(years.filter((y) => y.vague).map((y) => y.text)).toEqual(['最近', '刚']);
    expect(years.filter((y) => !y.vague).map((y) => y.year)).toEqual([2026]);
  });

  it.each(['设备投了2025万', '营收2024万元', '电话0371-2025', '第2025号文件'])('finds no year in “%s”', (text) => {
    expect(yearsIn(text, ASKED)).toEqual([]);
  });
});
