import { formatYuan } from '../../knowledge/text/money.js';
import type { Rate } from './metrics.js';

/** Chinese names of the golden categories, for the reports. */
export const CATEGORY_LABELS: Record<string, string> = {
  'award-equipment': '设备、软件投资补助',
  'award-contest': '“创客中国”获奖奖励',
  'award-recognition': '新认定企业奖励',
  'award-cluster': '特色产业集群奖励',
  'award-combined': '多项奖补组合',
  expiry: '有效期与到期',
  'lookup-plan': '方案条款查询',
  'lookup-law': '法律条文查询',
  'money-forms': '金额写法',
  traditional: '繁体字提问',
  'multi-turn': '多轮对话',
  'out-of-scope': '超出范围',
  injection: '提示词注入',
  smalltalk: '寒暄',
  clarify: '追问补充信息',
};

export const KIND_LABELS: Record<string, string> = {
  calculation: '测算',
  lookup: '查条款',
  clarify: '追问',
  out_of_scope: '拒答',
  smalltalk: '寒暄',
  error: '出错',
};

export const categoryLabel = (category: string) => CATEGORY_LABELS[category] ?? category;
export const kindLabel = (kind: string | undefined) => (kind === undefined ? '—' : `${KIND_LABELS[kind] ?? kind}（${kind}）`);

export const pct = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined ? '—' : `${(value * 100).toFixed(digits)}%`;
export const rateText = (r: Rate, digits = 1) => (r.den === 0 ? '—' : `${pct(r.rate, digits)}（${r.num}/${r.den}）`);
export const ms = (value: number | null | undefined) =>
  value === null || value === undefined
    ? '—'
    : value < 10
      ? `${value.toFixed(2)} ms`
      : value < 1000
        ? `${value.toFixed(0)} ms`
        : `${(value / 1000).toFixed(2)} s`;
export const yuan = (amount: number) => `${formatYuan(amount)}（${amount}）`;
export const num = (value: number | null | undefined, digits = 3) => (value === null || value === undefined ? '—' : value.toFixed(digits));
