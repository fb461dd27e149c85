import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRuleSets, parseRuleSet, RulesFileError } from './load-rules.js';
import { baseFolder, DEFAULT_BASE_DIR } from '../base-folder.js';

const TEST_RULES_DIR = baseFolder(DEFAULT_BASE_DIR).rulesDir;

const VALID = `version: 1
id: fixture-policy
docId: fixture-doc
title: 测试政策
issuer: 测试单位
validity:
  from: 2024-12-19
  to: 2026-12-31
facts:
  - id: level
    type: enum
    label: 资质等级
    question: 贵企业持有哪一级资质？
    options:
      - { value: provincial, label: 省级 }
      - { value: national, label: 国家级 }
  - id: investmentYuan
    type: money
    label: 投资额
    question: 投资额是多少？
rules:
  - id: subsidy
    title: 投资补助
    citation: { docId: fixture-doc, clauseId: item-1 }
    quote: 按投资的10%给予补助，最高不超过200万元
    conditions:
      - op: in
        fact: level
        values: [provincial, national]
        description: 省级以上
      - op: gt
        fact: investmentYuan
        value: 1000000
        description: 投资超过100万元
    amount:
      kind: percentOf
      fact: investmentYuan
      percent: 10
      capYuan: 2000000
topics:
  - id: subsidy
    title: 投资补助
    rules: [subsidy]
    says: [投资|设备]
`;

const root = mkdtempSync(path.join(tmpdir(), 'rules-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirCount = 0;
/** Writes `files` into a fresh directory and loads it. */
function loadFixture(files: Record<string, string>) {
  const dir = path.join(root, `case-${dirCount++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return () => loadRuleSets(dir);
}

function loadError(files: Record<string, string>): RulesFileError {
  try {
    loadFixture(files)();
  } catch (error) {
    expect(error).toBeInstanceOf(RulesFileError);
    return error as RulesFileError;
  }
  throw new Error('expected the rules to fail to load');
}

describe('loadRuleSets', () => {
  it('loads the plan shipped in knowledge/rules', () => {
    const sets = loadRuleSets(TEST_RULES_DIR);
    expect(sets.map((s) => s.id)).toContain('zhengzhou-srdi-2024');
    const plan = sets.find((s) => s.id === 'zhengzhou-srdi-2024')!;
    expect(plan.rules.map((r) => r.citation.clauseId)).toEqual(['item-1', 'item-3', 'item-19', 'item-19', 'item-20']);
  });

  it('loads a valid fixture, applying defaults', () => {
    const [set] = loadFixture({ 'fixture-policy.yaml': VALID })();
    expect(set?.rules[0]?.assumptions).toEqual([]);
    expect(set?.rules[0]?.amount).toMatchObject({ kind: 'percentOf', rounding: 'floor' });
  });

  it('a wrong type names the file, the field and the line', () => {
    const error = loadError({ 'fixture-policy.yaml': VALID.replace('percent: 10', 'percent: "10%"') });
    expect(error.code).toBe('RULES_SCHEMA');
    expect(error.file).toMatch(/fixture-policy\.yaml$/);
    expect(error.path).toBe('rules[0].amount.percent');
    expect(error.line).toBe(VALID.split('\n').findIndex((l) => l.includes('percent: 10')) + 1);
    expect(error.message).toContain('fixture-policy.yaml');
    expect(error.message).toContain('rules[0].amount.percent');
    expect(error.message).toMatch(/expected number, received string/);
  });

  it('a fractional amount of money is a wrong type too', () => {
    const error = loadError({ 'fixture-policy.yaml': VALID.replace('capYuan: 2000000', 'capYuan: 2000000.5') });
    expect(error.path).toBe('rules[0].amount.capYuan');
  });

  it('a missing citation names the rule and the field', () => {
    const error = loadError({
      'fixture-policy.yaml': VALID.replace('    citation: { docId: fixture-doc, clauseId: item-1 }\n', ''),
    });
    expect(error.code).toBe('RULES_SCHEMA');
    expect(error.path).toBe('rules[0].citation');
    expect(error.problem).toContain('missing required field "citation"');
    expect(error.message).toMatch(/fixture-policy\.yaml:\d+ rules\[0\]\.citation: missing required field "citation"/);
  });

  it('a citation without a clause id is caught', () => {
    const error = loadError({ 'fixture-policy.yaml': VALID.replace('clauseId: item-1', 'clause: item-1') });
    expect(error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['rules[0].citation.clauseId', 'rules[0].citation.clause']));
  });

  it('an unknown fact names the file and the field', () => {
    const error = loadError({
      'fixture-policy.yaml': VALID.replace('fact: investmentYuan\n        value', 'fact: investmentAmount\n        value'),
    });
    expect(error.code).toBe('RULES_UNKNOWN_FACT');
    expect(error.path).toBe('rules[0].conditions[1].fact');
    expect(error.problem).toContain('unknown fact "investmentAmount"');
    expect(error.message).toContain('fixture-policy.yaml');
    expect(error.message).toContain('rules[0].conditions[1].fact');
  });

  it('an unknown fact in the amount is caught as well', () => {
    const error = loadError({
      'fixture-policy.yaml': VALID.replace('      fact: investmentYuan\n      percent', '      fact: turnover\n      percent'),
    });
    expect(error).toMatchObject({ code: 'RULES_UNKNOWN_FACT', path: 'rules[0].amount.fact' });
  });

  it('a value that is not an option of the enum fact is caught', () => {
    const error = loadError({ 'fixture-policy.yaml': VALID.replace('values: [provincial, national]', 'values: [provincial, natinal]') });
    expect(error).toMatchObject({ code: 'RULES_UNKNOWN_OPTION', path: 'rules[0].conditions[0].values[1]' });
  });

  it('an operator that does not fit the fact type is caught', () => {
    const error = loadError({ 'fixture-policy.yaml': VALID.replace('      - op: in\n', '      - op: gt\n') });
    expect(error.issues.some((i) => i.path.startsWith('rules[0].conditions[0]'))).toBe(true);
  });

  it('an unknown operator lists the allowed ones', () => {
    const error = loadError({ 'fixture-policy.yaml': VALID.replace('op: gt', 'op: greaterThan') });
    expect(error.path).toBe('rules[0].conditions[1].op');
    expect(error.problem).toContain('gte');
  });

  it('a misspelt key is not silently ignored', () => {
    const error = loadError({ 'fixture-policy.yaml': VALID.replace('capYuan:', 'capYaun:') });
    expect(error.path).toBe('rules[0].amount.capYaun');
    expect(error.problem).toContain('unknown field');
  });

  it('a YAML syntax error gives the line', () => {
    const error = loadError({ 'fixture-policy.yaml': VALID.replace('values: [provincial, national]', 'values: [provincial, national') });
    expect(error.code).toBe('RULES_YAML_SYNTAX');
    expect(error.line).toBeGreaterThan(0);
  });

  it('a rule set whose id differs from its file name is refused', () => {
    const error = loadError({ 'other-name.yaml': VALID });
    expect(error).toMatchObject({ code: 'RULES_FILE_NAME', path: 'id' });
  });

  it('duplicate rule ids are refused', () => {
    const rule = VALID.slice(VALID.indexOf('  - id: subsidy'), VALID.indexOf('topics:'));
    const error = loadError({ 'fixture-policy.yaml': VALID.replace('topics:', `${rule}topics:`) });
    expect(error).toMatchObject({ code: 'RULES_DUPLICATE_ID', path: 'rules[1].id' });
  });

  it('a topic naming an unknown rule, and a rule in no topic, are refused: every award must be reachable', () => {
    expect(loadError({ 'fixture-policy.yaml': VALID.replace('rules: [subsidy]', 'rules: [subsidy, other]') })).toMatchObject({
      code: 'RULES_UNKNOWN_RULE',
      path: 'topics[0].rules[1]',
    });
    const extra = VALID.slice(VALID.indexOf('  - id: subsidy'), VALID.indexOf('topics:')).replace('id: subsidy', 'id: orphan');
    expect(loadError({ 'fixture-policy.yaml': VALID.replace('topics:', `${extra}topics:`) })).toMatchObject({
      code: 'RULES_UNKNOWN_RULE',
      problem: expect.stringContaining('"orphan" is in no topic'),
    });
  });

  it('checks how facts are said: frames well formed, yes/no only for booleans, defaults of the fact’s type', () => {
    expect(() => parseRuleSet(VALID.replace('says: [投资|设备]', "says: ['投资 + ']"), 'x.yaml')).toThrow(/empty alternative/);
    const saysOnMoney = VALID.replace('    question: 投资额是多少？', '    question: 投资额是多少？\n    says: { yes: [投资] }');
    expect(() => parseRuleSet(saysOnMoney, 'x.yaml')).toThrow(/yes:\/no: frames are for boolean facts/);
    const badDefault = VALID.replace(
      '    question: 投资额是多少？',
      '    question: 投资额是多少？\n    default: { value: true, assumption: 按有投资计, short: 有投资 }',
    );
    expect(() => parseRuleSet(badDefault, 'x.yaml')).toThrow(/investmentYuan/);
    const aboutOnMoney = VALID.replace(
      '    question: 投资额是多少？',
      '    question: 投资额是多少？\n    about: { fact: level, value: national }',
    );
    expect(() => parseRuleSet(aboutOnMoney, 'x.yaml')).toThrow(/about applies to year facts/);
    const goodSays = VALID.replace(
      '    question: 投资额是多少？',
      "    question: 投资额是多少？\n    says: ['设备|软件 + 投资']\n    excludes: [原材料]\n    taxBasis: excluding-tax",
    );
    expect(parseRuleSet(goodSays, 'x.yaml').facts[1]).toMatchObject({
      says: ['设备|软件 + 投资'],
      excludes: ['原材料'],
      taxBasis: 'excluding-tax',
    });
  });

  it('an impossible date and a reversed window are refused', () => {
    expect(() => parseRuleSet(VALID.replace('from: 2024-12-19', 'from: 2024-02-30'), 'x.yaml')).toThrow(/validity\.from/);
    expect(() => parseRuleSet(VALID.replace('from: 2024-12-19', 'from: 2027-01-01'), 'x.yaml')).toThrow(/validity/);
  });

  it('the exclusivity year must be a year fact', () => {
    const withExclusivity = VALID.replace(
      '    amount:\n',
      '    exclusivity: { group: g, principle: highest, yearFact: investmentYuan, description: 同年从高 }\n    amount:\n',
    );
    expect(() => parseRuleSet(withExclusivity, 'x.yaml')).toThrow(/rules\[0\]\.exclusivity\.yearFact/);
  });

  it('a missing directory is a RulesFileError too', () => {
    expect(() => loadRuleSets(path.join(root, 'does-not-exist'))).toThrow(RulesFileError);
  });
});
