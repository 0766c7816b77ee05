/**
 * The local time of an archived activity. activities.csv carries only the UTC start, so the
 * athlete's time zone comes from a rule, recorded with each activity (`timezone_source`), the
 * first that applies:
 * 1. `fit_offset`: a FIT file's activity message gives local_timestamp - timestamp, the offset
 *    itself. It names no zone: silver's `timezone` then reads `(GMT+02:00)` (the offset at the
 *    start, with no zone name) and archive_activities.timezone_name `UTC+02:00`.
 * 2. `gps`: the IANA zone at the activity file's first position (@photostructure/tz-lookup, an
 *    offline lookup of about 72 KB bundled), whose offset at the start makes the local time.
 * 3. `flag`: the IANA zone given with --timezone.
 * No rule (a file without offset or position, or a manual activity, and no --timezone): the
 * activity is refused, naming it and the flag.
 */
import tzLookup from '@photostructure/tz-lookup';
import { ConfigError } from '../errors.js';

/** Which rule decided an activity's time zone. */
export type TimezoneSource = 'fit_offset' | 'gps' | 'flag';

/** An activity's time zone as a rule decided it. */
export type TimeRule =
  { source: 'fit_offset'; offsetS: number } | { source: 'gps' | 'flag'; zone: string };

/** What the time zone rules know of one activity's file. */
export interface TimeHints {
  fitOffsetS: number | null;
  firstPoint: [number, number] | null;
}

/**
 * The rule that decides an activity's time zone, in order: FIT offset, zone at the first GPS
 * point, the --timezone zone; undefined when none applies.
 */
export function decideTimeRule(
  hints: TimeHints | undefined,
  flagZone: string | undefined,
): TimeRule | undefined {
  if (hints?.fitOffsetS !== null && hints?.fitOffsetS !== undefined) {
    return { source: 'fit_offset', offsetS: hints.fitOffsetS };
  }
  if (hints?.firstPoint) {
    const zone = gpsZone(hints.firstPoint[0], hints.firstPoint[1]);
    if (zone) return { source: 'gps', zone };
  }
  return flagZone ? { source: 'flag', zone: flagZone } : undefined;
}

/** The IANA zone at a position, as this system's Intl spells it; undefined if none. */
export function gpsZone(lat: number, lng: number): string | undefined {
  try {
    const zone = tzLookup(lat, lng);
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The offset in seconds, `timezone` text and `timezone_name` a rule gives at an instant. */
export function applyRule(
  rule: TimeRule,
  epochMs: number,
): { offset: number; timezone: string; name: string } {
  if (rule.source === 'fit_offset') {
    const text = offsetText(rule.offsetS);
    return { offset: rule.offsetS, timezone: `(GMT${text})`, name: `UTC${text}` };
  }
  return {
    offset: offsetSeconds(rule.zone, epochMs),
    timezone: stravaTimezone(rule.zone, epochMs),
    name: rule.zone,
  };
}

/** `+02:00`, `-03:30`. */
function offsetText(seconds: number): string {
  const abs = Math.abs(seconds);
  return `${seconds < 0 ? '-' : '+'}${two(Math.floor(abs / 3600))}:${two(Math.floor((abs % 3600) / 60))}`;
}

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
  return checkOptionalTimezone(name, label) ?? required(label);
}

function required(label: string): never {
  throw new ConfigError(
    `${label} is required: activities.csv has no time zone, and the local month of each activity depends on it.`,
    'Give the IANA name of the time zone you record in, e.g. --timezone Europe/Paris.',
  );
}

/** checkTimezone for an optional flag: undefined (or empty) stays undefined. */
export function checkOptionalTimezone(
  name: string | undefined,
  label = '--timezone',
): string | undefined {
  const fix = 'Give the IANA name of the time zone you record in, e.g. --timezone Europe/Paris.';
  if (name === undefined || name === '') return undefined;
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
  // One zone and year, one text: an import asks for it once per activity and pass.
  const key = `${zone} ${year}`;
  let text = stravaTimezones.get(key);
  if (text === undefined) {
    text = standardTimezone(zone, year);
    stravaTimezones.set(key, text);
  }
  return text;
}

const stravaTimezones = new Map<string, string>();

function standardTimezone(zone: string, year: number): string {
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
