import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Answer as AnswerBody } from './api-types.gen.js';
import { askingOnlyFirst, charLength, formatAnswer, formatClauses, splitBubbles, withoutClauseQuotes } from './reply-format.js';

const CLAUSE_1 =
  '1.支持企业加大研发投入。对有效期内的省级以上专精特新中小企业，在年度投资计算区间内用于提升企业创新能力和专业化水平而购置设备、软件的，市财政按照不超过设备、软件实际投资（税后超100万元）的10%给予补助，最高不超过200万元（与省财政设备、软件投资不重复补助）。（责任单位：市工信局、市财政局，各开发区管委会，各区县〔市〕政府）';
const TITLE = '郑州市专精特新企业三年倍增行动方案（2024—2026年）';
const citation = { docId: 'zhengzhou-srdi-2024', clauseId: 'item-1', label: '三（一）1', title: TITLE, quote: CLAUSE_1 };

/** Shaped like the service's answers (see server/answering), trimmed to what the formatter looks at. */
const calculation: AnswerBody = {
  kind: 'calculation',
  answer: [
    '按您提供的情况，可申请“设备、软件投资补助”，最高40万元。',
    '',
    '【设备、软件投资补助】',
    '计算：4,000,000 × 10% = 400,000（上限 2,000,000）',
    `依据：《${TITLE}》三（一）1（第1条）：“市财政按照不超过设备、软件实际投资（税后超100万元）的10%给予补助，最高不超过200万元（与省财政设备、软件投资不重复补助）”`,
    '条件核对：✓ 持有省级以上专精特新资质（当前：省级专精特新中小企业）；✓ 年度投资超过100万元（当前：4,000,000 元（400万元）；须大于 1,000,000 元（100万元））',
    '以上金额均为政策规定的上限（原文为“不超过”），实际金额以主管部门审核为准。',
  ].join('\n'),
  citations: [citation],
  calculations: [],
  totalYuan: 400000,
  details: '',
  asOf: '2026-06-01',
  answerId: 'a1',
};

const lookup: AnswerBody = {
  kind: 'lookup',
  answer: [
    `《${TITLE}》第1条（三（一）1）“支持企业加大研发投入”规定：“市财政按照不超过设备、软件实际投资（税后超100万元）的10%给予补助，最高不超过200万元”。`,
    '',
    `原文：“${CLAUSE_1}”`,
    '责任单位：市工信局、市财政局',
  ].join('\n'),
  citations: [citation],
  calculations: [],
  details: '',
  asOf: '2026-06-01',
};

const clarify: AnswerBody = {
  kind: 'clarify',
  answer: [
    '要测算“设备、软件投资补助”，还需要了解：贵企业目前持有哪一级专精特新资质？',
    `政策规定：《${TITLE}》三（一）1（第1条）：“市财政按照不超过设备、软件实际投资（税后超100万元）的10%给予补助”`,
    '另外请告诉我：实际投资（税后）是多少？',
  ].join('\n'),
  citations: [citation],
  calculations: [],
  followUp: ['贵企业目前持有哪一级专精特新资质？', '实际投资（税后）是多少？'],
  details: '',
  asOf: '2026-06-01',
};

describe('formatAnswer', () => {
  it.each([
    {
      name: 'a calculation: conclusion first, clause held back, figures untouched, clause offered',
      answer: calculation,
      first: '按您提供的情况，可申请“设备、软件投资补助”，最高40万元。',
      contains: ['4,000,000 × 10% = 400,000（上限 2,000,000）', '4,000,000 元（400万元）', '以主管部门审核为准'],
      absent: ['依据：'],
      offers: ['clause'],
      last: '回复 1 看依据',
    },
    {
      name: 'a look-up that names amounts: key sentence kept, full clause held back, both offers',
      answer: lookup,
      first: `《${TITLE}》第1条`,
      contains: ['最高不超过200万元”。', '责任单位：市工信局、市财政局'],
      absent: ['原文：', '责任单位：市工信局、市财政局，各开发区管委会'],
      offers: ['clause', 'calculate'],
      last: '回复 1 看依据，回复 2 计算补贴',
    },
    {
      name: 'a clarification: only the first follow-up question, no offers while it is pending',
      answer: clarify,
      first: '要测算“设备、软件投资补助”，还需要了解：贵企业目前持有哪一级专精特新资质？',
      contains: [],
      absent: ['实际投资（税后）是多少？', '政策规定：', '回复 1'],
      offers: [],
      last: '贵企业目前持有哪一级专精特新资质？',
    },
    {
      name: 'smalltalk: as the service wrote it',
      answer: {
        kind: 'smalltalk',
        answer: '您好！我是政策咨询助手。\n人工咨询请拨打 400-110-9001（周一至周五 09:00-17:00）。',
        citations: [],
        calculations: [],
        details: '',
        asOf: '2026-06-01',
      } satisfies AnswerBody,
      first: '您好！我是政策咨询助手。',
      contains: ['400-110-9001（周一至周五 09:00-17:00）'],
      absent: ['回复'],
      offers: [],
      last: '人工咨询请拨打 400-110-9001（周一至周五 09:00-17:00）。',
    },
  ])('$name', ({ answer, first, contains, absent, offers, last }) => {
    const out = formatAnswer(answer, { maxChars: 300 });
    const all = out.bubbles.join('\n');
    expect(out.bubbles[0]!.startsWith(first)).toBe(true);
    for (const s of contains) expect(all).toContain(s);
    for (const s of absent) expect(all).not.toContain(s);
    expect(out.offers).toEqual(offers);
    expect(out.bubbles.at(-1)!.endsWith(last)).toBe(true);
    for (const b of out.bubbles) expect(charLength(b)).toBeLessThanOrEqual(300);
  });

  it('gives no bubbles for an empty answer, so the caller can say something else', () => {
    expect(formatAnswer({ ...calculation, answer: '  ', citations: [] }, { maxChars: 300 }).bubbles).toEqual([]);
  });

  it('puts the offer line in a bubble of its own when the last one is full', () => {
    const out = formatAnswer({ ...lookup, answer: `${'很长的结论。'.repeat(9)}\n原文：“${CLAUSE_1}”` }, { maxChars: 60 });
    expect(out.bubbles.at(-1)).toBe('回复 1 看依据，回复 2 计算补贴');
  });
});

describe('helpers', () => {
  it('keeps short quotations and quotations not taken from a cited clause', () => {
    const text = '结论。\n名称为“创客中国”大赛。\n说明：“这句话并不出自任何被引用的条款原文”';
    expect(withoutClauseQuotes(text, [CLAUSE_1])).toBe(text);
  });

  it('removes a quoted clause that spans several lines', () => {
    const text = `结论。\n\n原文：“二、发展目标\n到2024年年底，国家级专精特新企业达到110家”\n有效期至2026年12月31日。`;
    expect(withoutClauseQuotes(text, ['二、发展目标\n到2024年年底，国家级专精特新企业达到110家'])).toBe(
      '结论。\n\n有效期至2026年12月31日。',
    );
  });

  it('appends the first follow-up question when the text does not ask it', () => {
    expect(askingOnlyFirst('还需要几项信息。', ['您的资质等级？', '投资额？'])).toBe('还需要几项信息。\n您的资质等级？');
  });

  it('formats each cited clause once, in full', () => {
    expect(formatClauses([citation, citation], { maxChars: 300 })).toEqual([`《${TITLE}》三（一）1：\n${CLAUSE_1}`]);
  });
});

describe('splitBubbles', () => {
  it.each([
    { text: '短句。', max: 10, expected: ['短句。'] },
    { text: '第一句话很短。第二句话也很短。第三句。', max: 16, expected: ['第一句话很短。第二句话也很短。', '第三句。'] },
    { text: '段落一。\n\n段落二比较长一些。', max: 12, expected: ['段落一。', '段落二比较长一些。'] },
    { text: '他说：“好。”然后走了。', max: 8, expected: ['他说：“好。”', '然后走了。'] },
    { text: '最高补助为5,000,000元整', max: 10, expected: ['最高补助为', '5,000,000元', '整'] },
    { text: '可获50万元奖励，另有五百万元', max: 9, expected: ['可获50万元奖励，', '另有五百万元'] },
    { text: '热线400-110-9001', max: 8, expected: ['热线', '400-110-', '9001'] },
  ])('$text at $max', ({ text, max, expected }) => {
    expect(splitBubbles(text, max)).toEqual(expected);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => splitBubbles('x', 0)).toThrow(RangeError);
  });

  // Text made of words, punctuation, whitespace, emoji and figures, remembering where each figure is.
  const WORD_CHARS = [...'企业设备投资补助政策按照给予奖励申报条件年度市财政最高不超过认定资质有效期'];
  const word = fc.array(fc.constantFrom(...WORD_CHARS), { minLength: 1, maxLength: 12 }).map((cs) => cs.join(''));
  const punctuation = fc.constantFrom('。', '，', '、', '；', '：', '！', '？', '“', '”', '（', '）', '\n', '\n\n', ' ', '😀', '𠀋');
  const figure = fc.oneof(
    fc.integer({ min: 0, max: 99_999_999 }).map((n) => n.toLocaleString('en-US')),
    fc.integer({ min: 1, max: 99_999 }).map((n) => `${n}万元`),
    fc.integer({ min: 1, max: 100 }).map((n) => `${n}%`),
    fc.integer({ min: 1_000, max: 9_999_999 }).map((n) => `${n.toLocaleString('en-US')} 元`),
    fc.constantFrom('五百万', '五百万元', '二百万元', '400-110-9001', '2024—2026', '12.5%', '09:00-17:00'),
  );
  type Piece = { text: string; figure: boolean };
  const piece: fc.Arbitrary<Piece[]> = fc.oneof(
    word.map((text) => [{ text, figure: false }]),
    punctuation.map((text) => [{ text, figure: false }]),
    // A figure is followed by a word, so two figures never run together into one.
    fc.tuple(figure, word).map(([f, w]) => [
      { text: f, figure: true },
      { text: w, figure: false },
    ]),
  );
  const document = fc.array(piece, { maxLength: 150 }).map((pieces) => {
    let text = '';
    const figures: [number, number][] = [];
    for (const p of pieces.flat()) {
      if (p.figure) figures.push([text.length, text.length + p.text.length]);
      text += p.text;
    }
    return { text, figures };
  });
  const size = fc.integer({ min: 40, max: 400 });

  /** Where each bubble sits in the text, checking that only whitespace lies between bubbles. */
  function locate(text: string, bubbles: string[]): [number, number][] {
    const spans: [number, number][] = [];
    let at = 0;
    for (const b of bubbles) {
      const found = text.indexOf(b, at);
      expect(found).toBeGreaterThanOrEqual(0);
      expect(text.slice(at, found).trim()).toBe('');
      spans.push([found, found + b.length]);
      at = found + b.length;
    }
    expect(text.slice(at).trim()).toBe('');
    return spans;
  }

  it('never makes a bubble over the limit, nor an empty or untrimmed one', () => {
    fc.assert(
      fc.property(document, size, ({ text }, max) => {
        for (const b of splitBubbles(text, max)) {
          expect(charLength(b)).toBeLessThanOrEqual(max);
          expect(b).toBe(b.trim());
          expect(b.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('preserves the text: the bubbles in order are the text, less whitespace between them', () => {
    fc.assert(
      fc.property(document, size, ({ text }, max) => {
        const bubbles = splitBubbles(text, max);
        locate(text, bubbles);
        expect(bubbles.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
      }),
      { numRuns: 300 },
    );
  });

  it('never splits a figure (5,000,000 / 50万元 / 10% / 五百万 …) across bubbles', () => {
    fc.assert(
      fc.property(document, size, ({ text, figures }, max) => {
        const spans = locate(text, splitBubbles(text, max));
        for (const [from, to] of figures) {
          expect(spans.some(([s, e]) => s <= from && to <= e)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
