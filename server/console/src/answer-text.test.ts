import { describe, expect, it } from 'vitest';
import { callerMessage, clauseLabels, detailBlocks, readAloudLines } from './answer-text.js';
import type { Answer } from './types.js';

const PLAN = '郑州市专精特新企业三年倍增行动方案（2024—2026年）';
const BASE = { assistantName: '郑州市专精特新政策咨询助手' };

function answer(partial: Partial<Answer>): Answer {
  return { answer: '', details: '', kind: 'calculation', citations: [], calculations: [], asOf: '2026-06-01', ...partial };
}

const citation = (clauseId: string, label: string, title = PLAN) => ({
  docId: title,
  clauseId,
  label,
  title,
  quote: `${label} 原文全文。`,
});

describe('readAloudLines', () => {
  it('reads the short answer sentence by sentence, keeping a bracket with its sentence', () => {
    expect(
      readAloudLines('可申请设备、软件投资补助，最高50万元（500万元×10%，上限200万元）。前提是资质在有效期内，如不符请告诉我。'),
    ).toEqual(['可申请设备、软件投资补助，最高50万元（500万元×10%，上限200万元）。', '前提是资质在有效期内，如不符请告诉我。']);
  });

  it('reads each listed award of an overview as one item, without its bullet', () => {
    expect(
      readAloudLines(
        '可以测算金额的奖补有：\n· 设备、软件投资补助：最高200万元（税后投资超100万元）\n· 新认定省级专精特新中小企业一次性奖励：最高50万元',
      ),
    ).toEqual([
      '可以测算金额的奖补有：',
      '设备、软件投资补助：最高200万元（税后投资超100万元）',
      '新认定省级专精特新中小企业一次性奖励：最高50万元',
    ]);
  });
});

describe('detailBlocks', () => {
  const details = [
    '【设备、软件投资补助】',
    '计算：5,000,000 × 10% = 500,000（上限 2,000,000）',
    '条件核对：✓ 持有省级以上专精特新资质（当前：省级）；✗ 该笔投资未获省财政补助（当前：是）；？ 资质在有效期内',
    '所用情况：',
    '· 专精特新资质等级：省级专精特新中小企业（您说“省级专精特新”）',
    '· 设备、软件实际投资额（税后）：500万元（您说“500万”）',
    '说明：',
    '《郑州市专精特新企业三年倍增行动方案（2024—2026年）》有效期至2026年12月31日。',
    '以上金额均为政策规定的上限（原文为“不超过”），实际金额以主管部门审核为准。',
  ].join('\n');

  it('turns headings, condition checks, labelled lists and lines into blocks, in order', () => {
    expect(detailBlocks(details)).toEqual([
      { type: 'heading', text: '设备、软件投资补助', rest: '' },
      { type: 'line', label: '计算', text: '5,000,000 × 10% = 500,000（上限 2,000,000）' },
      {
        type: 'checks',
        label: '条件核对',
        items: [
          { text: '持有省级以上专精特新资质（当前：省级）', met: true },
          { text: '该笔投资未获省财政补助（当前：是）', met: false },
          { text: '资质在有效期内', met: null },
        ],
      },
      {
        type: 'list',
        label: '所用情况',
        items: ['专精特新资质等级：省级专精特新中小企业（您说“省级专精特新”）', '设备、软件实际投资额（税后）：500万元（您说“500万”）'],
      },
      { type: 'line', label: '说明', text: '' },
      { type: 'line', label: '', text: '《郑州市专精特新企业三年倍增行动方案（2024—2026年）》有效期至2026年12月31日。' },
      { type: 'line', label: '', text: '以上金额均为政策规定的上限（原文为“不超过”），实际金额以主管部门审核为准。' },
    ]);
  });

  it('keeps what follows a heading on its line (an overview’s condition)', () => {
    expect(detailBlocks('【新认定省级专精特新中小企业一次性奖励】新认定的省级专精特新中小企业')).toEqual([
      { type: 'heading', text: '新认定省级专精特新中小企业一次性奖励', rest: '新认定的省级专精特新中小企业' },
    ]);
  });

  it('drops no text: every character of every line is in some block', () => {
    const shown = detailBlocks(details)
      .flatMap((b) =>
        b.type === 'heading'
          ? [b.text, b.rest]
          : b.type === 'checks'
            ? [b.label, ...b.items.map((i) => i.text)]
            : b.type === 'list'
              ? [b.label, ...b.items]
              : [b.label, b.text],
      )
      .join('');
    const strip = (s: string) => s.replace(/[\s【】：；·✓✗？]/g, '');
    expect(strip(shown)).toBe(strip(details));
  });

  it('has no blocks for empty details', () => {
    expect(detailBlocks('  \n')).toEqual([]);
  });
});

describe('callerMessage', () => {
  it('is the short answer and the cited clauses by label, grouped by document, without quotes or formulas', () => {
    const message = callerMessage(
      answer({
        answer: '可申请2项，合计最高250万元。',
        details: '计算：5,000,000 × 10% = 500,000',
        citations: [
          citation('item-1', '三（一）1'),
          citation('item-19', '三（七）19'),
          citation('item-1', '三（一）1'),
          citation('art-8', '第八条', '中小企业促进法'),
        ],
      }),
      BASE,
    );
    expect(message).toBe(
      `【郑州市专精特新政策咨询助手】\n可申请2项，合计最高250万元。\n依据：《${PLAN}》三（一）1、三（七）19；《中小企业促进法》第八条`,
    );
    expect(message).not.toContain('原文全文');
    expect(message).not.toContain('5,000,000');
  });

  it('has no 依据 line when nothing is cited', () => {
    expect(callerMessage(answer({ kind: 'out_of_scope', answer: '抱歉，这个问题不在范围内。' }), BASE)).toBe(
      '【郑州市专精特新政策咨询助手】\n抱歉，这个问题不在范围内。',
    );
  });

  it('adds the public link of each cited clause, once, where a link template is configured', () => {
    const message = callerMessage(
      answer({
        answer: '最高200万元。',
        citations: [citation('item-1', '三（一）1'), citation('item-1', '三（一）1'), citation('item 19', '三（七）19')],
      }),
      { ...BASE, clauseLinkTemplate: 'https://zc.example.gov.cn/p/{docId}#{clauseId}' },
    );
    const links = message.split('\n').at(-1)!;
    expect(links.startsWith('条款原文：')).toBe(true);
    expect(links.split(' ').length).toBe(2);
    expect(links).toContain('#item-1');
    expect(links).toContain('#item%2019');
    expect(callerMessage(answer({ answer: '最高200万元。', citations: [citation('item-1', '三（一）1')] }), BASE)).not.toContain('http');
  });

  it('names no base when it does not know one yet', () => {
    expect(callerMessage(answer({ answer: '最高200万元。' }))).toBe('最高200万元。');
  });

  it('names each clause once per document', () => {
    expect(clauseLabels([citation('item-1', '三（一）1'), citation('item-1', '三（一）1')])).toBe(`《${PLAN}》三（一）1`);
  });
});
