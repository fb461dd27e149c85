import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASES_DIR } from '../base-folder.js';
import { guessFormat } from './format.js';
import { parseLaw, parsePlan } from './parse.js';
import { cleanPlainText } from './clean.js';

const source = (base: string, file: string) => readFileSync(path.join(BASES_DIR, base, 'sources', file), 'utf8');

describe('guessFormat', () => {
  it.each([
    ['the scraped plan page', source('zhengzhou', 'zhengzhou-srdi-doubling-2024-2026.raw.txt'), 'plan-web-page'],
    ['a law in Markdown', source('zhengzhou', '中小企业促进法(2017-09-01).md'), 'law-markdown'],
    ['a district plan in plain text', source('lucheng', '鹿城区工业经济高质量发展的若干政策意见.txt'), 'plan-text'],
    ['a plan with continuous numbering and a gap', source('lucheng', '进一步加快现代服务业高质量发展的若干政策意见.txt'), 'plan-text'],
  ])('%s → %s, with confidence', (_, text, format) => {
    const guess = guessFormat(text);
    expect(guess.format).toBe(format);
    expect(guess.confidence).toBeGreaterThanOrEqual(0.8);
    expect(guess.evidence.length).toBeGreaterThan(3);
  });

  it('reads articles written with spaces (第 1 条) as a law in plain text', () => {
    const text = ['某市促进条例', '第一章 总则', ...Array.from({ length: 9 }, (_, i) => `第 ${i + 1} 条 为了……，制定本条例。`)].join('\n');
    expect(guessFormat(text)).toMatchObject({ format: 'law-text' });
  });

  it('is unsure of a text with little numbering, and says nothing is there', () => {
    const guess = guessFormat('关于做好安全生产工作的通知\n各单位：请做好安全生产工作。\n特此通知。');
    expect(guess.confidence).toBeLessThan(0.3);
  });
});

describe('parsing plans in plain text', () => {
  const plan = (text: string) => parsePlan(cleanPlainText(text, { docId: 'p' }).lines, { id: 'p', title: '某区若干政策意见' });

  it('names items by section when numbering starts again in each section', () => {
    const clauses = plan(
      '某区若干政策意见\n为……特制定本意见。\n一、\t第一部分\n1.甲。\n2.乙。\n二、第二部分\n1.丙。\n附  则\n1．适用对象。\n2．有效期。',
    );
    expect(clauses.map((c) => c.id)).toEqual(['intro', 'item-1-1', 'item-1-2', 'item-2-1', 'annex-1', 'annex-2']);
    expect(clauses.find((c) => c.id === 'item-2-1')).toMatchObject({ label: '二1', path: ['二、第二部分'] });
    expect(clauses.find((c) => c.id === 'annex-2')).toMatchObject({ kind: 'annex', label: '附则2' });
  });

  it('keeps a gap in continuous numbering, full-width and spaced points, and nested （1） inside their item', () => {
    const clauses = plan('某区若干政策意见\n前言。\n一、甲\n9．子项。\n10. 丑项：\n（1）第一种；\n（2）第二种。\n二、乙\n12、寅项。');
    expect(clauses.map((c) => c.id)).toEqual(['intro', 'item-9', 'item-10', 'item-12']);
    expect(clauses.find((c) => c.id === 'item-10')!.text).toContain('（2）第二种');
  });

  it('reads a plain-text law with articles written 第 1 条', () => {
    const { clauses } = parseLaw(cleanPlainText('某条例\n第一章 总则\n第 1 条 目的。\n第 2 条 适用范围。', { docId: 'l' }).lines, 'l');
    expect(clauses.map((c) => c.id)).toEqual(['preamble', 'art-1', 'art-2']);
    expect(clauses[1]!.aliases).toEqual(expect.arrayContaining(['第1条', '第一条']));
    expect(clauses[1]!.path).toEqual(['第一章 总则']);
  });
});
