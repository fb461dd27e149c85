import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRules, type RuleResult } from './engine.js';
import type { FactInput } from './facts.js';
import { readFileSync } from 'node:fs';
import { parseRuleSet, RulesFileError } from '../../knowledge/rules/load-rules.js';

const FORMS_FILE = new URL('./fixtures/forms.yaml', import.meta.url);

/**
 * Every amount form the rules language has beyond fixed / percentOf / byFact, on a policy made up for the
 * test (the forms the district policies use: 分档比例、分档定额、进口设备特别比例、加计百分点、每件/每单位、按日期
 * 分段的单价、按月计、分阶段累计、择一享受), with the band edges the policies define by 以上/以下.
 */
const forms = parseRuleSet(readFileSync(FORMS_FILE, 'utf8'), 'forms.yaml');

const AS_OF = '2025-06-30';
const result = (facts: FactInput, ruleId: string): RuleResult => {
  const found = evaluateRules(forms, facts, { asOf: AS_OF }).results.find((r) => r.ruleId === ruleId);
  if (!found) throw new Error(`no result for ${ruleId}`);
  return found;
};

describe('bands: the band a figure falls in sets its percentage', () => {
  it.each([
    ['below the lowest band', 999_999, 0, 'ineligible'],
    ['the lowest band starts at its 以上 (inclusive)', 1_000_000, 50_000, 'eligible'],
    ['the lowest band ends below its 以下 (exclusive)', 4_999_999, 249_999, 'eligible'],
    ['the next band starts where the last ended', 5_000_000, 300_000, 'eligible'],
    ['a band closed above by （含） holds its end', 10_000_000, 600_000, 'eligible'],
    ['a band open below by （不含） starts just above', 10_000_001, 800_000, 'eligible'],
    ['an open band is capped', 50_000_000, 3_000_000, 'eligible'],
  ])('%s: %d → %d', (_, investment, amount, status) => {
    const r = result({ investmentYuan: investment, equipmentOrigin: 'domestic', firstSet: false }, 'equipment-bands');
    expect(r.status).toBe(status);
    expect(r.amountYuan).toBe(amount);
  });

  it('a special case replaces the band rate, and bonuses stack on it', () => {
    const imported = result({ investmentYuan: 2_000_000, equipmentOrigin: 'imported' }, 'equipment-bands');
    expect(imported.amountYuan).toBe(200_000);
    expect(imported.formula).toContain('进口设备 10%');
    const stacked = result(
      { investmentYuan: 2_000_000, equipmentOrigin: 'imported', firstSet: true, parkLevel: 'province' },
      'equipment-bands',
    );
    expect(stacked.amountYuan).toBe(280_000);
    expect(stacked.formula).toContain('合计 14%');
  });

  it('a bonus the user has not claimed is not needed to compute the amount', () => {
    const r = result({ investmentYuan: 2_000_000 }, 'equipment-bands');
    expect(r.missingFacts).toEqual([]);
    expect(r.amountYuan).toBe(100_000);
  });

  it.each([
    [99_999_999, 0],
    [100_000_000, 100_000],
    [499_999_999, 100_000],
    [500_000_000, 300_000],
  ])('fixed amounts by band: revenue %d → %d', (revenue, amount) => {
    expect(result({ revenueYuan: revenue }, 'revenue-steps').amountYuan).toBe(amount);
  });
});

describe('perUnit: an amount per item, per unit of a figure, by date, by month', () => {
  it.each([
    ['granted on the last day of the earlier rate', '2019-04-30', 3, 30_000],
    ['granted the day after', '2019-05-01', 3, 15_000],
    ['capped', '2019-01-15', 50, 200_000],
  ])('patents %s (%s) × %d → %d', (_, day, count, amount) => {
    const r = result({ patents: count, grantDate: day }, 'patent-award');
    expect(r.amountYuan).toBe(amount);
  });

  it('asks for the date when the rate depends on it', () => {
    expect(result({ patents: 3 }, 'patent-award').missingFacts).toEqual(['grantDate']);
  });

  it('a day known only by its year decides when the whole year has one rate, and asks for the day when not', () => {
    expect(result({ patents: 3, grantDate: '2020' }, 'patent-award').amountYuan).toBe(15_000);
    expect(result({ patents: 3, grantDate: '2018年' }, 'patent-award').amountYuan).toBe(30_000);
    const split = result({ patents: 3, grantDate: '2019' }, 'patent-award');
    expect(split.status).toBe('needs-facts');
    expect(split.missingFacts).toEqual(['grantDate']);
  });

  it.each([
    [19_999_999, 0],
    [20_000_000, 20_000],
    [59_999_999, 40_000],
    [1_000_000_000, 200_000],
  ])('whole units of a figure only: revenue %d → %d', (revenue, amount) => {
    expect(result({ revenueYuan: revenue }, 'revenue-units').amountYuan).toBe(amount);
  });

  it('multiplies by months, and shows the count with its unit', () => {
    const r = result({ patents: 2, months: 6 }, 'rent-subsidy');
    expect(r.amountYuan).toBe(12_000);
    expect(r.formula).toContain('6个月');
  });
});

describe('perUnit with a share of a fee, a cap per unit by an option, and at most so many units', () => {
  it.each<[string, number, number, 'near' | 'far', number]>([
    ['80% of the fee per unit, below the cap', 2, 10_000, 'near', 8_000],
    ['the cap per unit, exactly reached (6,250 × 80% = 5,000)', 1, 6_250, 'near', 5_000],
    ['the cap per unit, one yuan over', 1, 6_252, 'near', 5_000],
    ['another option, another cap per unit', 2, 46_000, 'far', 30_000],
    ['exactly the most units', 4, 40_000, 'far', 32_000],
    ['one unit over the most: the fee is shared by all, only four are paid', 5, 50_000, 'far', 32_000],
    ['a share that is not a whole yuan is rounded down', 3, 10_000, 'far', 7_998],
  ])('%s: %d units, fee %d, %s → %d', (_, booths, boothFee, fairPlace, amount) => {
    const r = result({ booths, boothFee, fairPlace }, 'booth-award');
    expect(r.status).toBe('eligible');
    expect(r.amountYuan).toBe(amount);
  });

  it('shows each step: the share per unit, the cap it meets, the units counted', () => {
    const r = result({ booths: 6, boothFee: 60_000, fairPlace: 'near' }, 'booth-award');
    expect(r.formula).toContain('80%');
    expect(r.formula).toContain('5,000');
    expect(r.formula).toContain('按 4 计');
    expect(r.amountYuan).toBe(20_000);
  });

  it('asks for the fee and the place before it computes, and its most is units × the highest cap', () => {
    const r = result({ booths: 2 }, 'booth-award');
    expect(r.status).toBe('needs-facts');
    expect([...r.missingFacts].sort()).toEqual(['boothFee', 'fairPlace']);
    expect(r.maxYuan).toBe(60_000);
  });
});

describe('perUnit never above the actual price of a unit', () => {
  it.each<[string, number | undefined, number]>([
    ['an actual price below the standard is paid', 16, 1_000 * 16 * 12],
    ['exactly the standard', 20, 1_000 * 20 * 12],
    ['above the standard: the standard', 35, 1_000 * 20 * 12],
    ['unknown: the standard, as the upper bound', undefined, 1_000 * 20 * 12],
  ])('%s (%s)', (_, actualRent, amount) => {
    const r = result({ patents: 1_000, months: 12, ...(actualRent !== undefined ? { actualRent } : {}) }, 'rent-at-most-actual');
    expect(r.status).toBe('eligible');
    expect(r.amountYuan).toBe(amount);
    if (actualRent === undefined) expect(r.assumptions.join('')).toContain('按实际计');
    if (actualRent === 16) expect(r.formula).toContain('按实际计');
  });
});

describe('staged: awards add up to the stage reached', () => {
  it.each([
    ['tutoring', 1_000_000],
    ['accepted', 2_000_000],
    ['listed', 4_000_000],
  ])('%s → %d', (stage, amount) => {
    const r = result({ stage }, 'listing-stages');
    expect(r.status).toBe('eligible');
    expect(r.amountYuan).toBe(amount);
  });

  it('no stage reached → no amount', () => {
    expect(result({ stage: 'none' }, 'listing-stages').amountYuan).toBe(0);
  });
});

describe('chooseOne and date conditions', () => {
  it('counts the higher of two awards to choose from, and says the choice is the company’s', () => {
    const report = evaluateRules(forms, { foundedOn: '2021-03-01' }, { asOf: AS_OF });
    const a = report.results.find((r) => r.ruleId === 'young-company-a')!;
    const b = report.results.find((r) => r.ruleId === 'young-company-b')!;
    expect([a.amountYuan, b.amountYuan]).toEqual([0, 80_000]);
    expect(report.results.flatMap((r) => r.reasons).join('')).toMatch(/择一/);
  });

  it('compares days: founded the day before the condition → not eligible', () => {
    expect(result({ foundedOn: '2019-12-31' }, 'young-company-b').status).toBe('ineligible');
    expect(result({ foundedOn: '2020-01-01' }, 'young-company-b').status).toBe('eligible');
  });

  it('reads a day as people write it', () => {
    expect(result({ foundedOn: '2020年1月1日' }, 'young-company-b').status).toBe('eligible');
  });
});

describe('properties', () => {
  it('band and per-unit amounts are whole yuan, never negative, never above the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom('domestic', 'imported'),
        fc.boolean(),
        (figure, count, origin, first) => {
          const report = evaluateRules(
            forms,
            {
              investmentYuan: figure,
              revenueYuan: figure,
              patents: count,
              months: 12,
              grantDate: '2020-01-01',
              equipmentOrigin: origin,
              firstSet: first,
            },
            { asOf: AS_OF },
          );
          for (const r of report.results) {
            expect(Number.isSafeInteger(r.amountYuan)).toBe(true);
            expect(r.amountYuan).toBeGreaterThanOrEqual(0);
            if (r.maxYuan !== null) expect(r.amountYuan).toBeLessThanOrEqual(r.maxYuan);
          }
        },
      ),
    );
  });

  it('a higher figure never gets less within the percentage bands', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000_000, max: 100_000_000 }), fc.integer({ min: 0, max: 10_000_000 }), (low, step) => {
        const a = result({ investmentYuan: low }, 'equipment-bands').amountYuan;
        const b = result({ investmentYuan: low + step }, 'equipment-bands').amountYuan;
        expect(b).toBeGreaterThanOrEqual(a);
      }),
    );
  });
});

describe('the loader rejects forms that cannot be evaluated', () => {
  const withAmount = (amount: string) => `
version: 1
id: bad
docId: bad-doc
title: 测试
issuer: 测试
validity: { from: 2019-01-01, to: 2030-12-31 }
facts:
  - { id: investmentYuan, type: money, label: 投资额, question: 投资多少？ }
  - { id: level, type: enum, label: 等级, question: 等级？, options: [{ value: a, label: 甲 }, { value: b, label: 乙 }] }
rules:
  - id: r
    title: 测试
    citation: { docId: bad-doc, clauseId: art-1 }
    quote: 测试
    conditions: []
    amount: ${amount}
topics:
  - { id: t, title: 测试, rules: [r], says: [测试] }
`;
  it.each([
    [
      'overlapping bands',
      '{ kind: bands, fact: investmentYuan, bands: [{ from: 0, to: 200, percent: 5 }, { from: 100, percent: 6 }] }',
      /overlap/,
    ],
    [
      'a band paying both a percentage and a fixed amount',
      '{ kind: bands, fact: investmentYuan, bands: [{ from: 0, percent: 5, yuan: 100 }] }',
      /either/,
    ],
    [
      'a special rate for an unknown option',
      '{ kind: bands, fact: investmentYuan, bands: [{ from: 0, percent: 5 }], rateBy: { fact: level, rates: { c: 10 } } }',
      /not an option/,
    ],
    ['per unit without a rate', '{ kind: perUnit, fact: investmentYuan, unitYuan: 100 }', /one of/],
    [
      'a cap per unit by an unknown option',
      '{ kind: perUnit, fact: investmentYuan, unitYuan: 100, yuan: 1, unitCapBy: { fact: level, table: { c: 10 } } }',
      /not an option/,
    ],
    [
      'a share of a fact that is not money',
      '{ kind: perUnit, fact: investmentYuan, unitYuan: 100, shareOf: { fact: level, percent: 80 } }',
      /needs a money/,
    ],
    [
      'stages of a money fact',
      '{ kind: staged, fact: investmentYuan, stages: [{ value: a, yuan: 1 }, { value: b, yuan: 2 }] }',
      /needs a enum/,
    ],
  ])('%s', (_, amount, message) => {
    expect(() => parseRuleSet(withAmount(amount), 'bad.yaml')).toThrow(RulesFileError);
    expect(() => parseRuleSet(withAmount(amount), 'bad.yaml')).toThrow(message);
  });
});
