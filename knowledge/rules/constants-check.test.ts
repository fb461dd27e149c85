import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findMoneyMentions } from '../text/money.js';
import { normaliseInput } from '../text/normalise.js';
import { checkRuleConstants, type ClauseLookup } from './constants-check.js';
import { loadRuleSets } from './load-rules.js';
import type { RuleSet } from './rules-schema.js';
import { baseFolder, DEFAULT_BASE_DIR } from '../base-folder.js';

const TEST_RULES_DIR = baseFolder(DEFAULT_BASE_DIR).rulesDir;

const [plan] = loadRuleSets(TEST_RULES_DIR);
if (!plan) throw new Error('knowledge/rules has no rule set');

/** The award clauses as the SPEC quotes them (cleaned, simplified). */
const CLAUSES: Record<string, string> = {
  'item-1':
    '支持企业加大研发投入。对有效期内的省级以上专精特新中小企业，在年度投资计算区间内用于提升企业创新能力和专业化水平而购置设备、软件的，市财政按照不超过设备、软件实际投资（税后超100万元）的10%给予补助，最高不超过200万元（与省财政设备、软件投资不重复补助）。（责任单位：市工信局、市财政局，各开发区管委会，各区县〔市〕政府）',
  'item-3':
    '高标准举办“创客中国”大赛。鼓励企业积极参加“创客中国”中小企业创新创业大赛郑州市分赛，为企业搭建交流展示、项目孵化、产融对接、协同创新平台，并对获奖的一、二、三等奖项目（一等奖2名、二等奖5名、三等奖9名），分别给予不超过5万元、3万元、1万元奖励。（责任单位：市工信局、市财政局，各开发区管委会，各区县〔市〕政府）',
  'item-19':
    '加大财税支持力度。……同一企业按照“从高、不重复”原则，市财政同一年度对新认定的国家级专精特新“小巨人”企业、省级专精特新中小企业分别给予不超过200万元、50万元的一次性奖励。落实好减税降费政策……',
  'item-20':
    '加快小微企业园和中小企业特色产业集群建设。……对新认定的国家级、省级中小企业特色产业集群，市财政给予每家申报主体不超过100万元、50万元的一次性奖励。（责任单位：市工信局、市财政局，各开发区管委会，各区县〔市〕政府）',
};

function lookupFrom(clauses: Record<string, string>, withAmounts = true): ClauseLookup {
  return (docId, clauseId) => {
    const text = docId === 'zhengzhou-srdi-2024' ? clauses[clauseId] : undefined;
    if (text === undefined) return undefined;
    return { text, amountsYuan: withAmounts ? findMoneyMentions(text).map((m) => m.yuan) : [] };
  };
}

const lookup = lookupFrom(CLAUSES);

/** A copy of the plan with one edit, as a typo in the YAML would make. */
function edited(edit: (rs: RuleSet) => void): RuleSet {
  const copy = structuredClone(plan!);
  edit(copy);
  return copy;
}

function rule(rs: RuleSet, id: string) {
  const found = rs.rules.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}

describe('checkRuleConstants', () => {
  it('the shipped rules agree with the clause text', () => {
    expect(checkRuleConstants(plan, lookup)).toEqual([]);
  });

  it('reads amounts from the text when the index gives none', () => {
    expect(checkRuleConstants(plan, lookupFrom(CLAUSES, false))).toEqual([]);
  });

  it('catches a typo in the cap (300万 instead of 200万)', () => {
    const rs = edited((r) => {
      const amount = rule(r, 'equipment-software-subsidy').amount;
      if (amount.kind === 'percentOf') amount.capYuan = 3_000_000;
    });
    expect(checkRuleConstants(rs, lookup)).toEqual([
      expect.objectContaining({
        ruleId: 'equipment-software-subsidy',
        clauseId: 'item-1',
        kind: 'cap',
        value: 3_000_000,
        path: 'rules[0].amount.capYuan',
        message: expect.stringContaining('300万元'),
      }),
    ]);
  });

  it('catches a wrong percentage', () => {
    const rs = edited((r) => {
      const amount = rule(r, 'equipment-software-subsidy').amount;
      if (amount.kind === 'percentOf') amount.percent = 15;
    });
    expect(checkRuleConstants(rs, lookup)).toEqual([
      expect.objectContaining({ kind: 'percent', value: 15, path: 'rules[0].amount.percent' }),
    ]);
  });

  it('catches a wrong threshold', () => {
    const rs = edited((r) => {
      const cond = rule(r, 'equipment-software-subsidy').conditions.find((c) => c.fact === 'investmentYuan');
      if (cond?.op === 'gt') cond.value = 1_500_000;
    });
    expect(checkRuleConstants(rs, lookup)).toEqual([
      expect.objectContaining({ kind: 'threshold', value: 1_500_000, path: 'rules[0].conditions[2].value' }),
    ]);
  });

  it('catches a wrong fixed award and a wrong prize', () => {
    const rs = edited((r) => {
      const national = rule(r, 'new-national-little-giant-award').amount;
      if (national.kind === 'fixed') national.yuan = 2_500_000;
      const contest = rule(r, 'maker-china-contest-prize').amount;
      if (contest.kind === 'byFact') contest.table.first = { yuan: 60_000, places: 2 };
    });
    const violations = checkRuleConstants(rs, lookup);
    expect(violations.map((v) => [v.kind, v.value, v.path])).toEqual([
      ['award', 60_000, 'rules[1].amount.table.first.yuan'],
      ['fixed', 2_500_000, 'rules[2].amount.yuan'],
    ]);
  });

  it('catches a wrong number of places, even where the digit occurs in an amount', () => {
    const rs = edited((r) => {
      const contest = rule(r, 'maker-china-contest-prize').amount;
      if (contest.kind === 'byFact') contest.table.first = { yuan: 50_000, places: 3 };
    });
    expect(checkRuleConstants(rs, lookup)).toEqual([
      expect.objectContaining({ kind: 'count', value: 3, path: 'rules[1].amount.table.first.places' }),
    ]);
  });

  it('catches a rule that cites the wrong clause', () => {
    const rs = edited((r) => {
      rule(r, 'sme-industrial-cluster-award').citation.clauseId = 'item-19';
    });
    const violations = checkRuleConstants(rs, lookup);
    expect(violations.map((v) => v.kind)).toEqual(['quote', 'award']);
    expect(violations[1]).toMatchObject({ value: 1_000_000, clauseId: 'item-19' });
  });

  it('reports a citation the knowledge index does not have', () => {
    const rs = edited((r) => {
      rule(r, 'maker-china-contest-prize').citation.clauseId = 'item-99';
    });
    expect(checkRuleConstants(rs, lookup)).toEqual([
      expect.objectContaining({ kind: 'clause', clauseId: 'item-99', path: 'rules[1].citation' }),
    ]);
  });

  it('accepts the same clause in traditional characters and ASCII punctuation, as on the raw page', () => {
    const traditional = lookupFrom({
      ...CLAUSES,
      'item-1': '市財政按照不超過設備、軟件實際投資(稅后超100萬元)的10%給予補助,最高不超過200萬元(與省財政設備、軟件投資不重復補助)。',
    });
    expect(checkRuleConstants(plan, traditional)).toEqual([]);
  });

  it('agrees with the source page itself', () => {
    const raw = readFileSync(path.join(baseFolder(DEFAULT_BASE_DIR).sourcesDir, 'zhengzhou-srdi-doubling-2024-2026.raw.txt'), 'utf8');
    const items: Record<string, string> = {};
    for (const line of raw.split('\n')) {
      const numbered = /^(\d+)\./.exec(line);
      // The page carries pinyin ruby after some characters, e.g. 企業(yè).
      if (numbered) items[`item-${numbered[1]}`] = normaliseInput(line.replace(/\([a-zü\u00c0-\u024f]+\)/g, ''));
    }
    expect(Object.keys(items)).toHaveLength(24);
    expect(checkRuleConstants(plan, lookupFrom(items))).toEqual([]);
  });
});

describe('checkRuleConstants on every amount form', () => {
  const forms = loadRuleSets(path.join(import.meta.dirname, '../../server/calculator/fixtures'))[0]!;
  /** Clause texts that state each constant of the made-up policy, as a district policy words them. */
  const texts: Record<string, string> = {
    'art-1':
      '设备投资100万元以上500万元以下的按5%给予分档补助；500万元以上1000万元（含）以下的按6%；1000万元以上的按8%；进口设备按10%；首台套再提高2个百分点，市级、省级园区内企业分别提高1、2个百分点；最高300万元。',
    'art-2': '营业收入首次突破1亿元的给予10万元上台阶奖励，突破5亿元的给予30万元。',
    'art-3': '发明专利授权日在2019年4月30日前（含）的每件奖励1万元，之后授权的每件奖励5000元，最高20万元。',
    'art-4': '每实现2000万元营业收入奖励2万元，最高20万元。',
    'art-5': '按月补助，每件每月1000元，最高5万元。',
    'art-6': '分阶段奖励：辅导验收100万元、受理100万元、上市200万元。',
    'art-7': '2020年1月1日以后成立的企业，新设企业奖励5万元或8万元，择一享受。',
    'art-10': '按最高20元/平方米·月的标准给予补助，但不超过实际租赁成本，每年最高不超过60万元。',
    'art-9': '给予参展企业展位费80%奖励，赴区外、境外参展每个展位奖励不超过5000元、15000元，同一展会最多奖励4个标准展位。',
  };
  const lookupForms: ClauseLookup = (docId, clauseId) => {
    const text = docId === 'forms-doc' ? texts[clauseId] : undefined;
    return text === undefined ? undefined : { text, amountsYuan: findMoneyMentions(text).map((m) => m.yuan) };
  };

  // Points written as one list (分别提高1、2个百分点) are each stated: art-1 states 1 only that way.
  it('accepts constants that the clauses state', () => {
    expect(checkRuleConstants(forms, lookupForms)).toEqual([]);
  });

  it.each([
    ['a band bound', (r: RuleSet) => ((r.rules[0]!.amount as { bands: { to?: number }[] }).bands[0]!.to = 6_000_000), 'band'],
    [
      'a bonus of points',
      (r: RuleSet) => ((r.rules[0]!.amount as { bonusPoints: { points?: number }[] }).bonusPoints[0]!.points = 3),
      'percent',
    ],
    [
      'a date of a per-unit rate',
      (r: RuleSet) =>
        ((r.rules[2]!.amount as { byDate: { ranges: { onOrBefore?: string }[] } }).byDate.ranges[0]!.onOrBefore = '2019-05-30'),
      'date',
    ],
    ['a stage amount', (r: RuleSet) => ((r.rules[5]!.amount as { stages: { yuan: number }[] }).stages[2]!.yuan = 3_000_000), 'award'],
    ['a date condition', (r: RuleSet) => ((r.rules[6]!.conditions[0] as { value: string }).value = '2021-01-01'), 'date'],
    [
      'a cap per unit',
      (r: RuleSet) =>
        ((r.rules.find((x) => x.id === 'booth-award')!.amount as { unitCapBy: { table: Record<string, number> } }).unitCapBy.table.far =
          12_000),
      'cap',
    ],
    [
      'the share of a fee',
      (r: RuleSet) => ((r.rules.find((x) => x.id === 'booth-award')!.amount as { shareOf: { percent: number } }).shareOf.percent = 60),
      'percent',
    ],
  ])('catches a typo in %s', (_, edit, kind) => {
    const copy = structuredClone(forms);
    edit(copy);
    expect(checkRuleConstants(copy, lookupForms)).toEqual([expect.objectContaining({ kind })]);
  });
});
