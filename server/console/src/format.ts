/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/** Formatting for the console: amounts, dates, days left, kinds of answer. */

/** 500000 → "500,000". */
export function digits(yuan: number): string {
  return String(Math.round(yuan)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 500000 → "50万元"; 12345 → "1.2345万元"; 800 → "800元". */
export function wan(yuan: number): string {
  if (yuan < 10_000) return `${yuan}元`;
  if (yuan < 100_000_000) return `${trim(yuan / 10_000)}万元`;
  return `${trim(yuan / 100_000_000)}亿元`;
}

function trim(n: number): string {
  return n.toFixed(4).replace(/\.?0+$/, '');
}

/** "500,000 元（50万元）". */
export function yuan(amount: number): string {
  return amount >= 10_000 ? `${digits(amount)} 元（${wan(amount)}）` : `${digits(amount)} 元`;
}

/** Today in China (YYYY-MM-DD), from this computer's clock. */
export function chinaToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD): the days left until a validity ends. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** "2026-12-31" → "2026年12月31日". */
export function chineseDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** A log timestamp as China time, "11-29 18:30". */
export function shortTime(iso: string): string {
  const parts = new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

export function clockTime(iso: string): string {
  return new Intl.DateTimeFormat('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

/** The validity of a policy on a day, as the console states it. */
export function validityText(
  validity: { from: string; to?: string },
  today: string,
): { text: string; daysLeft?: number; state: 'valid' | 'expired' | 'not-yet' | 'open' } {
  if (today < validity.from) return { text: `自${chineseDate(validity.from)}起施行（尚未生效）`, state: 'not-yet' };
  if (!validity.to) return { text: `自${chineseDate(validity.from)}起施行，长期有效`, state: 'open' };
  const daysLeft = daysBetween(today, validity.to);
  if (daysLeft < 0)
    return {
      text: `有效期${chineseDate(validity.from)}至${chineseDate(validity.to)}，已于${-daysLeft}天前到期`,
      daysLeft,
      state: 'expired',
    };
  return { text: `有效期${chineseDate(validity.from)}至${chineseDate(validity.to)}，还剩 ${daysLeft} 天`, daysLeft, state: 'valid' };
}

export const KIND_LABELS: Record<string, string> = {
  calculation: '测算',
  lookup: '查条款',
  clarify: '需补充信息',
  out_of_scope: '不在范围',
  smalltalk: '寒暄',
};
