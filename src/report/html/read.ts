/**
 * What the report reads from a warehouse (folder or S3, through DeltaTable): silver's
 * activities for the months it shows, the months that hold data, and the detail tables when
 * they exist (gear names, heart-rate zones). Private activities are read (they are needed to
 * tell a month without data from a month of private activities) and left out by the figures.
 */
import { isPublishable } from '../../details/privacy.js';
import { hrSecondsPerZone, hrZonesGold, type HrZone } from '../../lakehouse/detail-gold.js';
import { ATHLETE_ZONES, GEAR, GOLD_HR_ZONES, STREAMS } from '../../lakehouse/detail-tables.js';
import { partitionValueOf } from '../../lakehouse/delta/schema.js';
import { DeltaTable, type Snapshot } from '../../lakehouse/delta/table.js';
import { SILVER } from '../../lakehouse/tables.js';
import type { ObjectStore } from '../../landing/store.js';
import type { Month } from '../../strava/months.js';
import { publishable, type HrZoneRow, type ReportActivity } from './figures.js';
import { unitsOfPreference, type Units } from './units.js';

/** Where the athlete's `measurement_preference` is kept, under the warehouse. */
export const PROFILE_KEY = '_athlete/profile.json';

/** Everything the report is built from. */
export interface ReportData {
  /** Activities of the months asked for, private ones included (and marked). */
  activities: ReportActivity[];
  /** Months holding activities in silver, or processed by a run (their run record). */
  knownMonths: Set<Month>;
  /** The newest month silver holds; undefined for an empty silver table. */
  latestMonth: Month | undefined;
  /** Gear names by id; undefined when silver/gear does not exist. */
  gearNames: Map<string, string | null> | undefined;
  /** Time per month, sport and HR zone; undefined when gold/hr_zones_monthly does not exist. */
  hrZones: HrZoneRow[] | undefined;
  /** The athlete's preference from `_athlete/profile.json`, if there is one. */
  profileUnits: Units | undefined;
}

const ACTIVITY_COLUMNS = [
  'id',
  'name',
  'month',
  'sport_type',
  'start_date_local',
  'distance',
  'moving_time',
  'elapsed_time',
  'total_elevation_gain',
  'average_heartrate',
  'private',
  'gear_id',
  'summary_polyline',
] as const;

type SilverRow = Omit<ReportActivity, 'day'> & { start_date_local: bigint };

/** The local day (`YYYY-MM-DD`) of a Delta timestamp in microseconds of local wall time. */
export function dayOfMicros(micros: bigint): string {
  return new Date(Number(micros / 1000n)).toISOString().slice(0, 10);
}

/** Whether silver/activities exists at all: a warehouse the project wrote has it. */
export async function hasSilver(store: ObjectStore): Promise<boolean> {
  return Boolean(await new DeltaTable(store, SILVER).snapshot());
}

/**
 * Reads the data for months `first`..`last` (`last` may be undefined: the newest month silver
 * holds). `includePrivate` decides whether HR zones may come from gold as is (gold counts private
 * activities) or are recomputed from the streams of the published activities.
 */
export async function readReportData(
  store: ObjectStore,
  range: { first: (latest: Month) => Month; last: Month | undefined },
  includePrivate: boolean,
): Promise<ReportData & { first: Month; last: Month }> {
  const silver = new DeltaTable(store, SILVER);
  const snap = await silver.snapshot();
  const monthOf = snap ? partitionValueOf(snap.metadata, 'month') : () => null;
  const held = new Set((snap?.files ?? []).map((f) => monthOf(f) ?? ''));
  held.delete('');
  const latestMonth = [...held].sort().pop();
  const last = range.last ?? latestMonth ?? new Date().toISOString().slice(0, 7);
  const first = range.first(last);
  const files = (snap?.files ?? []).filter((f) => {
    const m = monthOf(f) ?? '';
    return m >= first && m <= last;
  });
  const rows = (await silver.readRows(files, ACTIVITY_COLUMNS)) as unknown as SilverRow[];
  const activities: ReportActivity[] = rows
    .map(({ start_date_local, ...r }) => ({ ...r, day: dayOfMicros(start_date_local) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const knownMonths = new Set(held);
  for (const o of await store.list('_runs/')) {
    const m = /^_runs\/month=(\d{4}-\d{2})\//.exec(o.key)?.[1];
    if (m) knownMonths.add(m);
  }
  return {
    first,
    last,
    activities,
    knownMonths,
    latestMonth,
    gearNames: await readGearNames(store),
    hrZones: await readHrZones(store, activities, first, last, includePrivate),
    profileUnits: await readProfileUnits(store),
  };
}

async function readGearNames(store: ObjectStore): Promise<Map<string, string | null> | undefined> {
  const table = new DeltaTable(store, GEAR);
  const snap = await table.snapshot();
  if (!snap) return undefined;
  const rows = (await table.readRows(snap.files, ['id', 'name'])) as {
    id: string;
    name: string | null;
  }[];
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The files of `snap` whose month partition lies in first..last (column mapping respected). */
const inRange = (snap: Snapshot, first: Month, last: Month) => {
  const monthOf = partitionValueOf(snap.metadata, 'month');
  return snap.files.filter((f) => {
    const m = monthOf(f) ?? '';
    return m >= first && m <= last;
  });
};

/**
 * HR zone time for the months: gold's rows when private activities may be shown or none in the
 * span has details; otherwise recomputed from the streams of the published activities, by
 * gold's own rules (hrSecondsPerZone, hrZonesGold).
 */
async function readHrZones(
  store: ObjectStore,
  activities: readonly ReportActivity[],
  first: Month,
  last: Month,
  includePrivate: boolean,
): Promise<HrZoneRow[] | undefined> {
  const gold = new DeltaTable(store, GOLD_HR_ZONES);
  const goldSnap = await gold.snapshot();
  if (!goldSnap) return undefined;
  const privateIds = new Set(
    activities.filter((a) => !isPublishable(a, { includePrivate: false })).map((a) => a.id),
  );
  const streams = new DeltaTable(store, STREAMS);
  const streamSnap = await streams.snapshot();
  if (includePrivate || !privateIds.size || !streamSnap) {
    return (await gold.readRows(inRange(goldSnap, first, last))) as unknown as HrZoneRow[];
  }
  const zonesTable = new DeltaTable(store, ATHLETE_ZONES);
  const zonesSnap = await zonesTable.snapshot();
  if (!zonesSnap) return [];
  const zones = (
    (await zonesTable.readRows(zonesSnap.files)) as unknown as (HrZone & { zone_type: string })[]
  )
    .filter((z) => z.zone_type === 'heartrate')
    .sort((a, b) => Number(a.zone_index - b.zone_index));
  const samples = (await streams.readRows(inRange(streamSnap, first, last), [
    'activity_id',
    'sample_index',
    'time_s',
    'heartrate',
  ])) as unknown as {
    activity_id: bigint;
    sample_index: bigint;
    time_s: bigint | null;
    heartrate: bigint | null;
  }[];
  const byActivity = new Map<bigint, typeof samples>();
  for (const s of samples) {
    if (privateIds.has(s.activity_id)) continue;
    const list = byActivity.get(s.activity_id) ?? [];
    list.push(s);
    byActivity.set(s.activity_id, list);
  }
  const seconds = new Map<bigint, number[]>();
  for (const [id, list] of byActivity) {
    list.sort((a, b) => Number(a.sample_index - b.sample_index));
    seconds.set(id, hrSecondsPerZone(list, zones));
  }
  const months: Month[] = [...new Set(activities.map((a) => a.month))];
  const published = publishable(activities, false);
  return hrZonesGold(seconds, published, zones, months) as unknown as HrZoneRow[];
}

async function readProfileUnits(store: ObjectStore): Promise<Units | undefined> {
  const bytes = await store.get(PROFILE_KEY);
  if (!bytes) return undefined;
  try {
    const profile = JSON.parse(new TextDecoder().decode(bytes)) as {
      measurement_preference?: unknown;
    };
    return unitsOfPreference(profile.measurement_preference);
  } catch {
    return undefined;
  }
}
