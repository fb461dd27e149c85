/**
 * The one place the service reads the date. Everything that answers "as of today" (validity, the
 * calculator, the console's default period) takes a `Clock`, so tests and evaluation runs can fix the day.
 */
export interface Clock {
  /** Today's date in China (UTC+8, no daylight saving), YYYY-MM-DD. */
  today(): string;
  /** Milliseconds since the epoch. */
  now(): number;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The date in China at a moment (YYYY-MM-DD). */
export function chinaDate(epochMs: number): string {
  return new Date(epochMs + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The machine's clock. */
export const systemClock: Clock = {
  today: () => chinaDate(Date.now()),
  now: () => Date.now(),
};

const DAY_MS = 86_400_000;

/** The moment `day` (China) reaches the current time of day: a service that lives on that day, hour by hour. */
function onDay(day: string): number {
  const timeOfDay = (Date.now() + CHINA_OFFSET_MS) % DAY_MS;
  return Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MS + timeOfDay;
}

/**
 * A clock that lives on one day (tests, evaluation runs): `today()` is that day and `now()` that day at the
 * current time of day, so records stamped with `now()` fall on the day the answers were given.
 */
export function fixedDayClock(day: string): Clock {
  return { today: () => day, now: () => onDay(day) };
}

/** A clock from a `today()` function (tests): the day it returns, at the current time of day. */
export function clockFrom(today?: () => string): Clock {
  return today ? { today, now: () => onDay(today()) } : systemClock;
}
