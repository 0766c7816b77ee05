/**
 * The data-quality gate before landing (and again in each engine, on the rows it reads). Errors
 * would corrupt a table (a duplicate id breaks "one row per activity", a row outside its month
 * lands in the wrong partition, a negative or non-finite measure poisons gold) and fail the run
 * naming the ids. Warnings are kept in the run record: real data has them (Strava reports
 * moving_time > elapsed_time for a few activities, and adds new sport types over time).
 */
import { QualityError } from '../errors.js';
import type { Month } from '../strava/months.js';

/** Strava's SportType values (API v3 reference, 2025). An unknown one is only a warning. */
export const KNOWN_SPORT_TYPES: ReadonlySet<string> = new Set([
  'AlpineSki',
  'BackcountrySki',
  'Badminton',
  'Canoeing',
  'Crossfit',
  'EBikeRide',
  'Elliptical',
  'EMountainBikeRide',
  'Golf',
  'GravelRide',
  'Handcycle',
  'HighIntensityIntervalTraining',
  'Hike',
  'IceSkate',
  'InlineSkate',
  'Kayaking',
  'Kitesurf',
  'MountainBikeRide',
  'NordicSki',
  'Pickleball',
  'Pilates',
  'Racquetball',
  'Ride',
  'RockClimbing',
  'RollerSki',
  'Rowing',
  'Run',
  'Sail',
  'Skateboard',
  'Snowboard',
  'Snowshoe',
  'Soccer',
  'Squash',
  'StairStepper',
  'StandUpPaddling',
  'Surfing',
  'Swim',
  'TableTennis',
  'Tennis',
  'TrailRun',
  'Velomobile',
  'VirtualRide',
  'VirtualRow',
  'VirtualRun',
  'Walk',
  'WeightTraining',
  'Wheelchair',
  'Windsurf',
  'Workout',
  'Yoga',
]);

/**
 * The durations, distances and other measures that cannot be below zero, nor NaN or infinite:
 * one would poison every total and average gold computes. Elevations, temperature and the UTC
 * offset can be negative and are not here.
 */
export const MEASURE_COLUMNS = [
  'distance',
  'moving_time',
  'elapsed_time',
  'total_elevation_gain',
  'average_speed',
  'max_speed',
  'average_cadence',
  'average_heartrate',
  'max_heartrate',
  'average_watts',
  'max_watts',
  'weighted_average_watts',
  'kilojoules',
  'suffer_score',
] as const;

/** The fields the gate looks at, as text cells of the landing CSV ('' for absent). */
export type QualityRow = {
  id: string;
  sport_type: string;
  start_date_local: string;
  moving_time: string;
  elapsed_time: string;
} & Partial<Record<(typeof MEASURE_COLUMNS)[number], string>>;

const MAX_IDS = 10;
const idList = (ids: string[]) =>
  ids.slice(0, MAX_IDS).join(', ') +
  (ids.length > MAX_IDS ? ` and ${ids.length - MAX_IDS} more` : '');

/** Returns the warnings; throws QualityError listing every broken rule with its ids. */
export function checkQuality(rows: readonly QualityRow[], month: Month, source: string): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const outside: string[] = [];
  const negative: string[] = [];
  const movingOverElapsed: string[] = [];
  const unknownSports = new Map<string, string[]>();

  for (const r of rows) {
    if (seen.has(r.id)) duplicates.add(r.id);
    seen.add(r.id);
    if (r.start_date_local.slice(0, 7) !== month) outside.push(r.id);
    for (const f of MEASURE_COLUMNS) {
      const cell = r[f];
      if (cell === undefined || cell === '') continue;
      const v = Number(cell);
      if (!Number.isFinite(v) || v < 0) {
        negative.push(`${r.id} (${f} ${cell})`);
        break;
      }
    }
    if (
      r.moving_time !== '' &&
      r.elapsed_time !== '' &&
      Number(r.moving_time) > Number(r.elapsed_time)
    ) {
      movingOverElapsed.push(r.id);
    }
    if (!KNOWN_SPORT_TYPES.has(r.sport_type)) {
      const ids = unknownSports.get(r.sport_type) ?? [];
      ids.push(r.id);
      unknownSports.set(r.sport_type, ids);
    }
  }

  const errors: string[] = [];
  if (duplicates.size) errors.push(`duplicate activity ids ${idList([...duplicates])}`);
  if (outside.length)
    errors.push(`activities outside ${month} by start_date_local: ${idList(outside)}`);
  if (negative.length) errors.push(`negative or non-finite measures in ${idList(negative)}`);
  if (errors.length) {
    throw new QualityError(
      `Data quality check failed for ${source}: ${errors.join('; ')}.`,
      'Nothing was written to the tables. Correct those activities on Strava (or the landing file, if it was edited by hand) and re-run the month.',
    );
  }

  const warnings: string[] = [];
  if (movingOverElapsed.length) {
    warnings.push(
      `${month}: moving_time > elapsed_time for activities ${idList(movingOverElapsed)}`,
    );
  }
  for (const [sport, ids] of unknownSports) {
    warnings.push(`${month}: unknown sport_type "${sport}" for activities ${idList(ids)}`);
  }
  return warnings;
}
