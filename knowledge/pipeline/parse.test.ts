import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { baseFolder, BASES_DIR, DEFAULT_BASE_DIR } from '../base-folder.js';
import { chineseNumeralToInt, parseLaw, parsePlan, parseResponsibleUnits } from './parse.js';
import { loadSources } from './sources.js';

const { documents } = loadSources(baseFolder(DEFAULT_BASE_DIR));
const plan = documents.find((d) => d.meta.id === 'zhengzhou-srdi-2024')!;
const law = documents.find((d) => d.meta.id === 'sme-promotion-law-2017')!;
const henan = documents.find((d) => d.meta.id === 'henan-sme-measures-2008')!;

describe('parsing the plan', () => {
  it('finds 24 numbered items under 三、主要任务 in 7 subsections', () => {
    const items = plan.clauses.filter((c) => c.kind === 'item');
    expect(items.map((c) => c.id)).toEqual(Array.from({ length: 24 }, (_, i) => `item-${i + 1}`));
    expect(items.every((c) => c.path[0] === '三、主要任务')).toBe(true);
    expect(new Set(items.map((c) => c.path[1])).size).toBe(7);
    expect(plan.clauses.find((c) => c.id === 'item-3')!.path[1]).toBe('（一）推动创业创新');
    expect(plan.clauses.find((c) => c.id === 'item-19')!.path[1]).toBe('（七）强化要素保障');
  });

  it('has sections 一 and 二, three subsections under 四、保障措施, the preamble, introduction and closing', () => {
    const ids = plan.clauses.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['preamble', 'intro', 'sec-1', 'sec-2', 'sec-4-1', 'sec-4-2', 'sec-4-3', 'closing']));
    expect(plan.clauses.filter((c) => c.kind === 'subsection').map((c) => c.label)).toEqual(['四（一）', '四（二）', '四（三）']);
    expect(plan.clauses.find((c) => c.id === 'closing')!.text).toBe('本方案自公布之日起实施，有效期至2026年年底。');
    expect(plan.clauses.find((c) => c.id === 'preamble')!.text).toContain('2024年12月19日');
    expect(plan.clauses.find((c) => c.id === 'sec-2')!.text).toContain('达到150家');
  });

  it('gives each item its label, the aliases people use, its heading sentence and its amounts in yuan', () => {
    const item1 = plan.clauses.find((c) => c.id === 'item-1')!;
    expect(item1.label).toBe('三（一）1');
    expect(item1.heading).toBe('支持企业加大研发投入');
    expect(item1.amountsYuan).toEqual([1_000_000, 2_000_000]);
    const item19 = plan.clauses.find((c) => c.id === 'item-19')!;
    expect(item19.label).toBe('三（七）19');
    expect(item19.aliases).toEqual(expect.arrayContaining(['第19条', '第十九条']));
    expect(item19.amountsYuan).toEqual([2_000_000, 500_000]);
    expect(plan.clauses.find((c) => c.id === 'item-3')!.amountsYuan).toEqual([50_000, 30_000, 10_000]);
    expect(plan.clauses.find((c) => c.id === 'item-20')!.amountsYuan).toEqual([1_000_000, 500_000]);
  });

  it("parses item 19's responsible units", () => {
    expect(plan.clauses.find((c) => c.id === 'item-19')!.responsibleUnits).toEqual([
      '市工信局',
      '市财政局',
      '市税务局',
      '郑州市航空港经济综合试验区税务局',
      '河南省第三税务分局',
      '各开发区管委会',
      '各区县（市）政府',
    ]);
  });

  it('carries the document metadata, including the application window from the page header', () => {
    expect(plan.meta).toMatchObject({
      issuer: '郑州市人民政府办公室',
      issueDate: '2024-12-19',
      validity: { from: '2024-12-19', to: '2026-12-31' },
      applicationWindow: { from: '2024-12-27', to: '2026-12-31' },
      jurisdiction: '郑州市',
    });
  });

  it('a new plan in the same numbering style needs no code change', () => {
    const clauses = parsePlan(
      [
        '各区人民政府：',
        '现印发。',
        '某市人民政府',
        '2025年1月2日',
        '某市测试方案',
        '（2025—2027年）',
        '为了测试，制定本方案。',
        '一、总体要求',
        '总体要求正文。',
        '二、重点任务',
        '（一）第一组',
        '1.第一项。给予不超过30万元奖励。（责任单位：市甲局、市乙局）',
        '2.第二项。正文。',
        '（二）第二组',
        '3.第三项。正文。',
        '本方案自2025年1月1日起施行。',
      ],
      { id: 'test-plan', title: '某市测试方案（2025—2027年）' },
    );
    expect(clauses.map((c) => c.id)).toEqual(['preamble', 'intro', 'sec-1', 'item-1', 'item-2', 'item-3', 'closing']);
    expect(clauses.find((c) => c.id === 'item-1')).toMatchObject({
      label: '二（一）1',
      amountsYuan: [300_000],
      responsibleUnits: ['市甲局', '市乙局'],
    });
    expect(clauses.find((c) => c.id === 'item-3')!.path).toEqual(['二、重点任务', '（二）第二组']);
  });
});

describe('parsing laws', () => {
  it('中小企业促进法 has 10 chapters and 61 articles', () => {
    const articles = law.clauses.filter((c) => c.kind === 'article');
    expect(articles).toHaveLength(61);
    expect(new Set(articles.map((c) => c.path[0])).size).toBe(10);
    expect(articles[0]!.path[0]).toBe('第一章 总则');
    expect(law.clauses.find((c) => c.id === 'art-61')!.text).toContain('2018年1月1日');
  });

  it('the Henan implementing measures have 29 articles', () => {
    expect(henan.clauses.filter((c) => c.kind === 'article')).toHaveLength(29);
  });

  it('keeps multi-paragraph articles together', () => {
    const art2 = law.clauses.find((c) => c.id === 'art-2')!;
    expect(art2.text.split('\n')).toHaveLength(2);
    expect(art2.label).toBe('第2条');
    expect(art2.aliases).toContain('第二条');
  });

  it('a new law in 第X条 style, with 节, needs no code change', () => {
    const parsed = parseLaw(
      [
        '# 测试条例',
        '2020年1月1日通过',
        '<!-- INFO END -->',
        '## 第一章 总则',
        '### 第一节 一般规定',
        '第一条 为了测试。',
        '第二条 第二条正文。',
        '第二款。',
        '## 第二章 附则',
        '第十一条 本条例自公布之日起施行。',
      ],
      'test-law',
    );
    expect(parsed.chapters).toBe(2);
    expect(parsed.clauses.map((c) => c.id)).toEqual(['preamble', 'art-1', 'art-2', 'art-11']);
    expect(parsed.clauses.find((c) => c.id === 'art-2')!.path).toEqual(['第一章 总则', '第一节 一般规定']);
  });
});

describe('numbering helpers', () => {
  it.each([
    ['一', 1],
    ['十', 10],
    ['十九', 19],
    ['二十四', 24],
    ['六十一', 61],
    ['一百零二', 102],
    ['19', 19],
  ])('%s → %i', (text, n) => expect(chineseNumeralToInt(text)).toBe(n));

  it('splits responsible units on both separators and writes 〔市〕 as （市）', () => {
    expect(parseResponsibleUnits('正文。（责任单位：市工信局，市委金融办，各区县〔市〕政府）')).toEqual([
      '市工信局',
      '市委金融办',
      '各区县（市）政府',
    ]);
    expect(parseResponsibleUnits('没有责任单位的句子。')).toEqual([]);
  });
});

describe('parsing the 鹿城 policies (plain text)', () => {
  const lucheng = loadSources(baseFolder(path.join(BASES_DIR, 'lucheng'))).documents;
  const industry = lucheng.find((d) => d.meta.id === 'lucheng-industry-2019')!;
  const services = lucheng.find((d) => d.meta.id === 'lucheng-services-2019')!;

  it('names the industry items by section, as they restart at 1, and the six points of the 附则', () => {
    const ids = industry.clauses.map((c) => c.id);
    expect(ids.filter((id) => id.startsWith('item-1-'))).toHaveLength(8);
    expect(ids).toEqual(expect.arrayContaining(['intro', 'item-2-5', 'item-3-11', 'item-6-1']));
    expect(ids.filter((id) => id.startsWith('annex-'))).toEqual(['annex-1', 'annex-2', 'annex-3', 'annex-4', 'annex-5', 'annex-6']);
    expect(industry.clauses.find((c) => c.id === 'annex-4')!.text).toContain('“以上”均包含本数');
  });

  it('keeps the services items numbered through, with the gap at 11', () => {
    const items = services.clauses.filter((c) => c.kind === 'item').map((c) => c.id);
    expect(items).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `item-${i + 1}`),
      'item-12',
      'item-13',
      'item-14',
      'item-15',
      'item-16',
      'item-17',
    ]);
    expect(services.clauses.find((c) => c.id === 'item-17')!.text).toContain('（2）');
  });
});
