import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeCalculatorInputs, evaluateRules, matchPolicies, percentOfFloor, type RuleResult } from './engine.js';
import type { FactInput } from './facts.js';
import { loadRuleSets, parseRuleSet } from '../../knowledge/rules/load-rules.js';
import { baseFolder, DEFAULT_BASE_DIR } from '../../knowledge/base-folder.js';

const TEST_RULES_DIR = baseFolder(DEFAULT_BASE_DIR).rulesDir;

const [plan] = loadRuleSets(TEST_RULES_DIR);
if (!plan) throw new Error('knowledge/rules has no rule set');

const AS_OF = '2025-06-30';
const EQUIPMENT = 'equipment-software-subsidy';
const CONTEST = 'maker-china-contest-prize';
const NATIONAL = 'new-national-little-giant-award';
const PROVINCIAL = 'new-provincial-srdi-award';
const CLUSTER = 'sme-industrial-cluster-award';

/** A provincial company whose equipment investment is the only thing that varies. */
const equipmentFacts = (investmentYuan: unknown, extra: FactInput = {}): FactInput => ({
  level: 'provincial',
  statusValid: true,
  investmentYuan,
  provincialEquipmentSubsidyReceived: false,
  ...extra,
});

function evaluate(facts: FactInput, asOf = AS_OF) {
  return evaluateRules(plan!, facts, { asOf });
}

function result(facts: FactInput, ruleId: string, asOf = AS_OF): RuleResult {
  const found = evaluate(facts, asOf).results.find((r) => r.ruleId === ruleId);
  if (!found) throw new Error(`no result for ${ruleId}`);
  return found;
}

describe('设备、软件投资补助 (三（一）1)', () => {
  it.each([
    [5_000_000, 500_000, '5,000,000 × 10% = 500,000（上限 2,000,000）'],
    [30_000_000, 2_000_000, '30,000,000 × 10% 超过上限，按上限 2,000,000 计'],
    [20_000_000, 2_000_000, '20,000,000 × 10% = 2,000,000（上限 2,000,000）'],
    [1_500_000, 150_000, '1,500,000 × 10% = 150,000（上限 2,000,000）'],
    [1_000_001, 100_000, '1,000,001 × 10% = 100,000（上限 2,000,000）'],
    [1_000_009, 100_000, '1,000,009 × 10% = 100,000（上限 2,000,000）'],
  ])('investment %d → %d', (investment, amount, formula) => {
    const r = result(equipmentFacts(investment), EQUIPMENT);
    expect(r).toMatchObject({
      status: 'eligible',
      eligible: true,
      amountYuan: amount,
      formula,
      citation: { docId: 'zhengzhou-srdi-2024', clauseId: 'item-1' },
      missingFacts: [],
    });
    expect(r.assumptions.some((a) => a.includes('按元取整'))).toBe(true);
    expect(r.conditions.every((c) => c.met === true)).toBe(true);
  });

  it('reads the investment from the words a user types', () => {
    expect(result(equipmentFacts('五百万'), EQUIPMENT).amountYuan).toBe(500_000);
    expect(result(equipmentFacts('0.3亿'), EQUIPMENT).amountYuan).toBe(2_000_000);
    expect(result(equipmentFacts('1,500,000元'), EQUIPMENT).amountYuan).toBe(150_000);
    expect(result(equipmentFacts('300w'), EQUIPMENT).amountYuan).toBe(300_000);
    expect(result(equipmentFacts(5_000_000, { level: '国家级', statusValid: '是' }), EQUIPMENT).amountYuan).toBe(500_000);
  });

  it('800,000 is below the threshold', () => {
    const r = result(equipmentFacts(800_000), EQUIPMENT);
    expect(r).toMatchObject({ status: 'ineligible', eligible: false, amountYuan: 0 });
    expect(r.reasons.join()).toContain('超过100万元');
    expect(r.conditions.find((c) => c.factId === 'investmentYuan')?.met).toBe(false);
  });

  it('exactly 1,000,000 is not eligible, and says that 超 is read as "more than"', () => {
    const r = result(equipmentFacts(1_000_000), EQUIPMENT);
    expect(r).toMatchObject({ status: 'ineligible', eligible: false, amountYuan: 0 });
    expect(r.assumptions.some((a) => a.includes('“超”按严格大于理解') && a.includes('恰好100万元'))).toBe(true);
    // The boundary note belongs to the boundary only.
    expect(result(equipmentFacts(1_000_001), EQUIPMENT).assumptions.join()).not.toContain('严格大于');
  });

  it('a 创新型 company is not eligible (level)', () => {
    const r = result(equipmentFacts(5_000_000, { level: 'innovative' }), EQUIPMENT);
    expect(r).toMatchObject({ status: 'ineligible', eligible: false, amountYuan: 0 });
    expect(r.reasons.join()).toContain('创新型中小企业');
    expect(result(equipmentFacts(5_000_000, { level: 'none' }), EQUIPMENT).status).toBe('ineligible');
  });

  it('an investment that already received the provincial subsidy is not eligible (不重复补助)', () => {
    const r = result(equipmentFacts(5_000_000, { provincialEquipmentSubsidyReceived: true }), EQUIPMENT);
    expect(r).toMatchObject({ status: 'ineligible', eligible: false, amountYuan: 0 });
    expect(r.reasons.join()).toContain('不重复补助');
    expect(r.conditions.find((c) => c.role === 'non-duplication')?.met).toBe(false);
  });

  it('a status whose validity has lapsed is not eligible', () => {
    const r = result(equipmentFacts(5_000_000, { statusValid: false }), EQUIPMENT);
    expect(r).toMatchObject({ status: 'ineligible', amountYuan: 0 });
    expect(r.reasons.join()).toContain('有效期');
  });

  it('an unknown validity becomes a follow-up question, not a silent yes', () => {
    const report = evaluate(equipmentFacts(5_000_000, { statusValid: undefined }));
    const r = report.results.find((x) => x.ruleId === EQUIPMENT)!;
    expect(r).toMatchObject({ status: 'needs-facts', amountYuan: 0, missingFacts: ['statusValid'] });
    expect(report.followUpQuestions[0]).toMatchObject({ factId: 'statusValid', ruleIds: [EQUIPMENT] });
  });
});

describe('新认定奖励 (三（七）19, 从高、不重复)', () => {
  it('same-year provincial + national recognition → 2,000,000, not 2,500,000', () => {
    const report = evaluate({ level: 'national', nationalRecognitionYear: 2025, provincialRecognitionYear: 2025 });
    const national = report.results.find((r) => r.ruleId === NATIONAL)!;
    const provincial = report.results.find((r) => r.ruleId === PROVINCIAL)!;
    expect(national).toMatchObject({ status: 'eligible', amountYuan: 2_000_000 });
    expect(provincial).toMatchObject({ status: 'ineligible', eligible: false, amountYuan: 0, supersededBy: NATIONAL });
    expect(provincial.reasons.join()).toContain('从高、不重复');
    expect(report.totalYuan).toBe(2_000_000);
  });

  it('recognitions in different years each count, and the reading is surfaced as an assumption', () => {
    const report = evaluate({ level: 'national', nationalRecognitionYear: 2026, provincialRecognitionYear: 2025 }, '2026-10-01');
    const national = report.results.find((r) => r.ruleId === NATIONAL)!;
    const provincial = report.results.find((r) => r.ruleId === PROVINCIAL)!;
    expect(national).toMatchObject({ status: 'eligible', amountYuan: 2_000_000 });
    expect(provincial).toMatchObject({ status: 'eligible', amountYuan: 500_000 });
    for (const r of [national, provincial]) {
      expect(r.assumptions.some((a) => a.includes('不同年度') && a.includes('2025年') && a.includes('2026年'))).toBe(true);
    }
    expect(report.totalYuan).toBe(2_500_000);
  });

  it('provincial only → 500,000, with the exclusivity caveat while the national year is unknown', () => {
    const r = result({ level: 'provincial', provincialRecognitionYear: 2025 }, PROVINCIAL);
    expect(r).toMatchObject({ status: 'eligible', amountYuan: 500_000, citation: { clauseId: 'item-19' } });
    expect(result({ level: 'provincial', provincialRecognitionYear: 2025 }, NATIONAL).status).toBe('ineligible');
  });

  it('a national company of unknown provincial year: national counts, provincial is asked, caveat given', () => {
    const report = evaluate({ level: 'national', nationalRecognitionYear: 2025 });
    const national = report.results.find((r) => r.ruleId === NATIONAL)!;
    expect(national.amountYuan).toBe(2_000_000);
    expect(national.assumptions.some((a) => a.includes('如同一年度还符合'))).toBe(true);
    expect(report.results.find((r) => r.ruleId === PROVINCIAL)?.missingFacts).toEqual(['provincialRecognitionYear']);
  });

  it('a recognition before the plan, or in a year not yet reached, is not 新认定 under it', () => {
    expect(result({ level: 'provincial', provincialRecognitionYear: 2023 }, PROVINCIAL).status).toBe('ineligible');
    const future = result({ level: 'provincial', provincialRecognitionYear: 2026 }, PROVINCIAL, '2025-03-01');
    expect(future.status).toBe('ineligible');
    expect(future.conditions.find((c) => c.factId === 'provincialRecognitionYear')?.detail).toContain('不晚于');
  });
});

describe('“创客中国”郑州市分赛 (三（一）3) and 特色产业集群 (三（七）20)', () => {
  it.each([
    ['first', 50_000, '一等奖（共2名）：不超过 50,000'],
    ['second', 30_000, '二等奖（共5名）：不超过 30,000'],
    ['third', 10_000, '三等奖（共9名）：不超过 10,000'],
    ['一等奖', 50_000, '一等奖（共2名）：不超过 50,000'],
  ])('prize %s → %d', (prize, amount, formula) => {
    expect(result({ contestPrize: prize }, CONTEST)).toMatchObject({
      status: 'eligible',
      amountYuan: amount,
      formula,
      citation: { docId: 'zhengzhou-srdi-2024', clauseId: 'item-3' },
    });
  });

  it('no prize → not eligible', () => {
    expect(result({ contestPrize: 'none' }, CONTEST)).toMatchObject({ status: 'ineligible', amountYuan: 0 });
  });

  it.each([
    ['national', 1_000_000],
    ['provincial', 500_000],
  ])('cluster %s → %d', (level, amount) => {
    expect(result({ clusterLevel: level, clusterApplicant: true }, CLUSTER)).toMatchObject({
      status: 'eligible',
      amountYuan: amount,
      citation: { clauseId: 'item-20' },
    });
  });

  it('no cluster → not eligible', () => {
    expect(result({ clusterLevel: 'none' }, CLUSTER).status).toBe('ineligible');
  });
});

describe('validity of the plan', () => {
  const everything: FactInput = {
    ...equipmentFacts(5_000_000),
    provincialRecognitionYear: 2025,
    contestPrize: 'first',
    clusterLevel: 'national',
    clusterApplicant: true,
  };

  it('evaluated on 2027-01-15 → expired, no amount', () => {
    const report = evaluate(everything, '2027-01-15');
    expect(report.expired).toBe(true);
    expect(report.totalYuan).toBe(0);
    expect(report.followUpQuestions).toEqual([]);
    for (const r of report.results) {
      expect(r).toMatchObject({ status: 'expired', eligible: false, amountYuan: 0 });
      expect(r.reasons.join()).toContain('2026-12-31');
    }
    expect(report.notes.join()).toContain('已过期');
  });

  it('the last day of validity still counts', () => {
    const report = evaluate(everything, '2026-12-31');
    expect(report.expired).toBe(false);
    expect(report.totalYuan).toBe(500_000 + 500_000 + 50_000 + 1_000_000);
  });

  it('before the plan was issued → no amount; before the application window → a note', () => {
    expect(evaluate(everything, '2024-12-01').totalYuan).toBe(0);
    expect(evaluate(everything, '2024-12-01').results[0]?.reasons.join()).toContain('尚未生效');
    const early = evaluate(everything, '2024-12-20');
    expect(early.totalYuan).toBeGreaterThan(0);
    expect(early.notes.join()).toContain('2024-12-27');
  });

  it('reports the validity and the application window', () => {
    const report = evaluate({});
    expect(report.validity).toEqual({ from: '2024-12-19', to: '2026-12-31' });
    expect(report.applicationWindow).toEqual({ from: '2024-12-27', to: '2026-12-31' });
  });

  it('rejects an evaluation date that is not YYYY-MM-DD', () => {
    expect(() => evaluate({}, '15/01/2027')).toThrow(RangeError);
  });
});

describe('missing facts → follow-up questions', () => {
  it('with nothing known, asks every fact once, in conversation order', () => {
    const report = evaluate({});
    expect(report.results.every((r) => r.status === 'needs-facts' && r.amountYuan === 0)).toBe(true);
    expect(report.followUpQuestions.map((q) => q.factId)).toEqual([
      'level',
      'statusValid',
      'investmentYuan',
      'provincialEquipmentSubsidyReceived',
      'nationalRecognitionYear',
      'provincialRecognitionYear',
      'contestPrize',
      'clusterLevel',
      'clusterApplicant',
    ]);
    for (const q of report.followUpQuestions) expect(q.question).toMatch(/？/);
    expect(report.followUpQuestions[0]?.options?.map((o) => o.value)).toEqual(['none', 'innovative', 'provincial', 'national']);
    expect(report.followUpQuestions[0]?.ruleIds).toEqual([EQUIPMENT, NATIONAL, PROVINCIAL]);
  });

  it('does not ask what can no longer matter', () => {
    const report = evaluate({ level: 'innovative', contestPrize: 'none', clusterLevel: 'none' });
    expect(report.followUpQuestions).toEqual([]);
    expect(report.results.every((r) => r.status === 'ineligible')).toBe(true);
  });

  it('a national company is asked about the investment and both recognition years', () => {
    const report = evaluate({ level: 'national', contestPrize: 'none', clusterLevel: 'none' });
    expect(report.followUpQuestions.map((q) => q.factId)).toEqual([
      'statusValid',
      'investmentYuan',
      'provincialEquipmentSubsidyReceived',
      'nationalRecognitionYear',
      'provincialRecognitionYear',
    ]);
  });

  it('an unreadable value is reported and asked again', () => {
    const report = evaluate(equipmentFacts('很多钱'));
    expect(report.invalidFacts).toEqual([
      { factId: 'investmentYuan', value: '很多钱', problem: expect.stringContaining('无法识别为金额') },
    ]);
    expect(report.results.find((r) => r.ruleId === EQUIPMENT)?.missingFacts).toEqual(['investmentYuan']);
    expect(report.followUpQuestions.map((q) => q.factId)).toContain('investmentYuan');
  });
});

describe('public contract', () => {
  it('every result carries the public fields', () => {
    for (const r of evaluate(equipmentFacts(5_000_000)).results) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining(['ruleId', 'title', 'eligible', 'amountYuan', 'formula', 'citation', 'assumptions']),
      );
      expect(r.formula).not.toBe('');
      expect(r.assumptions[0]).toContain('不超过');
      expect(r.citation.docId).toBe('zhengzhou-srdi-2024');
    }
  });

  it('describes the declared facts for GET /v1/calculator/inputs', () => {
    const inputs = describeCalculatorInputs([plan]);
    expect(inputs.map((f) => [f.id, f.type])).toEqual([
      ['level', 'enum'],
      ['statusValid', 'boolean'],
      ['investmentYuan', 'money'],
      ['provincialEquipmentSubsidyReceived', 'boolean'],
      ['nationalRecognitionYear', 'year'],
      ['provincialRecognitionYear', 'year'],
      ['contestPrize', 'enum'],
      ['clusterLevel', 'enum'],
      ['clusterApplicant', 'boolean'],
    ]);
    const investment = inputs.find((f) => f.id === 'investmentYuan')!;
    expect(investment).toMatchObject({ label: expect.any(String), question: expect.any(String), unit: '元' });
    expect(investment.usedBy).toEqual([`zhengzhou-srdi-2024/${EQUIPMENT}`]);
    expect(inputs.find((f) => f.id === 'contestPrize')?.options).toEqual([
      { value: 'none', label: '未获奖' },
      { value: 'first', label: '一等奖' },
      { value: 'second', label: '二等奖' },
      { value: 'third', label: '三等奖' },
    ]);
  });
});

describe('matchPolicies', () => {
  const other = parseRuleSet(
    `
version: 1
id: other-policy
docId: other-doc
title: 另一项政策
issuer: 某单位
validity: { from: 2025-01-01, to: 2025-12-31 }
facts:
  - { id: level, type: enum, label: 等级, question: 等级？, options: [{ value: national, label: 国家级 }, { value: provincial, label: 省级 }] }
  - { id: headcount, type: integer, label: 员工人数, question: 员工有多少人？ }
rules:
  - id: small-award
    title: 小额奖励
    citation: { docId: other-doc, clauseId: art-1 }
    quote: 给予不超过1万元奖励
    conditions:
      - { op: equals, fact: level, value: national, description: 国家级 }
      - { op: lte, fact: headcount, value: 300, description: 员工不超过300人 }
    amount: { kind: fixed, yuan: 10000 }
topics:
  - { id: small, title: 小额奖励, rules: [small-award], says: [小额] }
`,
    'other-policy.yaml',
  );

  it('lists every award across policies, what is missing, and the total', () => {
    const match = matchPolicies(
      [plan, other],
      { ...equipmentFacts(5_000_000), level: 'national', contestPrize: 'second' },
      { asOf: AS_OF },
    );
    expect(match.reports.map((r) => r.policyId)).toEqual(['zhengzhou-srdi-2024', 'other-policy']);
    expect(match.eligible.map((r) => [r.ruleId, r.amountYuan])).toEqual([
      [EQUIPMENT, 500_000],
      [CONTEST, 30_000],
    ]);
    expect(match.totalYuan).toBe(530_000);
    expect(match.undetermined.map((r) => r.ruleId)).toEqual([NATIONAL, PROVINCIAL, CLUSTER, 'small-award']);
    expect(match.followUpQuestions.map((q) => q.factId)).toEqual([
      'nationalRecognitionYear',
      'provincialRecognitionYear',
      'clusterLevel',
      'clusterApplicant',
      'headcount',
    ]);
    expect(match.expired).toBe(false);
  });

  it('a fact shared by two policies is asked once, for both', () => {
    const match = matchPolicies([plan, other], {}, { asOf: AS_OF });
    const level = match.followUpQuestions.filter((q) => q.factId === 'level');
    expect(level).toHaveLength(1);
    expect(level[0]?.ruleIds).toEqual([EQUIPMENT, NATIONAL, PROVINCIAL, 'small-award']);
  });

  it('is expired only when every policy is', () => {
    expect(matchPolicies([plan, other], {}, { asOf: '2026-06-01' }).expired).toBe(false);
    expect(matchPolicies([plan, other], {}, { asOf: '2027-01-15' }).expired).toBe(true);
  });
});

describe('properties', () => {
  const money = fc.integer({ min: 0, max: 1_000_000_000_000 });
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const anyFacts = fc.record({
    level: maybe(fc.constantFrom('none', 'innovative', 'provincial', 'national')),
    statusValid: maybe(fc.boolean()),
    investmentYuan: maybe(money),
    provincialEquipmentSubsidyReceived: maybe(fc.boolean()),
    nationalRecognitionYear: maybe(fc.integer({ min: 2020, max: 2028 })),
    provincialRecognitionYear: maybe(fc.integer({ min: 2020, max: 2028 })),
    contestPrize: maybe(fc.constantFrom('none', 'first', 'second', 'third')),
    clusterLevel: maybe(fc.constantFrom('none', 'provincial', 'national')),
  });
  const anyDate = fc
    .date({ min: new Date('2024-06-01T00:00:00Z'), max: new Date('2027-06-30T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

  it('no rule returns a non-integer or negative amount, or more than its cap', () => {
    fc.assert(
      fc.property(anyFacts, anyDate, (facts, asOf) => {
        const report = evaluateRules(plan, facts, { asOf });
        for (const r of report.results) {
          expect(Number.isSafeInteger(r.amountYuan)).toBe(true);
          expect(r.amountYuan).toBeGreaterThanOrEqual(0);
          if (r.maxYuan !== null) expect(r.amountYuan).toBeLessThanOrEqual(r.maxYuan);
          expect(r.eligible).toBe(r.status === 'eligible');
          if (!r.eligible) expect(r.amountYuan).toBe(0);
          if (r.status === 'needs-facts') expect(r.missingFacts.length).toBeGreaterThan(0);
        }
        expect(report.totalYuan).toBe(report.results.reduce((s, r) => s + r.amountYuan, 0));
        // 从高、不重复: the two recognition awards never both count in one year.
        const national = report.results.find((r) => r.ruleId === NATIONAL)!;
        const provincial = report.results.find((r) => r.ruleId === PROVINCIAL)!;
        if (national.eligible && provincial.eligible) {
          expect(facts.nationalRecognitionYear).not.toBe(facts.provincialRecognitionYear);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('evaluating some rules gives each the same result as evaluating all, exclusivity included', () => {
    const ruleIds = plan.rules.map((r) => r.id);
    fc.assert(
      fc.property(anyFacts, anyDate, fc.subarray(ruleIds, { minLength: 1 }), (facts, asOf, some) => {
        const full = evaluateRules(plan, facts, { asOf });
        const partial = evaluateRules(plan, facts, { asOf, ruleIds: some });
        for (const id of some) expect(partial.results.find((r) => r.ruleId === id)).toEqual(full.results.find((r) => r.ruleId === id));
        expect(partial.expired).toBe(full.expired);
        expect(partial.notes).toEqual(full.notes);
        const asked = (report: typeof full) =>
          report.followUpQuestions
            .filter((q) => q.ruleIds.some((id) => some.includes(id)))
            .map((q) => ({ ...q, ruleIds: q.ruleIds.filter((id) => some.includes(id)) }));
        expect(asked(partial)).toEqual(asked(full));
      }),
      { numRuns: 500 },
    );
  });

  it('the equipment subsidy never exceeds 2,000,000 nor 10% of the investment', () => {
    fc.assert(
      fc.property(money, (investment) => {
        const r = result(equipmentFacts(investment), EQUIPMENT);
        expect(r.amountYuan).toBeLessThanOrEqual(2_000_000);
        expect(r.amountYuan * 10).toBeLessThanOrEqual(investment);
        expect(r.eligible).toBe(investment > 1_000_000);
      }),
    );
  });

  it('the equipment subsidy is monotone in the investment', () => {
    fc.assert(
      fc.property(money, money, (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(result(equipmentFacts(low), EQUIPMENT).amountYuan).toBeLessThanOrEqual(result(equipmentFacts(high), EQUIPMENT).amountYuan);
      }),
    );
  });

  it('percentOfFloor is exact integer arithmetic, even past 2^53 intermediates', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 1, max: 100 }), (base, pct) => {
        const expected = (BigInt(base) * BigInt(pct)) / 100n;
        expect(BigInt(percentOfFloor(base, pct))).toBe(expected);
      }),
    );
  });
});
