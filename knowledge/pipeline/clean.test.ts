import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseFolder, DEFAULT_BASE_DIR } from '../base-folder.js';

const DEFAULT_SOURCES_DIR = baseFolder(DEFAULT_BASE_DIR).sourcesDir;
import { hasTraditionalCharacters, matchingKey } from '../text/normalise.js';
import { cleanPolicyPage, parseErrata } from './clean.js';

const raw = readFileSync(path.join(DEFAULT_SOURCES_DIR, 'zhengzhou-srdi-doubling-2024-2026.raw.txt'), 'utf8');
const errata = parseErrata(readFileSync(path.join(DEFAULT_SOURCES_DIR, 'errata/zhengzhou-srdi-2024.yaml'), 'utf8'), 'errata');
const cleaned = cleanPolicyPage(raw, { docId: 'zhengzhou-srdi-2024', errata });
const text = cleaned.lines.join('\n');

describe('cleaning the scraped policy page', () => {
  it('strips every inlined pinyin annotation', () => {
    expect(raw).toMatch(/發\(fā\)/);
    expect(cleaned.report.rubyAnnotationsStripped).toBeGreaterThan(500);
    expect(text).not.toMatch(/\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)/);
    expect(text).not.toMatch(/[a-z]{2,}/);
  });

  it('leaves no Traditional-only character', () => {
    expect(hasTraditionalCharacters(text)).toBe(false);
    expect(text).toContain('郑州市专精特新企业三年倍增行动方案');
  });

  it('drops the page header, the promotion line and the advertising footer', () => {
    for (const chrome of ['400-110-9001', 'ICP', '查看原文', '补贴详情', '专业服务', '全额退款', '申报日期', '河南省 郑州市']) {
      expect(text).not.toContain(chrome);
    }
    expect(cleaned.report.removed.map((r) => r.kind)).toEqual(
      expect.arrayContaining(['page-header', 'application-window', 'promotion', 'footer']),
    );
  });

  it('keeps the application window from the header as metadata', () => {
    expect(cleaned.applicationWindow).toEqual({ from: '2024-12-27', to: '2026-12-31' });
  });

  it('contains the award sentences verbatim, in canonical punctuation', () => {
    expect(text).toContain('市财政按照不超过设备、软件实际投资（税后超100万元）的10%给予补助，最高不超过200万元');
    expect(text).toContain('分别给予不超过5万元、3万元、1万元奖励');
    expect(text).toContain('本方案自公布之日起实施，有效期至2026年年底');
  });

  it('reports the mojibake in item 9 and repairs it with the errata file', () => {
    const withoutErrata = cleanPolicyPage(raw, { docId: 'zhengzhou-srdi-2024' });
    expect(withoutErrata.report.issues).toHaveLength(1);
    expect(withoutErrata.report.issues[0]).toMatchObject({ kind: 'mojibake' });
    expect(withoutErrata.report.issues[0]!.context).toContain('发展');
    expect(withoutErrata.lines.join('')).not.toContain('发展潜力较好');

    expect(text).toContain('定期遴选重点行业、发展潜力较好的省级以上专精特新企业');
    expect(cleaned.report.issues.every((i) => i.fixedBy)).toBe(true);
  });

  it('reports an errata entry that no longer matches anything', () => {
    const stale = cleanPolicyPage(raw, { docId: 'x', errata: { fixes: [{ find: '不存在的片段', replace: '', reason: 'test' }] } });
    expect(stale.report.issues.some((i) => i.context.includes('errata not applied'))).toBe(true);
  });

  it('rejects a malformed errata file naming it', () => {
    expect(() => parseErrata('fixes:\n  - find: 1\n', 'bad.yaml')).toThrow(/bad\.yaml: fixes\.0/);
  });

  it('punctuation is normalised consistently: the same sentence matches however it was typed', () => {
    expect(matchingKey('分别给予不超过5万元,3万元,1万元奖励')).toBe(matchingKey('分别给予不超过5万元、3万元、1万元奖励'));
  });
});
