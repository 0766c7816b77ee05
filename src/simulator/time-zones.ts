/**
 * Wall-clock arithmetic for the simulator's athletes, with the platform's time-zone data (Intl).
 * Strava writes `start_date_local` as local wall time with a `Z`, `utc_offset` in seconds
 * including daylight saving, and `timezone` as "(GMT-08:00) America/Los_Angeles" with the
 * standard offset (no daylight saving), as the recordings show.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in milliseconds (daylight saving included). */
export function offsetMs(tz: string, utcMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(utcMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/** The UTC instant of a wall-clock time (given as if it were UTC) in a zone. */
export function wallToUtc(tz: string, wallMs: number): number {
  const guess = wallMs - offsetMs(tz, wallMs);
  return wallMs - offsetMs(tz, guess);
}

/** Strava's label: the zone's standard offset (the smaller of January's and July's) and name. */
export function stravaTimezone(tz: string, year: number): string {
  const standard = Math.min(offsetMs(tz, Date.UTC(year, 0, 1)), offsetMs(tz, Date.UTC(year, 6, 1)));
  const minutes = Math.abs(standard) / 60_000;
  const sign = standard < 0 ? '-' : '+';
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `(GMT${sign}${hh}:${mm}) ${tz}`;
}

/** An ISO time without milliseconds, always ending in Z, as Strava writes both start dates. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
