import { describe, expect, it } from 'vitest';
import { chinaDate, clockFrom, fixedDayClock, systemClock } from './clock.js';

describe('clock', () => {
  it('reads the date in China: 16:00 UTC is already the next day there', () => {
    expect(chinaDate(Date.parse('2026-12-31T15:59:59Z'))).toBe('2026-12-31');
    expect(chinaDate(Date.parse('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
  });

  it('a fixed-day clock keeps its day; the system clock follows the machine', () => {
    expect(fixedDayClock('2020-06-30').today()).toBe('2020-06-30');
    expect(clockFrom(() => '2021-01-01').today()).toBe('2021-01-01');
    expect(systemClock.today()).toBe(chinaDate(Date.now()));
    expect(clockFrom()).toBe(systemClock);
    expect(chinaDate(fixedDayClock('2020-06-30').now())).toBe('2020-06-30');
    expect(chinaDate(clockFrom(() => '2021-01-01').now())).toBe('2021-01-01');
  });
});
