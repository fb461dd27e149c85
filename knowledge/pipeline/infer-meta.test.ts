import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASES_DIR } from '../base-folder.js';
import { inferMetadata, jurisdictionOfIssuer } from './infer-meta.js';

const source = (base: string, file: string) => readFileSync(path.join(BASES_DIR, base, 'sources', file), 'utf8');

describe('inferMetadata', () => {
  it('reads title, signature, dates and place from a notice, saying where each was found', () => {
    const text = [
      '星河区萤火虫创新券试行办法（虚构测试文件）',
      '星河区虚构科技创新局',
      '2025年3月1日',
      '第一条 本办法纯属虚构。',
      '第二条 本办法自2025年3月1日起施行，有效期至2027年12月31日。',
    ].join('\n');
    expect(inferMetadata(text)).toEqual({
      title: { value: '星河区萤火虫创新券试行办法（虚构测试文件）', how: '取自正文第 1 行' },
      issuer: { value: '星河区虚构科技创新局', how: '取自落款' },
      issueDate: { value: '2025-03-01', how: '取自落款日期' },
      validFrom: { value: '2025-03-01', how: '取自“自……起施行”' },
      validTo: { value: '2027-12-31', how: '取自“有效期至……”' },
      jurisdiction: { value: '星河区', how: '取自发布机关名称' },
    });
  });

  it('takes the policy a notice issues as the title, dates in Chinese numerals, and 有效期N年 counted from the start', () => {
    const text = [
      '关于印发《云溪县虚构人才驿站管理办法》的通知',
      '各乡镇人民政府：',
      '现将《云溪县虚构人才驿站管理办法》印发给你们，请认真贯彻执行。',
      '云溪县人民政府办公室',
      '二〇二三年十二月五日',
      '本办法自印发之日起施行，有效期三年。',
    ].join('\n');
    const meta = inferMetadata(text);
    expect(meta.title).toEqual({ value: '云溪县虚构人才驿站管理办法', how: '取自印发通知中的文件名' });
    expect(meta.issuer?.value).toBe('云溪县人民政府办公室');
    expect(meta.issueDate?.value).toBe('2023-12-05');
    expect(meta.validFrom).toEqual({ value: '2023-12-05', how: '“自印发之日起施行”，取发布日期' });
    expect(meta.validTo?.value).toBe('2026-12-04');
    expect(meta.jurisdiction?.value).toBe('云溪县');
  });

  it('prefers a title the file declares, and leaves out what the text does not say', () => {
    const meta = inferMetadata('第一条 正文。\n第二条 正文。', { titleHint: '某某办法' });
    expect(meta).toEqual({ title: { value: '某某办法', how: '取自文件自带的标题（标题样式、网页标题或 PDF 属性）' } });
    expect(inferMetadata('没有标题的一段话。')).toEqual({});
  });

  it('finds the metadata of the repository’s own sources as their manifests give it', () => {
    const plan = inferMetadata(source('zhengzhou', 'zhengzhou-srdi-doubling-2024-2026.raw.txt'));
    expect(plan.title?.value).toBe('郑州市专精特新企业三年倍增行动方案'); // pinyin ruby stripped
    expect(plan.issuer?.value).toBe('郑州市人民政府办公室');
    expect(plan.issueDate?.value).toBe('2024-12-19');
    expect(plan.jurisdiction?.value).toBe('郑州市');
    const services = inferMetadata(source('lucheng', '进一步加快现代服务业高质量发展的若干政策意见.txt'));
    expect([services.validFrom?.value, services.validTo?.value]).toEqual(['2019-01-01', '2021-12-31']);
  });

  it('names the most specific place of an issuer, 全国 for national bodies', () => {
    expect(jurisdictionOfIssuer('中共温州市鹿城区委、温州市鹿城区人民政府')).toBe('温州市鹿城区');
    expect(jurisdictionOfIssuer('河南省人民代表大会常务委员会')).toBe('河南省');
    expect(jurisdictionOfIssuer('全国人民代表大会常务委员会')).toBe('全国');
    expect(jurisdictionOfIssuer('市工信局')).toBeUndefined();
  });
});
