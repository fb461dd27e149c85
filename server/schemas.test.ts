import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCalendarDate } from './schemas.js';

describe('isCalendarDate', () => {
  const byDateObject = (s: string) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
  const pad = (n: number, width: number) => String(n).padStart(width, '0');

  it('agrees with the calendar for any YYYY-MM-DD, months and days out of range included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (y, m, d) => {
        const text = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
        expect(isCalendarDate(text)).toBe(byDateObject(text));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['2024-02-29', true],
    ['2100-02-29', false],
    ['2000-02-29', true],
    ['2026-02-30', false],
    ['2026-04-31', false],
    ['2026-12-31', true],
    ['2026-00-10', false],
    ['2026-13-01', false],
  ])('%s → %s', (text, valid) => expect(isCalendarDate(text)).toBe(valid));
});
