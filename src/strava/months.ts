/**
 * Month arithmetic. A month is the athlete's local month: `start_date_local` carries a `Z` but
 * is local wall time, so its first seven characters are the month. Strava is queried with a
 * UTC window widened by 14 hours on each side (UTC-12 .. UTC+14 covers every zone), then the
 * activities are filtered by `start_date_local`.
 */
import { ConfigError } from '../errors.js';

export type Month = string; // 'YYYY-MM'

const MONTH_RE = /^(\d{4})-(\d{2})$/;
const WIDEN_SECONDS = 14 * 3600;

/** Validates a user-supplied month: `YYYY-MM`, a real month, not in the future. */
export function parseMonth(value: string, input = '--month', now: Date = new Date()): Month {
  const m = MONTH_RE.exec(value.trim());
  const fix = `Give a month as YYYY-MM, for example ${previousMonth(now)}.`;
  if (!m) throw new ConfigError(`${input} "${value}" is not a month in YYYY-MM form.`, fix);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  if (mon < 1 || mon > 12 || year < 2000) {
    throw new ConfigError(`${input} "${value}" is not a real month.`, fix);
  }
  const month = value.trim();
  if (month > currentMonth(now)) {
    throw new ConfigError(`${input} "${value}" is in the future.`, fix);
  }
  return month;
}

export function currentMonth(now: Date = new Date()): Month {
  return now.toISOString().slice(0, 7);
}

/** The month before the current UTC month: what a scheduled run processes. */
export function previousMonth(now: Date = new Date()): Month {
  return addMonths(currentMonth(now), -1);
}

export function addMonths(month: Month, n: number): Month {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const idx = y * 12 + (m - 1) + n;
  const yy = Math.floor(idx / 12);
  const mm = (idx % 12) + 1;
  return `${String(yy).padStart(4, '0')}-${String(mm).padStart(2, '0')}`;
}

/** Every month from `from` to `to`, inclusive. */
export function monthRange(from: Month, to: Month): Month[] {
  const out: Month[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** The month of a Strava activity: its local wall-clock month. */
export function monthOf(startDateLocal: string): Month {
  return startDateLocal.slice(0, 7);
}

/** Epoch seconds of the first instant of a month, read as UTC. */
function monthStartUtc(month: Month): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return Date.UTC(y, m - 1, 1) / 1000;
}

/**
 * The Strava query window (epoch seconds, `after` exclusive, `before` exclusive) for the local
 * months `from`..`to`: the UTC span widened by 14 h each side.
 */
export function queryWindow(from: Month, to: Month = from): { after: number; before: number } {
  return {
    // -1: an activity at 00:00:00 local in UTC+14 starts exactly on the widened edge, and
    // Strava's `after` may be exclusive.
    after: monthStartUtc(from) - WIDEN_SECONDS - 1,
    before: monthStartUtc(addMonths(to, 1)) + WIDEN_SECONDS,
  };
}
