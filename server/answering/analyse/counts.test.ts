import { describe, expect, it } from 'vitest';
import { findCounts, findDays } from './counts.js';

describe('findCounts — a number with the unit of what is counted', () => {
  const PIECES = ['件', '项', '个'];
  it.each<[string, readonly string[], number[]]>([
    ['拿到三件发明专利', PIECES, [3]],
    ['新登记了十二件软件著作权', PIECES, [12]],
    ['发明专利2件；实用新型5件', PIECES, [2, 5]],
    ['两个国家', PIECES, [2]],
    ['租了五百平方', ['平方米', '平方', '平米', '㎡'], [500]],
    ['租了500㎡办公室', ['平方米', '平方', '平米', '㎡'], [500]],
    ['租了 11 个月', ['个月', '月'], [11]],
    ['新开了一百二十家门店', ['家', '个'], [120]],
    ['入驻率百分之八十五，属地率90%', ['%', '％'], [85, 90]],
    ['厂房面积20,000㎡', ['平方米', '平方', '平米', '㎡'], [20_000]],
  ])('%s → %j', (text, units, values) => {
    expect(findCounts(text, units).map((c) => c.value)).toEqual(values);
  });

  it.each(['拿了几件专利', '多少件', '1.5件', '2019年'])('“%s” has no count', (text) => {
    expect(findCounts(text, PIECES)).toEqual([]);
  });
});

describe('findDays — days as written, a month and day in the year asked', () => {
  it.each<[string, string[]]>([
    ['授权公告日2019-03-12', ['2019-03-12']],
    ['2019年5月10日授权', ['2019-05-10']],
    ['2019/4/30、2019.05.01', ['2019-04-30', '2019-05-01']],
    ['5月10号拿到证书', ['2019-05-10']],
    ['2019-02-30', []],
  ])('%s → %j', (text, days) => {
    expect(findDays(text, '2019-07-15').map((d) => d.day)).toEqual(days);
  });
});
