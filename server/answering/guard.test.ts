import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openKnowledgeBase, type KnowledgeBase } from '../../knowledge/knowledge-base.js';
import { formatYuan } from '../../knowledge/text/money.js';
import { fixedDayClock } from '../clock.js';
import { createMemorySessionStore } from '../sessions/session-store.js';
import { createAdvisor, type Handlers, type ModelComposer } from './advisor.js';
import {
  amountsStated,
  ANSWER_LIMITS,
  answerFormOf,
  checkAnswerAmounts,
  checkAnswerForm,
  firstSentence,
  guardReply,
  headlineFigure,
  type AnswerForm,
  type GuardViolation,
} from './guard.js';
import { awardInfo } from './handlers/award-info.js';
import { calculate } from './handlers/calculate.js';
import type { Reply } from './handlers/context.js';
import { lookup } from './handlers/lookup.js';
import { overview } from './handlers/overview.js';

/**
 * The policy's own figures, from the text of the plan: 设备、软件投资补助 10% of the after-tax investment above
 * 100万元, capped at 200万元 (三（一）1); 创客中国 一二三等奖 5万/3万/1万 (三（一）3); 新认定小巨人 200万, 省级 50万
 * (三（七）19).
 */
const ITEM_1 = '市财政按照不超过设备、软件实际投资（税后超100万元）的10%给予补助，最高不超过200万元（与省财政设备、软件投资不重复补助）';
const ITEM_3 = '并对获奖的一、二、三等奖项目（一等奖2名、二等奖5名、三等奖9名），分别给予不超过5万元、3万元、1万元奖励';
const WAN = 10_000;

describe('guard — amountsStated: every amount an answer states, written however it is written', () => {
  it.each<[string, number[]]>([
    ['最高200万元', [200 * WAN]],
    ['最高贰佰万元', [200 * WAN]],
    ['最高两百万', [200 * WAN]],
    ['按3000000计', [3_000_000]],
    ['上限 2,000,000', [2_000_000]],
    ['约300个w', [300 * WAN]],
    ['1.2kw', [1_200 * WAN]],
    ['¥1,200', [1_200]],
    ['5万元、3万元、1万元', [5 * WAN, 3 * WAN, WAN]],
    ['100-200万元', [100 * WAN, 200 * WAN]],
    ['15,000,000 × 10% = 1,500,000（上限 2,000,000）', [15_000_000, 1_500_000, 2_000_000]],
  ])('%s → %j', (text, yuan) => {
    expect(amountsStated(text).map((m) => m.yuan)).toEqual(yuan);
  });

  it.each([
    '有效期至2026年12月31日',
    '2024—2026年',
    '一等奖2名',
    '到2026年底达到150家',
    '第19条',
    '还剩213天',
    '请拨打 400-110-9001',
    '咨询电话 0371-67188888',
    '（0371）-12345678',
  ])('“%s” states no amount', (text) => {
    expect(amountsStated(text)).toEqual([]);
  });
});

describe('guard — checkAnswerAmounts: an amount not from the calculator, a cited clause or the user is a violation', () => {
  const evidence = { calculatorYuan: [500_000], citedClauseTexts: [ITEM_1], userStatedYuan: [5_000_000] };

  it.each([
    ['可申请最高50万元', 'the calculator’s result'],
    ['最高200万元，门槛为税后超100万元', 'the cited clause’s cap and threshold'],
    ['按您说的500万元计算', 'the user’s own figure'],
    ['按您说的5,000,000元计算', 'the user’s figure with digit grouping'],
    ['最高贰佰万元', 'the clause’s cap in financial numerals'],
    ['比例为10%', 'the clause’s percentage'],
  ])('allows “%s” (%s)', (answer) => {
    expect(checkAnswerAmounts(answer, evidence)).toEqual([]);
  });

  it.each<[string, GuardViolation[]]>([
    ['可申请最高80万元', [{ kind: 'amount', value: 800_000, text: '80万元' }]],
    ['最高300万元', [{ kind: 'amount', value: 3_000_000, text: '300万元' }]],
    ['最高叁佰万元', [{ kind: 'amount', value: 3_000_000, text: '叁佰万元' }]],
    ['按2500000计', [{ kind: 'amount', value: 2_500_000, text: '2500000' }]],
    ['按20%补助', [{ kind: 'percent', value: 20, text: '20%' }]],
  ])('rejects “%s”', (answer, violations) => {
    expect(checkAnswerAmounts(answer, evidence)).toEqual(violations);
  });

  it('a percentage in words is allowed only as the very words of a cited clause', () => {
    expect(checkAnswerAmounts('按百分之二十补助', evidence)).toEqual([{ kind: 'percent', value: Number.NaN, text: '百分之二十' }]);
    expect(checkAnswerAmounts('按百分之二十补助', { ...evidence, citedClauseTexts: ['给予不超过百分之二十的补助'] })).toEqual([]);
  });

  it('a rate the user stated of the company may be repeated back, in digits or words, and no other', () => {
    const stated = { ...evidence, userStatedPercents: [85] };
    expect(checkAnswerAmounts('入驻率：85%（您说“百分之八十五”）', stated)).toEqual([]);
    expect(checkAnswerAmounts('入驻率：百分之九十', stated)).toEqual([{ kind: 'percent', value: Number.NaN, text: '百分之九十' }]);
    expect(checkAnswerAmounts('入驻率：85%', evidence)).toEqual([{ kind: 'percent', value: 85, text: '85%' }]);
  });

  it('an amount is allowed by its evidence and by nothing else: without the clause its cap is a violation', () => {
    expect(checkAnswerAmounts('最高200万元', { calculatorYuan: [], citedClauseTexts: [], userStatedYuan: [] })).toEqual([
      { kind: 'amount', value: 2_000_000, text: '200万元' },
    ]);
    expect(checkAnswerAmounts('二等奖最高3万元', { calculatorYuan: [], citedClauseTexts: [ITEM_3], userStatedYuan: [] })).toEqual([]);
    expect(checkAnswerAmounts('二等奖最高4万元', { calculatorYuan: [], citedClauseTexts: [ITEM_3], userStatedYuan: [] })).toHaveLength(1);
  });
});

describe('guard — guardReply: a composed answer against its own calculations and citations', () => {
  const answer = {
    calculations: [{ amountYuan: 500_000, formula: '5,000,000 × 10% = 500,000（上限 2,000,000）' }],
    totalYuan: 500_000,
    citations: [{ quote: ITEM_1 }],
  };

  it.each([
    '可申请设备、软件投资补助，最高50万元（500万元×10%，上限200万元）。',
    '计算：5,000,000 × 10% = 500,000（上限 2,000,000）',
    '合计最高50万元。',
  ])('allows “%s”', (text) => {
    expect(guardReply(text, answer, [5_000_000])).toEqual([]);
  });

  it.each<[string, number | undefined]>([
    ['可申请设备、软件投资补助，最高55万元。', 550_000],
    ['5,000,000 × 12% = 600,000', 600_000],
    ['合计最高250万元', 2_500_000],
  ])('rejects “%s”', (text, value) => {
    const violations = guardReply(text, answer, [5_000_000]);
    expect(violations.length).toBeGreaterThan(0);
    if (value !== undefined) expect(violations.map((v) => v.value)).toContain(value);
  });

  it('rejects a percentage in neither the formula nor a cited clause', () => {
    expect(guardReply('按15%补助', answer, [])).toEqual([{ kind: 'percent', value: 15, text: '15%' }]);
  });
});

describe('guard — through the advisor: a template answer with a wrong amount never reaches the user', () => {
  let knowledge: KnowledgeBase;
  beforeAll(async () => {
    knowledge = await openKnowledgeBase({ distDir: mkdtempSync(path.join(tmpdir(), 'guard-kb-')) });
  });
  const HOTLINE = '400-000-1234';

  /** An advisor whose handlers are replaced, counting the guard's reports as the service's metrics do. */
  function advisorWith(handlers: Partial<Handlers>) {
    const reports: { violations: GuardViolation[]; question: string; composer: string }[] = [];
    const advisor = createAdvisor({
      knowledge,
      sessions: createMemorySessionStore({ max: 100, ttlMs: 60_000 }),
      hotline: HOTLINE,
      clock: fixedDayClock('2026-06-01'),
      handlers,
      events: { onGuardViolation: (violations, question, composer) => reports.push({ violations, question, composer }) },
    });
    return { advisor, reports };
  }

  /** Replaces the amount the real handler stated with another, as a broken template would. */
  const restate = (reply: Reply, right: number, wrong: number, where: 'answer' | 'details' = 'answer'): Reply => {
    const text = reply[where];
    expect(text, `the real ${where} states ${formatYuan(right)}`).toContain(formatYuan(right));
    return { ...reply, [where]: text.replaceAll(formatYuan(right), formatYuan(wrong)) };
  };

  // Right amounts derived from the plan: 500万 × 10% = 50万; the equipment cap 200万; the 小巨人 award 200万;
  // 创客中国 二等奖 3万. Each wrong amount is in no cited clause and was not said by the user.
  const cases: { name: string; question: string; handlers: Partial<Handlers>; wrong: number }[] = [
    {
      name: 'a calculation stating 88万 instead of 10% × 500万 = 50万',
      question: '我们是省级专精特新，设备投了500万，能补多少',
      handlers: { calculate: (ctx) => restate(calculate(ctx), 50 * WAN, 88 * WAN) },
      wrong: 88 * WAN,
    },
    {
      name: 'a calculation whose details alone state a wrong result',
      question: '我们是省级专精特新，设备投了500万，能补多少',
      handlers: {
        calculate: (ctx) => {
          const reply = calculate(ctx);
          return { ...reply, details: reply.details.replace('= 500,000', '= 650,000') };
        },
      },
      wrong: 650_000,
    },
    {
      name: 'the equipment cap stated as 300万 instead of 200万',
      question: '设备补助最高多少',
      handlers: { 'award-info': (ctx) => restate(awardInfo(ctx), 200 * WAN, 300 * WAN) },
      wrong: 300 * WAN,
    },
    {
      name: 'the 创客中国 二等奖 stated as 4万 instead of 3万',
      question: '我们在创客中国郑州分赛拿了二等奖，能奖多少',
      handlers: { calculate: (ctx) => restate(calculate(ctx), 3 * WAN, 4 * WAN) },
      wrong: 4 * WAN,
    },
    {
      name: 'an overview listing the 小巨人 award as 260万',
      question: '我们能申请哪些补贴',
      handlers: { overview: (ctx) => restate(overview(ctx), 200 * WAN, 260 * WAN) },
      wrong: 260 * WAN,
    },
    {
      // The user put 300万 to the advisor as the policy's figure: a claim, not evidence for the answer to repeat.
      name: 'an answer repeating a rumour’s figure as the policy’s',
      question: '听说设备补助最高能给300万，是吗',
      handlers: { 'award-info': (ctx) => restate(awardInfo(ctx), 200 * WAN, 300 * WAN) },
      wrong: 300 * WAN,
    },
    {
      name: 'a look-up adding a figure of its own',
      question: '第19条讲什么',
      handlers: {
        lookup: async (ctx, intent) => {
          const reply = await lookup(ctx, intent.name === 'lookup' ? { topicClauses: intent.topicClauses === true } : {});
          return { ...reply, answer: `${reply.answer}另有配套资金${formatYuan(120 * WAN)}。` };
        },
      },
      wrong: 120 * WAN,
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { advisor, reports } = advisorWith(c.handlers);
    const answer = await advisor.ask({ question: c.question });
    // Turned into a safe answer: no amount, no calculation, the hotline.
    expect(answer.kind).toBe('out_of_scope');
    expect(answer.meta.intent).toMatch(/:guarded$/);
    expect(answer.calculations).toEqual([]);
    expect(answer.totalYuan).toBeUndefined();
    expect(answer.details).toBe('');
    expect(answer.answer).toContain(HOTLINE);
    expect(amountsStated(answer.answer)).toEqual([]);
    // Reported in meta and counted once, as a template's violation.
    expect(answer.meta.guardViolations.map((v) => v.value)).toContain(c.wrong);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ question: c.question, composer: 'template' });
    expect(reports[0]!.violations.map((v) => v.value)).toContain(c.wrong);
  });

  it('a wrong percentage in a template is caught the same way', async () => {
    const { advisor, reports } = advisorWith({
      'award-info': (ctx) => {
        const reply = awardInfo(ctx);
        expect(reply.answer).toContain('10%');
        return { ...reply, answer: reply.answer.replace('10%', '15%') };
      },
    });
    const answer = await advisor.ask({ question: '设备补贴比例是多少' });
    expect(answer.kind).toBe('out_of_scope');
    expect(answer.meta.guardViolations).toContainEqual({ kind: 'percent', value: 15, text: '15%' });
    expect(reports).toHaveLength(1);
  });

  it('the same handlers unchanged pass the guard: the amounts the calculator gives reach the user', async () => {
    const { advisor, reports } = advisorWith({ calculate: (ctx) => calculate(ctx), 'award-info': (ctx) => awardInfo(ctx) });
    const calculated = await advisor.ask({ question: '我们是省级专精特新，设备投了500万，能补多少' });
    expect(calculated.kind).toBe('calculation');
    expect(calculated.meta.guardViolations).toEqual([]);
    expect(calculated.calculations.map((c) => c.amountYuan)).toEqual([50 * WAN]);
    expect(calculated.answer).toContain(formatYuan(50 * WAN));
    const info = await advisor.ask({ question: '设备补助最高多少' });
    // A general question carries the policy's cap as a result still to be checked against the company.
    expect(info.kind).toBe('calculation');
    expect(info.calculations.map((c) => [c.status, c.amountYuan])).toEqual([['needs-facts', 200 * WAN]]);
    expect(info.answer).toContain(formatYuan(200 * WAN));
    expect(reports).toEqual([]);
  });

  it('a guarded conversation goes on: the next turn is answered from the same facts', async () => {
    let broken = true;
    const { advisor } = advisorWith({
      calculate: (ctx) => (broken ? restate(calculate(ctx), 50 * WAN, 88 * WAN) : calculate(ctx)),
    });
    const first = await advisor.ask({ question: '我们是省级专精特新，设备投了500万，能补多少', sessionId: 'guarded' });
    expect(first.kind).toBe('out_of_scope');
    broken = false;
    const second = await advisor.ask({ question: '能补多少', sessionId: 'guarded' });
    expect(second.calculations.map((c) => c.amountYuan)).toEqual([50 * WAN]);
  });
});

describe('guard — the form of a rephrased answer: short for its kind, the figure in the first sentence', () => {
  const eligible = (amountYuan: number) => ({ amountYuan, eligible: true });

  it.each<[string, string]>([
    [
      '可申请设备、软件投资补助，最高50万元（500万元×10%，上限200万元）。前提是资质在有效期内。',
      '可申请设备、软件投资补助，最高50万元（500万元×10%，上限200万元）。',
    ],
    ['他说：“最高50万元。”然后挂了电话。', '他说：“最高50万元。”'],
    ['您说的是哪一项？省级还是国家级', '您说的是哪一项？'],
    ['设备、软件投资补助：最高200万元\n条件：税后投资超100万元', '设备、软件投资补助：最高200万元'],
    ['没有句号的一句话', '没有句号的一句话'],
  ])('firstSentence(%j) → %j', (text, first) => {
    expect(firstSentence(text)).toBe(first);
  });

  it.each<[string, Parameters<typeof answerFormOf>[0], string, AnswerForm | undefined]>([
    ['a calculation of one award', { kind: 'calculation', calculations: [eligible(500_000)] }, 'calculate', 'calculation'],
    [
      'a calculation of two awards',
      { kind: 'calculation', calculations: [eligible(500_000), eligible(2_000_000)] },
      'calculate',
      'overview',
    ],
    ['the list of every award, asked of the company', { kind: 'clarify', calculations: [] }, 'overview', 'overview'],
    ['a look-up', { kind: 'lookup', calculations: [] }, 'lookup', 'lookup'],
    ['a clarifying question', { kind: 'clarify', calculations: [] }, 'calculate', 'clarify'],
    ['a decline', { kind: 'out_of_scope', calculations: [] }, 'out-of-scope', undefined],
    ['small talk', { kind: 'smalltalk', calculations: [] }, 'smalltalk', undefined],
  ])('answerFormOf: %s', (_name, answer, intent, form) => {
    expect(answerFormOf(answer, intent)).toBe(form);
  });

  it('pins the limits of the issue: calculation 150, look-up 200, overview 350, clarification 120', () => {
    expect(ANSWER_LIMITS).toEqual({ calculation: 150, lookup: 200, overview: 350, clarify: 120 });
  });

  it.each<[string, string, number[], number[], number | undefined]>([
    ['the result after the user’s own figure', '按您投资500万元计算，最高50万元。', [500_000], [5_000_000], 500_000],
    ['a result equal to what the user said', '最高200万元。', [2_000_000], [2_000_000], 2_000_000],
    ['a cap quoted from a clause', '设备、软件投资补助：按投资额的10%，最高200万元（须超过100万元）。', [], [], 2_000_000],
    ['a figure in the second sentence only', '还需要了解贵企业的资质等级。最高200万元。', [], [], undefined],
  ])('headlineFigure: %s', (_name, answer, results, stated, figure) => {
    expect(headlineFigure({ answer, calculations: results.map(eligible) }, stated)).toBe(figure);
  });

  const original = {
    kind: 'calculation' as const,
    answer: '可申请设备、软件投资补助，最高50万元（500万元×10%，上限200万元）。前提是资质在有效期内，如不符请告诉我。',
    calculations: [{ ...eligible(500_000) }],
  };
  const context = { intent: 'calculate', statedAmountsYuan: [5_000_000] };
  const lead = '可以申请设备、软件投资补助，最高50万元。';

  it.each<[string, string, GuardViolation['kind'][]]>([
    ['the figure first, short', `${lead}前提是资质在有效期内。`, []],
    ['the figure written in yuan', '最高可获500,000元设备、软件投资补助。资质须在有效期内。', []],
    ['exactly at the limit', lead + '。'.repeat(ANSWER_LIMITS.calculation - [...lead].length), []],
    ['one character over the limit', lead + '。'.repeat(ANSWER_LIMITS.calculation - [...lead].length + 1), ['length']],
    ['the figure moved to the second sentence', '贵企业符合设备、软件投资补助的条件。最高50万元。', ['first-sentence']],
    ['only the user’s figure in the first sentence', '按您500万元的投资计算。最高可补50万元。', ['first-sentence']],
    [
      'the whole formula and every condition',
      `${lead}\n计算：5,000,000 × 10% = 500,000（上限 2,000,000）\n${'条件核对：✓ 资质在有效期内；'.repeat(8)}`,
      ['length'],
    ],
    ['both: long, and the figure dropped', `您的情况符合条件。${'说明'.repeat(80)}最高50万元。`, ['length', 'first-sentence']],
  ])('checkAnswerForm: %s → %j', (_name, text, kinds) => {
    expect(checkAnswerForm(text, original, context).map((v) => v.kind)).toEqual(kinds);
  });

  it('reports the length and the figure it missed', () => {
    expect(checkAnswerForm(`您的情况符合条件。${'说明'.repeat(80)}`, original, context)).toEqual([
      { kind: 'length', value: 169, text: 'calculation 169/150' },
      { kind: 'first-sentence', value: 500_000, text: '您的情况符合条件。' },
    ]);
  });

  it('asks nothing of the first sentence when the original led with no figure, and measures a clarification at 120', () => {
    const clarify = { kind: 'clarify' as const, answer: '要测算设备、软件投资补助，还需要了解贵企业的资质等级。', calculations: [] };
    expect(checkAnswerForm('请问贵企业是省级还是国家级专精特新？', clarify, { intent: 'calculate', statedAmountsYuan: [] })).toEqual([]);
    expect(checkAnswerForm('请'.repeat(121), clarify, { intent: 'calculate', statedAmountsYuan: [] }).map((v) => v.kind)).toEqual([
      'length',
    ]);
  });
});

describe('guard — through the advisor: a model answer out of form is not sent, the embedded answer is', () => {
  let knowledge: KnowledgeBase;
  beforeAll(async () => {
    knowledge = await openKnowledgeBase({ distDir: mkdtempSync(path.join(tmpdir(), 'guard-form-kb-')) });
  });
  const QUESTION = '我们是省级专精特新，设备投了500万，能补多少';

  async function askWithModel(reply: (embedded: string) => string) {
    const reports: { violations: GuardViolation[]; composer: string }[] = [];
    const composer: ModelComposer = { model: 'stub', compose: async (input) => reply(input.embeddedAnswer) };
    const advisor = createAdvisor({
      knowledge,
      sessions: createMemorySessionStore({ max: 100, ttlMs: 60_000 }),
      hotline: '400-000-1234',
      clock: fixedDayClock('2026-06-01'),
      composer,
      events: { onGuardViolation: (violations, _question, by) => reports.push({ violations, composer: by }) },
    });
    return { answer: await advisor.ask({ question: QUESTION }), reports };
  }

  it('sends a model answer that keeps the figure first and the length of its kind', async () => {
    const text = '可以申请设备、软件投资补助，最高50万元。前提是资质在有效期内、这笔投资没拿过省级同类补助。';
    const { answer, reports } = await askWithModel(() => text);
    expect(answer.meta.composer).toBe('model');
    expect(answer.answer).toBe(text);
    expect(reports).toEqual([]);
  });

  it.each<[string, (embedded: string) => string, GuardViolation['kind']]>([
    ['an answer over 150 characters', (embedded) => `${embedded}\n${'以上金额为政策上限，实际以主管部门审核为准。'.repeat(6)}`, 'length'],
    [
      'an answer that leads with something other than the figure',
      () => '贵企业符合设备、软件投资补助的条件。最高50万元。',
      'first-sentence',
    ],
  ])('keeps the embedded answer instead of %s', async (_name, reply, kind) => {
    const { answer, reports } = await askWithModel(reply);
    expect(answer.meta.composer).toBe('template');
    expect(answer.kind).toBe('calculation');
    expect(firstSentence(answer.answer)).toContain(formatYuan(50 * WAN));
    expect(answer.meta.guardViolations.map((v) => v.kind)).toEqual([kind]);
    expect(reports).toEqual([{ violations: answer.meta.guardViolations, composer: 'model' }]);
  });
});
