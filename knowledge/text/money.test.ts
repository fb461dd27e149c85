import fc from 'fast-check';
import nzhcn from 'nzh/cn';
import { describe, expect, it } from 'vitest';
import { findMoneyMentions, formatYuan, formatYuanDigits, parseMoney } from './money.js';

describe('parseMoney', () => {
  it.each([
    ['500万', 5_000_000],
    ['500万元', 5_000_000],
    ['5,000,000元', 5_000_000],
    ['5,000,000', 5_000_000],
    ['5000000', 5_000_000],
    ['五百万', 5_000_000],
    ['五百万元', 5_000_000],
    ['伍佰万元', 5_000_000],
    ['伍佰萬圓', 5_000_000],
    ['1.5亿', 150_000_000],
    ['1.5亿元', 150_000_000],
    ['300w', 3_000_000],
    ['300W', 3_000_000],
    ['1.5w', 15_000],
    ['3k', 3_000],
    ['0.3亿', 30_000_000],
    ['５００万', 5_000_000],
    ['５，０００，０００元', 5_000_000],
    ['1亿2000万', 120_000_000],
    ['1亿2000万元', 120_000_000],
    ['一亿二千万', 120_000_000],
    ['两百万', 2_000_000],
    ['二百万', 2_000_000],
    ['一千五百万', 15_000_000],
    ['1.2万', 12_000],
    ['100万元', 1_000_000],
    ['200萬元', 2_000_000],
    ['十万', 100_000],
    ['十五万', 150_000],
    ['一万二', 12_000],
    ['1万5', 15_000],
    ['一万零五', 10_005],
    ['1万5000', 15_000],
    ['一千五', 1_500],
    ['三千五百元', 3_500],
    ['三亿零五十万', 300_500_000],
    ['一亿零五百', 100_000_500],
    ['一万亿', 1_000_000_000_000],
    ['1.5万亿', 1_500_000_000_000],
    ['5百万', 5_000_000],
    ['3千万', 30_000_000],
    ['5千元', 5_000],
    ['一点五亿', 150_000_000],
    ['¥1,200', 1_200],
    ['￥1200元', 1_200],
    ['人民币500万元', 5_000_000],
    ['800块', 800],
    ['800块钱', 800],
    [' 500 万 ', 5_000_000],
    ['零元', 0],
    ['0', 0],
    ['5,000,000.00元', 5_000_000],
    ['壹拾万元整', 100_000],
    // 參 as Traditional text simplifies it (参), before a unit; Traditional units as typed.
    ['參佰萬元', 3_000_000],
    ['参佰万元', 3_000_000],
    ['贰佰参拾万元', 2_300_000],
    // Chat units after spoken numerals.
    ['二百八十个W', 2_800_000],
    ['三百五十w', 3_500_000],
  ])('%s → %d', (input, yuan) => {
    expect(parseMoney(input)).toBe(yuan);
  });

  it('rounds fractions of a yuan half up (every amount in the product is whole yuan)', () => {
    expect(parseMoney('12.5元')).toBe(13);
    expect(parseMoney('12.49元')).toBe(12);
  });

  it.each([
    [''],
    ['元'],
    ['万'],
    ['万元'],
    ['千万'],
    ['百万'],
    ['五五万'],
    ['一零万'],
    ['十十'],
    ['1,2万'],
    ['12,34元'],
    ['1万50000'],
    ['1.5万3000'],
    ['1亿5000'],
    ['2名'],
    ['10%'],
    ['400-110-9001'],
    ['2024-12-27'],
    ['abc'],
    ['-500万'],
  ])('%s → null', (input) => {
    expect(parseMoney(input)).toBeNull();
  });
});

describe('findMoneyMentions', () => {
  it('finds the three prizes of item 3 as three mentions', () => {
    const text = '分别给予不超过5万元、3万元、1万元奖励。';
    expect(findMoneyMentions(text)).toEqual([
      { text: '5万元', index: 7, yuan: 50_000 },
      { text: '3万元', index: 11, yuan: 30_000 },
      { text: '1万元', index: 15, yuan: 10_000 },
    ]);
  });

  // Spoken counts of a big unit: 一个亿、两个半亿, kept at their place in the text.
  it.each([
    ['设备投了一个半亿', '一个半亿', 150_000_000],
    ['去年投了两个亿', '两个亿', 200_000_000],
    ['大概三个半万', '三个半万', 35_000],
  ])('%s → %s = %d', (text, said, yuan) => {
    expect(findMoneyMentions(text)).toEqual([expect.objectContaining({ text: said, index: text.indexOf(said), yuan })]);
  });

  // Rough amounts with no digit: the range they can mean, flagged approximate.
  it.each([
    ['设备投了好几千万', '好几千万', 30_000_000, 90_000_000],
    ['大概几十万', '几十万', 200_000, 900_000],
    ['十几万的样子', '十几万', 110_000, 190_000],
    ['几百万', '几百万', 2_000_000, 9_000_000],
  ])('%s → %s = %d–%d', (text, said, lo, hi) => {
    expect(findMoneyMentions(text)).toEqual([{ text: said, index: text.indexOf(said), yuan: lo, upToYuan: hi, approximate: true }]);
  });

  it.each([
    ['设备投了两千多万', 20_000_000, 29_999_999],
    ['一百多万', 1_000_000, 1_999_999],
    ['1500余万', 15_000_000, 15_999_999],
  ])('%s: more than the figure, by less than its last digit', (text, lo, hi) => {
    expect(findMoneyMentions(text)).toEqual([expect.objectContaining({ yuan: lo, upToYuan: hi, approximate: true })]);
  });

  it('一块 meaning together is not one yuan', () => {
    expect(findMoneyMentions('两个补贴加一块是多少')).toEqual([]);
    expect(findMoneyMentions('一块儿算')).toEqual([]);
    expect(findMoneyMentions('这个一块钱')).toEqual([expect.objectContaining({ yuan: 1 })]);
  });

  it('参 is a digit only before a unit: 参加、参考 beside an amount stay words', () => {
    expect(findMoneyMentions('参加比赛拿了参拾万元').map((m) => m.yuan)).toEqual([300_000]);
    expect(findMoneyMentions('参考500万元').map((m) => m.yuan)).toEqual([5_000_000]);
  });

  it('reads the amounts of every award clause as the SPEC quotes them', () => {
    const amounts = (text: string) => findMoneyMentions(text).map((m) => m.yuan);
    expect(
      amounts(
        '对有效期内的省级以上专精特新中小企业，市财政按照不超过设备、软件实际投资（税后超100万元）的10%给予补助，最高不超过200万元（与省财政设备、软件投资不重复补助）。',
      ),
    ).toEqual([1_000_000, 2_000_000]);
    expect(amounts('一等奖2名、二等奖5名、三等奖9名，分别给予不超过5万元、3万元、1万元奖励。')).toEqual([50_000, 30_000, 10_000]);
    expect(
      amounts(
        '同一企业按照“从高、不重复”原则，市财政同一年度对新认定的国家级专精特新“小巨人”企业、省级专精特新中小企业分别给予不超过200万元、50万元的一次性奖励。',
      ),
    ).toEqual([2_000_000, 500_000]);
    expect(amounts('对新认定的国家级、省级中小企业特色产业集群，市财政给予每家申报主体不超过100万元、50万元的一次性奖励。')).toEqual([
      1_000_000, 500_000,
    ]);
  });

  it('reads the raw page (traditional characters, ASCII punctuation) with indices into the original', () => {
    const raw = '市財政按照不超過設備、軟件實際投資(稅后超100萬元)的10%給予補助,最高不超過200萬元(與省財政設備、軟件投資不重復補助)。';
    const mentions = findMoneyMentions(raw);
    expect(mentions.map((m) => m.text)).toEqual(['100萬元', '200萬元']);
    for (const m of mentions) expect(raw.slice(m.index, m.index + m.text.length)).toBe(m.text);
  });

  it.each([
    ['到2024年年底，国家级专精特新“小巨人”企业达到110家'],
    ['一等奖2名、二等奖5名、三等奖9名'],
    ['共24条，见第3项'],
    ['不超过设备、软件实际投资的10%'],
    ['申报日期：2024-12-27 ~ 2026-12-31'],
    ['400-110-9001周一至周五 09:00-17:00'],
    ['冀ICP备17021515号-1'],
    ['结合“万人助万企”包联活动，深入推进“百场万企”'],
    ['吸纳就业2万人，服务1万家企业'],
    ['上千万元的投资'],
    ['数百万元'],
    ['一次性奖励'],
    ['功率5kg'],
  ])('no money in %s', (text) => {
    expect(findMoneyMentions(text)).toEqual([]);
  });

  it.each([
    ['我们去年投资了五百万购置设备', [5_000_000]],
    ['投资伍佰万元', [5_000_000]],
    ['设备投资５００万', [5_000_000]],
    ['大约1.5亿的项目', [150_000_000]],
    ['软件花了300w', [3_000_000]],
    ['投了0.3亿', [30_000_000]],
    ['合计1亿2000万元', [120_000_000]],
    ['共5,000,000元', [5_000_000]],
    ['两百万和一千五百万', [2_000_000, 15_000_000]],
    ['奖金1.2万', [12_000]],
    ['报价¥1,200', [1_200]],
    ['2024年投资800万元', [8_000_000]],
    ['花了3k块', [3_000]],
  ] as const)('%s', (text, yuan) => {
    expect(findMoneyMentions(text).map((m) => m.yuan)).toEqual(yuan);
  });
});

describe('money as people write it', () => {
  it.each([
    ['发票金额 2,500,000 元', 2_500_000],
    ['设备 不含税 6 800 000 元', 6_800_000],
    ['不含税金额 4,000,000.00 元', 4_000_000],
    ['120个w的设备', 1_200_000],
    ['350个W', 3_500_000],
    ['大概1.2kw', 12_000_000],
    ['50k', 50_000],
    ['RMB 6,000,000', 6_000_000],
    ['rmb 4.52m including vat', 4_520_000],
    ['RMB 30 million', 30_000_000],
    ['spent 2.5 million yuan', 2_500_000],
    ['人民币壹仟零伍拾万元整', 10_500_000],
    ['¥1,000,000', 1_000_000],
    ['1亿2000万', 120_000_000],
    ['200 万元以下', 2_000_000],
  ])('%s → %d', (text, yuan) => {
    const [mention, ...rest] = findMoneyMentions(text);
    expect(rest).toEqual([]);
    expect(mention?.yuan).toBe(yuan);
    expect(mention?.approximate).toBeUndefined();
  });

  it.each([
    ['八十来万', 800_000, undefined],
    ['两百来万', 2_000_000, undefined],
    // 多、余: more than the figure, by less than its last written digit.
    ['一百多万', 1_000_000, 1_999_999],
    ['100余万元', 1_000_000, 1_999_999],
    ['五百多万', 5_000_000, 5_999_999],
    ['一两百万', 1_000_000, 2_000_000],
    ['100-200万', 1_000_000, 2_000_000],
    ['100到200万元', 1_000_000, 2_000_000],
    ['50萬~200萬', 500_000, 2_000_000],
    ['预算5万-10万元', 50_000, 100_000],
  ])('%s is approximate (lower end %d, upper %s)', (text, yuan, upTo) => {
    const [mention, ...rest] = findMoneyMentions(text);
    expect(rest).toEqual([]);
    expect(mention).toMatchObject({ yuan, approximate: true });
    expect(mention?.upToYuan).toBe(upTo);
  });

  /** Every written form of an amount, for amounts the form can express exactly. */
  const forms: { name: string; applies: (yuan: number) => boolean; write: (yuan: number) => string }[] = [
    { name: 'digits with commas and a spaced unit', applies: () => true, write: (y) => `${formatYuanDigits(y)} 元` },
    { name: 'digits grouped by spaces', applies: (y) => y >= 1000, write: (y) => `${formatYuanDigits(y).replace(/,/g, ' ')} 元` },
    { name: 'digits with .00', applies: () => true, write: (y) => `${formatYuanDigits(y)}.00元` },
    { name: '万 / 亿 as people write', applies: () => true, write: (y) => formatYuan(y) },
    { name: 'chat w', applies: (y) => y % 10_000 === 0 && y > 0, write: (y) => `${y / 10_000}w` },
    { name: 'chat 个w', applies: (y) => y % 10_000 === 0 && y > 0, write: (y) => `${y / 10_000}个w` },
    { name: 'chat kw (千万)', applies: (y) => y % 1_000_000 === 0 && y > 0, write: (y) => `${y / 10_000_000}kw` },
    { name: 'chat k', applies: (y) => y % 1_000 === 0 && y > 0, write: (y) => `${y / 1_000}k` },
    { name: 'English million', applies: (y) => y % 10_000 === 0 && y > 0, write: (y) => `RMB ${y / 1_000_000} million` },
    { name: 'English m', applies: (y) => y % 10_000 === 0 && y > 0, write: (y) => `RMB ${y / 1_000_000}m` },
    { name: '大写', applies: (y) => y > 0, write: (y) => `人民币${nzhcn.encodeB(y)}元整` },
    { name: '小写 Chinese', applies: (y) => y > 0, write: (y) => `${nzhcn.encodeS(y)}元` },
  ];

  it('reads back an amount written in every form, inside a sentence', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999 }), fc.integer({ min: 0, max: 4 }), fc.nat(forms.length - 1), (base, zeros, f) => {
        const yuan = base * 10 ** zeros;
        const form = forms[f]!;
        fc.pre(form.applies(yuan));
        const written = form.write(yuan);
        const mentions = findMoneyMentions(`我们设备投了${written}，能补多少`);
        expect(
          mentions.map((m) => m.yuan),
          `${form.name}: ${written}`,
        ).toEqual([yuan]);
        expect(mentions[0]?.approximate, written).toBeUndefined();
      }),
      { numRuns: 3_000 },
    );
  });

  it('is not fooled by metres, dates, phone numbers or counts', () => {
    for (const text of ['宽2.5m的门', '2019年4月30日', '电话 138 1234 5678', '2万人', '3 000 家企业'])
      expect(findMoneyMentions(text)).toEqual([]);
  });
});

describe('formatYuan / formatYuanDigits', () => {
  it.each([
    [0, '0元'],
    [8000, '8000元'],
    [9999, '9999元'],
    [10_000, '1万元'],
    [150_000, '15万元'],
    [500_000, '50万元'],
    [2_000_000, '200万元'],
    [1_234_567, '123.4567万元'],
    [10_001, '1.0001万元'],
    [100_000_000, '1亿元'],
    [150_000_000, '1.5亿元'],
  ])('formatYuan(%d) = %s', (yuan, text) => {
    expect(formatYuan(yuan)).toBe(text);
  });

  it('refuses what is not a non-negative integer', () => {
    expect(() => formatYuan(-1)).toThrow(RangeError);
    expect(() => formatYuan(1.5)).toThrow(RangeError);
    expect(() => formatYuan(Number.NaN)).toThrow(RangeError);
  });

  it.each([
    [0, '0'],
    [999, '999'],
    [1_000, '1,000'],
    [500_000, '500,000'],
    [2_000_000, '2,000,000'],
    [1_234_567_890, '1,234,567,890'],
    [-1_500, '-1,500'],
  ])('formatYuanDigits(%d) = %s', (yuan, text) => {
    expect(formatYuanDigits(yuan)).toBe(text);
  });
});

describe('properties', () => {
  const amount = fc.integer({ min: 0, max: 1_000_000_000_000 });

  it('formatYuan → parseMoney round-trips every integer 0..10^12', () => {
    fc.assert(
      fc.property(amount, (yuan) => parseMoney(formatYuan(yuan)) === yuan),
      { numRuns: 2_000 },
    );
  });

  it('formatYuanDigits + 元 round-trips', () => {
    fc.assert(fc.property(amount, (yuan) => parseMoney(`${formatYuanDigits(yuan)}元`) === yuan));
  });

  it('reads every Chinese numeral nzh writes, in 小写 and 大写', () => {
    fc.assert(
      fc.property(amount, (yuan) => {
        expect(parseMoney(`${nzhcn.encodeS(yuan)}元`)).toBe(yuan);
        expect(parseMoney(`${nzhcn.encodeB(yuan)}元`)).toBe(yuan);
      }),
    );
  });

  it('finds a formatted amount embedded in Chinese text, at its index', () => {
    fc.assert(
      fc.property(amount, fc.constantFrom('给予', '投资了', '最高不超过', '（'), (yuan, lead) => {
        const text = `${lead}${formatYuan(yuan)}的补助`;
        const mentions = findMoneyMentions(text);
        expect(mentions).toEqual([{ text: formatYuan(yuan), index: lead.length, yuan }]);
      }),
    );
  });

  it('findMoneyMentions never returns a non-integer or negative amount, whatever the text', () => {
    const pieces = fc.constantFrom(
      '5',
      '0',
      '.',
      ',',
      '-',
      '万',
      '亿',
      '元',
      '千',
      '百',
      '十',
      '零',
      '一',
      '两',
      '伍',
      'w',
      'k',
      '%',
      '年',
      '名',
      '¥',
      '点',
      '、',
      '多',
      ' ',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(pieces, { maxLength: 30 }).map((a) => a.join('')),
        ),
        (text) => {
          for (const m of findMoneyMentions(text)) {
            expect(Number.isSafeInteger(m.yuan)).toBe(true);
            expect(m.yuan).toBeGreaterThanOrEqual(0);
            expect(text.slice(m.index, m.index + m.text.length)).toBe(m.text);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('parseMoney returns null or a non-negative safe integer', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const yuan = parseMoney(text);
        return yuan === null || (Number.isSafeInteger(yuan) && yuan >= 0);
      }),
    );
  });
});
