/**
 * The local time of an archived activity. activities.csv carries only the UTC start, so the
 * athlete's time zone comes from a rule, recorded with each activity (`timezone_source`). In
 * this version the one rule is `flag`: the IANA zone given with --timezone, whose offset at the
 * start instant (daylight saving included) makes `start_date_local` and `utc_offset`.
 */
import { ConfigError } from '../errors.js';

/** Which rule decided an activity's time zone. */
export type TimezoneSource = 'flag';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The zone's canonical spelling if `name` is an IANA time zone name (`Europe/Paris`, `UTC`);
 * otherwise a ConfigError naming `label`. Offsets such as `+02:00` are refused: they have no
 * daylight saving, so they would put summer and winter activities an hour apart.
 */
export function checkTimezone(name: string | undefined, label = '--timezone'): string {
  const fix = 'Give the IANA name of the time zone you record in, e.g. --timezone Europe/Paris.';
  if (name === undefined || name === '') {
    throw new ConfigError(
      `${label} is required: activities.csv has no time zone, and the local month of each activity depends on it.`,
      fix,
    );
  }
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) {
    throw new ConfigError(`${label} "${name}" is not an IANA time zone name.`, fix);
  }
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw new ConfigError(`${label} "${name}" is not a time zone this system knows.`, fix);
  }
}

/** The zone's offset from UTC at an instant, in seconds (east positive). */
export function offsetSeconds(zone: string, epochMs: number): number {
  const part = formatter(zone)
    .formatToParts(new Date(epochMs))
    .find((p) => p.type === 'timeZoneName')!.value;
  const m = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(part);
  if (!m) throw new Error(`Unexpected offset "${part}" for ${zone}`);
  if (!m[1]) return 0;
  const s = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
  return m[1] === '-' ? -s : s;
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * Strava's `timezone` text for a zone: `(GMT-05:00) America/New_York`. The offset shown is the
 * zone's standard offset that year (the smaller of January's and July's), as in the recorded
 * API responses, where a New York activity in July still reads GMT-05:00.
 */
export function stravaTimezone(zone: string, epochMs: number): string {
  const year = new Date(epochMs).getUTCFullYear();
  const standard = Math.min(
    offsetSeconds(zone, Date.UTC(year, 0, 1)),
    offsetSeconds(zone, Date.UTC(year, 6, 1)),
  );
  const sign = standard < 0 ? '-' : '+';
  const abs = Math.abs(standard);
  return `(GMT${sign}${two(Math.floor(abs / 3600))}:${two(Math.floor((abs % 3600) / 60))}) ${zone}`;
}

/** The local wall time of an instant in a zone, as Strava writes start_date_local (with a Z). */
export function localIso(epochMs: number, offset: number): string {
  return new Date(epochMs + offset * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
