/**
 * The activities.csv header layouts this importer knows, each exactly as a real export wrote it,
 * with where it was found. The header repeats names: a first block in the athlete's display units
 * and formats (`Elapsed Time` as text, `Distance` in km or miles, `Commute` as true/false), then
 * a second block in SI units (`Elapsed Time` in seconds, `Distance` in metres, speeds in m/s,
 * `Commute` as 0.0/1.0). A file is read only when its header is one of these layouts name by
 * name and position; any other header is refused naming the first column that differs, so a
 * column Strava adds or moves can never be read as another.
 */
import { ArchiveError } from '../errors.js';

/** A known header: an id users see, where it comes from, and its columns in order. */
export interface Layout {
  readonly id: string;
  readonly source: string;
  readonly columns: readonly string[];
}

/** Header lines as written below: each line ends with the comma before the next one. */
const header = (text: string): string[] => text.trim().split('\n').join('').split(',');

/** The 2023 layout's header, which the 2025 layout extends. */
const COLUMNS_2023 = header(`
Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,
Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,
Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,Average Speed,
Elevation Gain,Elevation Loss,Elevation Low,Elevation High,Max Grade,Average Grade,
Average Positive Grade,Average Negative Grade,Max Cadence,Average Cadence,Max Heart Rate,
Average Heart Rate,Max Watts,Average Watts,Calories,Max Temperature,Average Temperature,
Relative Effort,Total Work,Number of Runs,Uphill Time,Downhill Time,Other Time,
Perceived Exertion,Type,Start Time,Weighted Average Power,Power Count,Prefer Perceived Exertion,
Perceived Relative Effort,Commute,Total Weight Lifted,From Upload,Grade Adjusted Distance,
Weather Observation Time,Weather Condition,Weather Temperature,Apparent Temperature,Dewpoint,
Humidity,Weather Pressure,Wind Speed,Wind Gust,Wind Bearing,Precipitation Intensity,
Sunrise Time,Sunset Time,Moon Phase,Bike,Gear,Precipitation Probability,Precipitation Type,
Cloud Cover,Weather Visibility,UV Index,Weather Ozone,Jump Count,Total Grit,Average Flow,
Flagged,Average Elapsed Speed,Dirt Distance,Newly Explored Distance,
Newly Explored Dirt Distance,Activity Count,Total Steps,Carbon Saved,Pool Length,Training Load,
Intensity,Average Grade Adjusted Pace,Timer Time,Total Cycles,Media
`);

export const LAYOUTS: readonly Layout[] = [
  {
    // 78 columns, English (UK) export of December 2020: no `Activity Private Note` and no first
    // `Max Heart Rate`; some names are Strava's untranslated keys; dates as `24 Dec 2020, 08:13:59`.
    id: '2020-en-GB',
    source:
      'github.com/dlpb/garmin-strava-activity-updater, src/test/java/uk/dlpb/model/StravaActivityTest.java',
    columns: header(`
Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,
Distance,Relative Effort,Commute,Activity Gear,Filename,Athlete Weight,Bike Weight,Elapsed Time,
Moving Time,Distance,Max Speed,Average Speed,Elevation Gain,Elevation Loss,Elevation Low,
Elevation High,Max Grade,Average Grade,Average Positive Grade,Average Negative Grade,
Max Cadence,Average Cadence,Max Heart Rate,Average Heart Rate,Max Watts,Average Watts,Calories,
Max Temperature,Average Temperature,Relative Effort,Total Work,Number of Runs,Uphill Time,
Downhill Time,Other Time,Perceived Exertion,
translation missing: en-GB.lib.export.portability_exporter.activities.horton_values.type,
translation missing: en-GB.lib.export.portability_exporter.activities.horton_values.start_time,
Weighted Average Power,Power Count,Prefer Perceived Exertion,Perceived Relative Effort,Commute,
Total Weight Lifted,From Upload,Grade Adjusted Distance,Weather Observation Time,
Weather Condition,Weather Temperature,Apparent Temperature,Dewpoint,Humidity,Weather Pressure,
Wind Speed,Wind Gust,Wind Bearing,Precipitation Intensity,Sunrise Time,Sunset Time,Moon Phase,
Bike,Gear,Precipitation Probability,Precipitation Type,Cloud Cover,Weather Visibility,UV Index,
Weather Ozone,
translation missing: en-GB.lib.export.portability_exporter.activities.horton_values.jump_count,
translation missing: en-GB.lib.export.portability_exporter.activities.horton_values.total_grit,
translation missing: en-GB.lib.export.portability_exporter.activities.horton_values.avg_flow,
translation missing: en-GB.lib.export.portability_exporter.activities.horton_values.flagged
`),
  },
  {
    // 94 columns, ending `Timer Time,Total Cycles,Media`; rows dated Oct 2020 to Jun 2023.
    id: '2023',
    source:
      'a Zig parser of activities.csv in a public GitHub repository (found by content, find_string id 27815626344; repository not named by the index)',
    columns: COLUMNS_2023,
  },
  {
    // 99 columns: the 2023 layout plus `Recovery,With Pet,Competition,Long Run,For a Cause`
    // before `Media`.
    id: '2025',
    source:
      'github.com/thefipster/strive, legacy/harvester/src/ingestion/Fip.Strive.Ingestion.Application/Vendors/Strava/Activities/StravaActivitiesClassifier.cs (commit 63a1951c)',
    columns: [
      ...COLUMNS_2023.slice(0, -1),
      'Recovery',
      'With Pet',
      'Competition',
      'Long Run',
      'For a Cause',
      'Media',
    ],
  },
];

/** Which of a repeated name: the first (display block) or the last (SI block). */
export type Occurrence = 'first' | 'last';

/** The index of `name` in a layout (its first or last occurrence), or undefined. */
export function columnIndex(
  layout: Layout,
  name: string,
  which: Occurrence = 'first',
): number | undefined {
  const i = which === 'first' ? layout.columns.indexOf(name) : layout.columns.lastIndexOf(name);
  return i < 0 ? undefined : i;
}

/**
 * The known layout `header` is, name by name and position; otherwise an ArchiveError naming
 * the first column (1-based) where it parts from the nearest known layout.
 */
export function matchLayout(header: readonly string[], file: string): Layout {
  const cells = header.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, '') : c));
  const same = (l: Layout) =>
    l.columns.length === cells.length && l.columns.every((c, i) => c === cells[i]);
  const found = LAYOUTS.find(same);
  if (found) return found;
  const agreed = (l: Layout) => {
    let i = 0;
    while (i < l.columns.length && i < cells.length && l.columns[i] === cells[i]) i++;
    return i;
  };
  // On a tie the newest layout is named: a new export is likelier than an old one.
  const nearest = [...LAYOUTS].reverse().sort((a, b) => agreed(b) - agreed(a))[0]!;
  const at = agreed(nearest);
  const hint = `Known layouts: ${LAYOUTS.map((l) => l.id).join(', ')}; please report the header so it can be added.`;
  if (at >= cells.length) {
    throw new ArchiveError(
      `${file} has an unknown header layout: it ends after column ${cells.length}, where layout ${nearest.id} goes on with ${JSON.stringify(nearest.columns[at])}.`,
      hint,
    );
  }
  const expected =
    at < nearest.columns.length
      ? `layout ${nearest.id} has ${JSON.stringify(nearest.columns[at])} there`
      : `layout ${nearest.id} ends before it`;
  throw new ArchiveError(
    `${file} has an unknown header layout: column ${at + 1} is ${JSON.stringify(cells[at]!.slice(0, 80))} where ${expected}.`,
    hint,
  );
}
