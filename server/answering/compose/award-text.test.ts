import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { amountText } from './award-text.js';
import { parseRuleSet } from '../../../knowledge/rules/load-rules.js';

const forms = parseRuleSet(readFileSync(new URL('../../calculator/fixtures/forms.yaml', import.meta.url), 'utf8'), 'forms.yaml');
const decls = new Map(forms.facts.map((f) => [f.id, f]));
const text = (ruleId: string) =>
  amountText(
    forms.rules.find((r) => r.id === ruleId)!,
    decls,
  );

/** How an award's amount reads in an answer, for every amount form: as the policy states it, in 万元. */
describe('amountText', () => {
  it.each([
    ['equipment-bands', ['100万元以上至500万元以下按5%', '1000万元以上（不含）按8%', '进口设备按10%', '首台套', '最高300万元']],
    ['revenue-steps', ['1亿元以上至5亿元以下最高10万元', '5亿元以上最高30万元']],
    ['patent-award', ['2019年4月30日前（含）每件1万元', '2019年4月30日后每件5000元', '最高20万元']],
    ['revenue-units', ['每2000万元2万元', '最高20万元']],
    ['rent-subsidy', ['每件1000元×租用月数', '最高5万元']],
    ['listing-stages', ['辅导验收100万元、受理100万元、上市200万元', '合计最高400万元']],
    ['young-company-a', ['最高5万元']],
  ])('%s', (ruleId, parts) => {
    const shown = text(ruleId);
    for (const part of parts) expect(shown).toContain(part);
  });
});
