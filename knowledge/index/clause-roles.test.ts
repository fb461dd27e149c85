import { describe, expect, it } from 'vitest';
import { loadClauseRoles } from './clause-roles.js';

/**
 * Clause roles from the drafting formulas of Chinese legal and policy texts, and the everyday questions that ask
 * for them. The clauses are written for this test in the forms laws, regulations and district policies use.
 */
const roles = loadClauseRoles();

describe('what a clause does, from its own drafting formula', () => {
  it.each<[string, string[]]>([
    ['第一条 为了规范市场秩序，保护消费者合法权益，制定本法。', ['purpose']],
    ['为推动本区数字经济发展，特制定本意见。', ['purpose']],
    ['第一条 根据《中华人民共和国中小企业促进法》，结合本省实际，制定本办法。', ['basis']],
    ['以新发展理念为指导，落实《若干措施》。', ['basis']],
    ['第三十条 本条例自2020年3月1日起施行。', ['effect']],
    ['本方案自公布之日起实施，有效期至2026年年底。', ['effect']],
    ['本办法施行后，原办法同时废止。', ['effect']],
    ['各区县人民政府：《行动方案》已经市政府同意，现印发给你们，请认真贯彻执行。', ['issuance']],
    // Ordinary provisions have no role, whatever words they share with one.
    ['对新认定的企业给予不超过50万元的一次性奖励。', []],
    ['根据企业申请，按季度拨付补助资金。', []],
    ['补助期限不超过3年。', []],
  ])('%s → %j', (text, expected) => {
    expect(roles.ofClause(text)).toEqual(expected);
  });
});

describe('which role a question asks for, in everyday words', () => {
  it.each<[string, string[]]>([
    ['国家立这部法，初衷是啥', ['purpose']],
    ['出这个政策是想解决什么', ['purpose']],
    ['这份办法是照着哪部上位法来的', ['basis']],
    ['这个方案上面有什么文件撑腰', ['basis']],
    ['这部法律是哪天开始执行的', ['effect']],
    ['那个计划到哪年就过期了，后年还作数吗', ['effect']],
    ['When does the regulation take effect?', ['effect']],
    ['落款是哪一天、谁家盖的章', ['issuance']],
    ['这个文件是哪个部门发的', ['issuance']],
    // Questions about an award ask for none, a company's own status expiring included.
    ['设备补助最高多少', []],
    ['我们的资质去年过期了，还能申请吗', []],
    ['有效期内的省级专精特新买设备能补多少', []],
    ['我们是省级专精特新，能拿多少', []],
  ])('%s → %j', (question, expected) => {
    expect(roles.askedBy(question.toLowerCase())).toEqual(expected);
  });
});
