import { describe, expect, it } from 'vitest';
import { maskPersonalData } from './mask.js';

describe('masking personal data in log lines', () => {
  it.each([
    ['我手机13812345678，回电', '我手机[手机号]，回电'],
    ['电话 138-1234-5678', '电话 [手机号]'],
    ['+86 13912345678', '[手机号]'],
    ['座机0371-12345678', '座机[电话]'],
    ['身份证410105199001011234', '身份证[身份证号]'],
    ['邮箱 boss@example.com', '邮箱 [邮箱]'],
    ['我叫张三，我们是省级专精特新', '我叫张*，我们是省级专精特新'],
    ['联系人：李四', '联系人：李*'],
    ['本人王建国，电话13800000000', '本人王*，电话[手机号]'],
    ['找王经理', '找王经理'],
  ])('%s → %s', (input, masked) => {
    expect(maskPersonalData(input)).toBe(masked);
  });

  it('leaves questions without personal data unchanged, amounts included', () => {
    const question = '我们是省级专精特新，买了500万设备，市里能补多少？第19条讲什么';
    expect(maskPersonalData(question)).toBe(question);
    expect(maskPersonalData('投资5,000,000元，2026年')).toBe('投资5,000,000元，2026年');
  });
});
