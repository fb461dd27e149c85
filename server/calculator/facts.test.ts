import { describe, expect, it } from 'vitest';
import { coerceFact, coerceFacts } from './facts.js';
import { loadRuleSets } from '../../knowledge/rules/load-rules.js';
import { baseFolder, DEFAULT_BASE_DIR } from '../../knowledge/base-folder.js';

const TEST_RULES_DIR = baseFolder(DEFAULT_BASE_DIR).rulesDir;

const [plan] = loadRuleSets(TEST_RULES_DIR);
if (!plan) throw new Error('knowledge/rules has no rule set');
const decl = (id: string) => plan.facts.find((f) => f.id === id)!;

describe('coerceFact', () => {
  it.each([
    ['investmentYuan', '500万', 5_000_000],
    ['investmentYuan', '５００万元', 5_000_000],
    ['investmentYuan', '伍佰万元', 5_000_000],
    ['investmentYuan', 1_500_000, 1_500_000],
    ['statusValid', '是', true],
    ['statusValid', '否', false],
    ['statusValid', false, false],
    ['provincialEquipmentSubsidyReceived', '没有', false],
    ['level', 'national', 'national'],
    ['level', '国家级', 'national'],
    ['level', '小巨人', 'national'],
    ['level', '省级专精特新中小企业', 'provincial'],
    ['level', '創新型', 'innovative'],
    ['contestPrize', '二等奖', 'second'],
    ['clusterLevel', '省级', 'provincial'],
    ['nationalRecognitionYear', 2025, 2025],
    ['nationalRecognitionYear', '2025年', 2025],
    ['provincialRecognitionYear', '２０２４', 2024],
  ] as const)('%s: %j → %j', (id, raw, value) => {
    expect(coerceFact(decl(id), raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['investmentYuan', '很多'],
    ['investmentYuan', -5],
    ['investmentYuan', 1.5],
    ['statusValid', '也许'],
    ['level', '市级'],
    ['nationalRecognitionYear', '去年'],
    ['nationalRecognitionYear', 25],
  ] as const)('%s: %j is refused with a Chinese explanation', (id, raw) => {
    const result = coerceFact(decl(id), raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(decl(id).label);
  });
});

describe('coerceFacts', () => {
  it('skips missing and undeclared keys, reports invalid ones', () => {
    const { values, invalid } = coerceFacts(plan, {
      level: '国家级',
      statusValid: '',
      investmentYuan: null,
      contestPrize: '特等奖',
      somethingElse: 42,
    });
    expect([...values]).toEqual([['level', 'national']]);
    expect(invalid.map((i) => i.factId)).toEqual(['contestPrize']);
  });
});

describe('values that are not text, numbers or booleans', () => {
  it.each([[{ toString: {} }], [[1, 2]], [{ a: 1 }]])('are reported as unreadable, never thrown: #%#', (raw) => {
    for (const decl of [
      { id: 'level', type: 'enum' as const, label: '等级', question: '？', options: [{ value: 'a', label: 'A' }] },
      { id: 'investmentYuan', type: 'money' as const, label: '投资', question: '？' },
      { id: 'statusValid', type: 'boolean' as const, label: '有效', question: '？' },
    ]) {
      const result = coerceFact(decl, raw);
      expect(result.ok).toBe(false);
    }
  });
});
