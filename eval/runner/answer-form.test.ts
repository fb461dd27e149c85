import { describe, expect, it } from 'vitest';
import { loadBotConfig } from '../../bot/wechaty/config.js';
import { BOT_BUBBLE_MAX_CHARS, botBubbles, firstSentenceCheck } from './answer-form.js';
import { answer, calculation, citation, goldenCase, ITEM1, record } from './fixtures.js';
import { computeAnswerForm, evaluateAnswerFormTargets } from './metrics.js';

describe('firstSentenceCheck', () => {
  it.each<[string, string, boolean]>([
    ['the amount in the first sentence', '可申请设备、软件投资补助，最高50万元（500万元×10%）。前提是资质有效。', true],
    ['the amount written in yuan', '最高可获500,000元补助。', true],
    ['the amount only in the second sentence', '您符合设备、软件投资补助的条件。最高50万元。', false],
    ['the amount only on the next line', '您符合条件：\n最高50万元。', false],
  ])('an amount case: %s', (_name, text, held) => {
    expect(firstSentenceCheck({ amounts: [500_000] }, text)).toEqual({ measure: 'amount', held, sentence: expect.any(String) });
  });

  it('asks every expected amount of the first sentence', () => {
    expect(firstSentenceCheck({ amounts: [500_000, 30_000] }, '合计最高53万元：设备补助50万元。创客中国3万元。')?.held).toBe(false);
    expect(firstSentenceCheck({ amounts: [500_000, 30_000] }, '可申请2项：设备补助50万元、创客中国3万元。')?.held).toBe(true);
  });

  it('asks one expected keyword of the first sentence when no amount is expected', () => {
    const expect_ = { containsAny: ['市工信局', '工信'], containsAll: ['责任单位'] };
    expect(firstSentenceCheck(expect_, '责任单位是市工信局。另见第8条。')).toEqual({
      measure: 'keyword',
      held: true,
      sentence: '责任单位是市工信局。',
    });
    expect(firstSentenceCheck(expect_, '见第8条。责任单位是市工信局。')?.held).toBe(false);
  });

  it('measures nothing for a case expecting neither, and counts no answer as a miss', () => {
    expect(firstSentenceCheck({ kind: 'out_of_scope' }, '抱歉。')).toBeUndefined();
    expect(firstSentenceCheck({ amounts: [500_000] }, undefined)).toEqual({ measure: 'amount', held: false, sentence: '' });
  });
});

describe('botBubbles: the bot’s own formatting at its own default size', () => {
  it('uses the bot’s default bubble size', () => {
    expect(BOT_BUBBLE_MAX_CHARS).toBe(loadBotConfig({}, {}).bubbleMaxChars);
    expect(BOT_BUBBLE_MAX_CHARS).toBe(300);
  });

  it('counts one bubble for a short answer with its "回复 1" offer, more for a long one', () => {
    const short = answer({ kind: 'calculation', answer: '可申请设备、软件投资补助，最高50万元。', citations: [citation('item-1', ITEM1)] });
    expect(botBubbles(short)).toBe(1);
    const long = answer({ kind: 'lookup', answer: `${'设备补助按投资额的10%计算。'.repeat(25)}`, citations: [] });
    expect(botBubbles(long)).toBeGreaterThan(1);
  });

  it('counts the offer line that tips an answer over the size', () => {
    const text = '甲'.repeat(295);
    expect(botBubbles(answer({ kind: 'lookup', answer: text }))).toBe(1);
    expect(botBubbles(answer({ kind: 'lookup', answer: text, citations: [citation('item-1', ITEM1)] }))).toBe(2);
  });
});

describe('答复形式 metrics and targets', () => {
  const amountCase = goldenCase({ id: 'eq', expect: { kind: 'calculation', amounts: [500_000] } });
  const keywordCase = goldenCase({ id: 'lp', category: 'lookup-plan', expect: { containsAny: ['市工信局'] } });
  const calc = (text: string) => answer({ kind: 'calculation', answer: text, calculations: [calculation(500_000)] });

  it('shares the first-sentence hits by measure, lengths by kind, and one-bubble replies', () => {
    const form = computeAnswerForm([
      record(amountCase, calc('最高50万元。')),
      record(amountCase, calc('符合条件。最高50万元。')),
      record(keywordCase, answer({ kind: 'lookup', answer: '责任单位是市工信局。' })),
      record(goldenCase({ id: 'x', expect: { kind: 'smalltalk' } }), answer({ kind: 'smalltalk', answer: '您好！'.repeat(101) })),
      record(amountCase, undefined, { error: 'HTTP 500' }),
    ]);
    expect(form.firstSentenceAmount).toEqual({ num: 1, den: 3, rate: 1 / 3 });
    expect(form.firstSentenceKeyword).toEqual({ num: 1, den: 1, rate: 1 });
    expect(form.firstSentence).toEqual({ num: 2, den: 4, rate: 0.5 });
    expect(form.lengthByKind).toEqual({
      calculation: { n: 2, median: 7, p95: 12, max: 12 },
      lookup: { n: 1, median: 10, p95: 10, max: 10 },
      smalltalk: { n: 1, median: 303, p95: 303, max: 303 },
    });
    expect(form.oneBubble).toEqual({ num: 3, den: 4, rate: 0.75 });
    expect(form.bubbleMaxChars).toBe(300);
  });

  it('holds the targets: 95% first sentence, calculation median 120 and p95 200, 90% in one bubble', () => {
    const records = (firstHits: number, misses: number, length: number) => [
      ...Array.from({ length: firstHits }, () => record(amountCase, calc(`最高50万元。${'说'.repeat(length - 7)}`))),
      ...Array.from({ length: misses }, () => record(amountCase, calc(`符合条件。最高50万元。${'说'.repeat(length - 12)}`))),
    ];
    const passes = (form: ReturnType<typeof computeAnswerForm>) =>
      Object.fromEntries(evaluateAnswerFormTargets(form).map((t) => [t.id, t.pass]));
    expect(passes(computeAnswerForm(records(19, 1, 120)))).toEqual({
      'first-sentence-amount': true,
      'calculation-median-chars': true,
      'calculation-p95-chars': true,
      'one-bubble': true,
    });
    expect(passes(computeAnswerForm(records(18, 2, 121)))).toMatchObject({
      'first-sentence-amount': false,
      'calculation-median-chars': false,
    });
    expect(passes(computeAnswerForm(records(20, 0, 201)))).toMatchObject({ 'calculation-p95-chars': false });
    expect(passes(computeAnswerForm(records(20, 0, 301)))).toMatchObject({ 'one-bubble': false });
    expect(passes(computeAnswerForm([]))).toEqual({
      'first-sentence-amount': null,
      'calculation-median-chars': null,
      'calculation-p95-chars': null,
      'one-bubble': null,
    });
  });
});
