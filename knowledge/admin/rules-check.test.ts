import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BASES_DIR } from '../base-folder.js';
import { loadRuleSetFile } from '../rules/load-rules.js';
import { AdminError } from './errors.js';
import { checkRulesText, type RulesContext } from './rules-check.js';

const RULES = readFileSync(fileURLToPath(new URL('./fixtures/fictitious-rules.yaml', import.meta.url)), 'utf8');
const ARTICLE_2 = '第二条 在本区登记的小微企业购买检验检测服务的，按实际支出的50%发放萤火虫创新券，每家企业每年最高不超过3万元。';

const context: RulesContext = {
  documents: [{ id: 'xinghe-voucher-2025', title: '星河区萤火虫创新券试行办法（虚构测试文件）' }],
  getClause: (docId, clauseId) =>
    docId === 'xinghe-voucher-2025' && clauseId === 'art-2' ? { text: ARTICLE_2, amountsYuan: [30000] } : undefined,
  ruleSets: [loadRuleSetFile(path.join(BASES_DIR, 'zhengzhou/rules/zhengzhou-srdi-2024.yaml'))],
};

/** 1-based line of the first line containing `text`. */
const lineOf = (source: string, text: string) => source.split('\n').findIndex((l) => l.includes(text)) + 1;

function problems(source: string, ctx = context): AdminError {
  try {
    checkRulesText('upload.yaml', source, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(AdminError);
    return error as AdminError;
  }
  throw new Error('the rules were accepted');
}

describe('checkRulesText', () => {
  it('accepts rules whose every constant is in the cited clause', () => {
    const ruleSet = checkRulesText('upload.yaml', RULES, context);
    expect(ruleSet.rules.map((r) => r.id)).toEqual(['firefly-voucher']);
  });

  it('places YAML syntax errors on their line', () => {
    const broken = RULES.replace('    quote: 按实际支出', '    quote: [按实际支出');
    const error = problems(broken);
    expect(error.status).toBe(422);
    expect(error.issues[0]).toMatchObject({ line: expect.any(Number), message: expect.stringMatching(/^YAML 语法错误：/) });
    expect(error.issues[0]!.line).toBeGreaterThanOrEqual(lineOf(broken, 'quote: [按实际支出'));
    expect(error.message).toMatch(/^奖补规则文件 upload\.yaml 有 \d+ 处错误：第 \d+ 行/);
  });

  it('places schema errors on the line of the field (or of its parent when it is missing)', () => {
    const misspelt = RULES.replace('    conditions:', '    condition:');
    const error = problems(misspelt);
    const lines = error.issues.map((i) => i.line);
    expect(lines).toContain(lineOf(misspelt, '    condition:'));
    expect(error.issues.find((i) => i.line === lineOf(misspelt, '    condition:'))!.message).toContain(
      '不符合规则格式：unknown field "condition"',
    );
    expect(error.issues.some((i) => i.path === 'rules[0].conditions' && i.message.includes('missing required field'))).toBe(true);
  });

  it('refuses a document that is not published in this base, on the docId line', () => {
    const elsewhere = RULES.replace('docId: xinghe-voucher-2025', 'docId: another-doc');
    const error = problems(elsewhere);
    expect(error.issues[0]).toMatchObject({ line: lineOf(elsewhere, 'docId: another-doc'), path: 'docId' });
    expect(error.issues[0]!.message).toContain('不是本知识库已发布的文件');
  });

  it('checks every constant and the quote against the cited clause, each on its line', () => {
    const typo = RULES.replace('capYuan: 30000', 'capYuan: 50000').replace('percent: 50', 'percent: 60');
    const error = problems(typo);
    expect(error.issues.map((i) => [i.line, i.path])).toEqual([
      [lineOf(typo, 'percent: 60'), 'rules[0].amount.percent'],
      [lineOf(typo, 'capYuan: 50000'), 'rules[0].amount.capYuan'],
    ]);
    expect(error.issues[1]!.message).toBe('封顶金额 50000 不在所引条款 xinghe-voucher-2025#art-2 的原文中（规则 firefly-voucher）');

    const misquoted = RULES.replace('按实际支出的50%发放', '按实际支出的全额发放');
    expect(problems(misquoted).issues[0]).toMatchObject({ line: lineOf(misquoted, 'quote:'), path: 'rules[0].quote' });
    const missing = RULES.replace('clauseId: art-2', 'clauseId: art-9');
    expect(problems(missing).issues[0]!.message).toContain('所引条款 xinghe-voucher-2025#art-9 不存在');
  });

  it('refuses a fact id the base’s other rule sets use with another meaning', () => {
    const clash = RULES.replace('  - id: registeredSmallMicro', '  - id: level').replace('fact: registeredSmallMicro', 'fact: level');
    const error = problems(clash);
    expect(error.issues[0]).toMatchObject({ line: lineOf(clash, '  - id: level'), path: 'facts[0].id' });
    expect(error.issues[0]!.message).toContain('在规则 zhengzhou-srdi-2024 中含义不同');
  });
});
