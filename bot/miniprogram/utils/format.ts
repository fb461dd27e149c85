/**
 * Presentation only: an integer number of yuan with thousands separators, exactly the service's value
 * (no rounding to 万, which would be a second opinion on the amount).
 */
export function formatYuan(yuan: number): string {
  const digits = String(Math.trunc(yuan));
  return `${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')} 元`;
}

export const STATUS_TEXT: Record<string, string> = {
  eligible: '可申请',
  ineligible: '不符合条件',
  'needs-facts': '待补充信息',
  expired: '方案已过期',
};

export const metMark = (met: boolean | null) => (met === true ? '✓' : met === false ? '✗' : '？');

/** A short id for sessions and list keys; not a secret. */
export function randomId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
