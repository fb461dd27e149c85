import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openKnowledgeBase } from '../../knowledge/knowledge-base.js';
import { fixedDayClock } from '../clock.js';
import { createMemorySessionStore } from '../sessions/session-store.js';
import { createAdvisor, type Advisor, type AdvisorAnswer } from './advisor.js';
import { amountsStated } from './guard.js';

/**
 * The whole advisor over the second base (鹿城), whose awards use amount forms the Zhengzhou plan does not:
 * nothing here is special-cased in the engine, the base's rules and facts are data.
 *
 * Expected amounts come from the clause (工业二、2): 展位费80%，赴区外、市外、省外、境外每个展位不超过
 * 5000、8000、12000、15000元，同一展会最多4个标准展位; (一、2) 技改 100万–200万 6%，市级企业技术中心 +1个百分点;
 * (四、2) 规上企业租赁厂房 每月每平方米3元，首次“小升规” 2元，年度最高50万元.
 */
const BOOTH_CAP = { outsideCity: 8_000, outsideProvince: 12_000, abroad: 15_000 };
const MAX_BOOTHS = 4;
const booth = (booths: number, totalFee: number, cap: number): number =>
  Math.min(booths, MAX_BOOTHS) * Math.min(Math.floor((totalFee * 80) / 100 / booths), cap);

let advisor: Advisor;
beforeAll(async () => {
  const knowledge = await openKnowledgeBase({ base: 'lucheng', distDir: mkdtempSync(path.join(tmpdir(), 'second-base-')) });
  advisor = createAdvisor({
    knowledge,
    sessions: createMemorySessionStore({ max: 100, ttlMs: 3_600_000 }),
    hotline: '400-000-1234',
    clock: fixedDayClock('2026-06-01'),
  });
});

let sessions = 0;
async function converse(turns: readonly string[], asOf: string): Promise<AdvisorAnswer> {
  const sessionId = `second-base-${++sessions}`;
  let last: AdvisorAnswer | undefined;
  for (const question of turns) last = await advisor.ask({ question, sessionId, asOf });
  return last!;
}
const granted = (a: AdvisorAnswer): Record<string, number> =>
  Object.fromEntries(a.calculations.filter((c) => c.eligible).map((c) => [c.ruleId, c.amountYuan]));

describe('a share of a fee per unit, capped per unit by where, for at most four units (参展展位费)', () => {
  it.each<[string, string[], number]>([
    // A price per booth times the booths; a place in the province is 市外; the activity's place is no other region.
    [
      'per-booth fee, 杭州',
      ['我们是软件企业，去杭州参加一个展会，订了3个标准展位，每个展位费1.2万元，展位费能奖多少'],
      booth(3, 36_000, BOOTH_CAP.outsideCity),
    ],
    // More booths than the most paid; the user's own arithmetic of a rumoured rate is not the fee.
    [
      'six booths, 上海',
      ['我们上个月去上海参展 订了六个展位 每个一万 展位费能补多少啊 是不是每个补八千 六个就是四万八'],
      booth(6, 60_000, BOOTH_CAP.outsideProvince),
    ],
    // A total fee off an invoice, abroad: the cap per booth decides.
    [
      'total fee, 德国',
      ['我们去德国参展 两个标准展位 展位费发票合计¥46,000.00 展位费奖励怎么算 能拿多少'],
      booth(2, 46_000, BOOTH_CAP.abroad),
    ],
    // A follow-up posing another place keeps the booths and the fee.
    [
      'follow-up, 香港',
      ['我们去杭州参展，两个标准展位，每个展位费1.2万，能奖多少', '那要是去香港参展呢？一样两个展位、一样的价格'],
      booth(2, 24_000, BOOTH_CAP.abroad),
    ],
  ])('%s', async (_, turns, expected) => {
    const a = await converse(turns, '2020-06-01');
    expect(a.kind).toBe('calculation');
    expect(granted(a)).toEqual({ 'exhibition-booth-award': expected });
    expect(amountsStated(a.answer).map((m) => m.yuan)).toContain(expected);
  });

  it('without the facts it gives the clause’s terms and its most, and asks for what it needs', async () => {
    const a = await converse(['参展的展位费区里补多少'], '2020-06-01');
    expect(a.answer).toContain('80%');
    expect(amountsStated(a.answer).map((m) => m.yuan)).toContain(BOOTH_CAP.abroad);
    expect(a.calculations).toEqual([
      expect.objectContaining({ ruleId: 'exhibition-booth-award', amountYuan: MAX_BOOTHS * BOOTH_CAP.abroad }),
    ]);
    expect(a.followUp?.length).toBeGreaterThan(0);
  });

  it('after the policy expired it gives no amount', async () => {
    const a = await converse(['我们去上海参展，两个展位，展位费一共2万，能奖多少'], '2026-06-01');
    expect(a.calculations.filter((c) => c.eligible)).toEqual([]);
    expect(a.answer).toContain('过期');
  });
});

describe('facts of the second base read as said', () => {
  it('a correction of the technology centre’s level changes that level only (180万 × (6% + 1个百分点))', async () => {
    const a = await converse(
      [
        '设备投资180万（不含税），我们有省级企业技术中心，没有其他称号，技改补助多少？',
        '不对不对，我们那个技术中心只是市级的，省级还没评上',
      ],
      '2021-04-15',
    );
    expect(granted(a)).toEqual({ 'tech-upgrade-equipment': Math.floor((1_800_000 * 7) / 100) });
  });

  it('非首次小升规 is not a first-time company: 3元 per square metre a month, at most 50万', async () => {
    const a = await converse(
      ['租赁厂房面积20,000平方米，规上企业（非首次小升规），亩均税收156万元，在鹿城区无自有工业用地。厂房租赁补助全年能补多少？'],
      '2021-01-15',
    );
    expect(granted(a)).toEqual({ 'factory-rent-subsidy': Math.min(20_000 * 3 * 12, 500_000) });
  });

  it.each<[string, number]>([
    // 最高20元/平方米•月，但不超过实际租赁成本; 每年最高不超过60万元.
    ['新设的非总部型设计服务公司，上年地方综合贡献90万，租了1000平方米办公室，租金每月每平方只有16块，补助一年多少', 1_000 * 16 * 12],
    ['新设的非总部型现代服务业企业 上年地方综合贡献300万 租用3000平方办公用房 月租每平25块 房租补助一年能补多少', 600_000],
    ['新设的非总部型设计服务公司，上年地方综合贡献90万，租了1000平方米办公室，补助一年多少', 1_000 * 20 * 12],
  ])('office rent at most the actual rent: %s', async (question, expected) => {
    const a = await converse([question], '2021-03-03');
    expect(granted(a)).toEqual({ 'new-services-office-subsidy': expected });
  });

  it.each<[string, string[], string, number]>([
    // 附则3: 同一奖项（认定）在低等次晋升到高等次时，只奖励差额部分 — the amount less what the company was paid.
    [
      'first-set product',
      ['我们公司一款装备去年被认定为省级首台套，区里给了25万', '今年同一个产品又被认定为国家首台套了，区里还能再拿多少'],
      'first-set-product-award',
      500_000 - 250_000,
    ],
    [
      'tax building',
      [
        '我们楼2019年首次认定为5000万元税收楼，入驻率和属地率都达标，运营单位拿了20万',
        '那2021年我们升到1亿元税收楼了，入驻率75%、属地率85%，这次能再拿多少',
      ],
      'tax-building-award',
      1_000_000 - 200_000,
    ],
    [
      'construction grade',
      ['我们建筑公司2019年施工总承包资质升到一级，区里奖了100万', '现在2021年又晋升特级了，这次能拿多少'],
      'construction-qualification-upgrade-award',
      5_000_000 - 1_000_000,
    ],
  ])('an award raised to a higher grade pays the difference: %s', async (_, turns, ruleId, expected) => {
    const a = await converse(turns, '2021-10-01');
    expect(granted(a)).toEqual({ [ruleId]: expected });
    expect(a.details).toContain('差额');
  });

  it('three invoices with their amounts and tax lines, and the grand total: the amounts (6% band)', async () => {
    const a = await converse(
      [
        '同一个技改项目三张设备发票：①金额480,000.00 税额62,400.00 ②金额350,000.00 税额45,500.00 ③金额270,000.00 税额35,100.00，价税合计1,243,000.00元。公司没有其他荣誉，技改补助能拿多少？',
      ],
      '2020-04-08',
    );
    expect(granted(a)).toEqual({ 'tech-upgrade-equipment': Math.floor(((480_000 + 350_000 + 270_000) * 6) / 100) });
  });

  it('invoices listed with one basis and one rate: their sum less VAT (6% band)', async () => {
    const a = await converse(
      [
        '技改项目设备发票三张（税率均为13%），价税合计分别为1,130,000.00元、565,000.00元、339,000.00元，属同一个技改项目。公司为老规上企业，无其他荣誉称号。请问技改补助多少？',
      ],
      '2020-06-30',
    );
    const afterTax = (1_130_000 + 565_000 + 339_000) / 1.13;
    expect(granted(a)).toEqual({ 'tech-upgrade-equipment': Math.floor((afterTax * 6) / 100) });
  });
});
