/**
 * The activity files of an export (`activities/<name>`, as activities.csv's Filename names
 * them): FIT (Garmin's SDK, @garmin/fitsdk), GPX 1.1 and TCX (Garmin's Training Center XML,
 * both streamed through saxes, a strict XML parser), each possibly gzipped (`.fit.gz`, `.gpx.gz`, `.tcx.gz`).
 *
 * An entry is streamed out of the archive (through gunzip when `.gz`, capped like every entry)
 * into memory, one file at a time: the FIT decoder and the XML parser take a whole file. What
 * comes out is a neutral track: samples (UTC instants, SI units) and laps, plus what the time
 * zone rules need (FIT's local time offset, the first GPS point). A file that cannot be read
 * (a FIT whose CRC does not match, a gzip cut short, a GPX/TCX that is not XML or not a GPX/TCX)
 * is an ArchiveError naming the file.
 */
import { SaxesParser } from 'saxes';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ArchiveError } from '../errors.js';
import { distanceM } from '../details/privacy.js';

/** One sample of an activity file, in SI units; null where the file has no such value. */
export interface TrackSample {
  /** UTC instant, epoch ms. */
  t: number;
  lat: number | null;
  lng: number | null;
  altitude: number | null;
  /** Metres from the start, as the file gives it (FIT, TCX) or summed along the track (GPX). */
  distance: number | null;
  /** m/s, as the file gives it (FIT speed, TCX Speed extension); else null. */
  speed: number | null;
  heartrate: number | null;
  cadence: number | null;
  watts: number | null;
  /** Percent, as a FIT record gives it; else null. */
  grade: number | null;
}

/** One lap of an activity file (FIT lap message, TCX Lap). */
export interface TrackLap {
  /** UTC instant, epoch ms. */
  start: number;
  elapsedS: number | null;
  /** FIT total_timer_time; TCX TotalTimeSeconds (the only duration it has). */
  movingS: number | null;
  distanceM: number | null;
  ascentM: number | null;
  avgSpeed: number | null;
  maxSpeed: number | null;
  avgHeartrate: number | null;
  maxHeartrate: number | null;
  avgCadence: number | null;
  avgWatts: number | null;
}

export type TrackFormat = 'fit' | 'gpx' | 'tcx';

/** What an activity file gives. */
export interface ActivityTrack {
  format: TrackFormat;
  samples: TrackSample[];
  laps: TrackLap[];
  /** FIT only: the activity message's local_timestamp - timestamp, in seconds. */
  fitOffsetS: number | null;
  /** The first sample with a position, [lat, lng]. */
  firstPoint: [number, number] | null;
}

const HINT =
  'Download the export again from Strava, or run again with --skip-bad-files to import the activity without its streams and laps (the run record lists the file).';

/** The format of a file name (`activities/1.fit.gz` -> fit); undefined if not one of the three. */
export function formatOf(name: string): { format: TrackFormat; gzip: boolean } | undefined {
  const m = /\.(fit|gpx|tcx)(\.gz)?$/i.exec(name);
  if (!m) return undefined;
  return { format: m[1]!.toLowerCase() as TrackFormat, gzip: m[2] !== undefined };
}

/** The entry's bytes, gunzipped when `gzip`, refused past `maxBytes`. */
export async function readEntryBytes(
  stream: Readable,
  name: string,
  gzip: boolean,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const source: Readable = gzip ? stream.pipe(createGunzip()) : stream;
  if (gzip) stream.on('error', (err) => source.destroy(err));
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        throw new ArchiveError(
          `${name} expands to more than ${maxBytes} bytes: refused as a possible zip bomb.`,
          HINT,
        );
      }
      chunks.push(chunk);
    }
  } catch (err) {
    stream.destroy();
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(
      `${name} cannot be read${gzip ? ' as gzip' : ''}: ${(err as Error).message.replace(/\.$/, '')}.`,
      HINT,
      { cause: err },
    );
  }
  return Buffer.concat(chunks, bytes);
}

type FitSdk = typeof import('@garmin/fitsdk');
let fitSdk: Promise<FitSdk> | undefined;

/**
 * Garmin's FIT SDK, loaded on the first FIT file. Its licence (the FIT Protocol License, section
 * 2c) does not let strava-lakehouse distribute it, so dist/ does not bundle it
 * (scripts/bundle.mjs marks it external): a clone of this repository has it from `npm ci`, and
 * an installed strava-lakehouse finds it when the user installs it beside it. Without it, a FIT
 * file is one ArchiveError naming the file and both ways on.
 */
function loadFitSdk(name: string): Promise<FitSdk> {
  fitSdk ??= import('@garmin/fitsdk');
  return fitSdk.catch((err: unknown) => {
    fitSdk = undefined;
    throw new ArchiveError(
      `${name} is a FIT file, and reading FIT needs Garmin's FIT SDK (@garmin/fitsdk), which its licence does not let strava-lakehouse ship.`,
      'Install it where strava-lakehouse can find it (`npm install @garmin/fitsdk` in this folder, or `npm install -g @garmin/fitsdk` beside a global install), or run with --skip-bad-files to import FIT activities without their streams.',
      { cause: err },
    );
  });
}

/** Parses an activity file's bytes (a FIT file loads Garmin's SDK first: loadFitSdk). */
export async function parseActivityFile(
  bytes: Buffer,
  name: string,
  format: TrackFormat,
): Promise<ActivityTrack> {
  switch (format) {
    case 'fit':
      return parseFit(await loadFitSdk(name), bytes, name);
    case 'gpx':
      return parseGpx(bytes, name);
    case 'tcx':
      return parseTcx(bytes, name);
  }
}

const num = (v: unknown): number | null => {
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};

const SEMICIRCLE_DEG = 180 / 2 ** 31;

function firstPointOf(samples: readonly TrackSample[]): [number, number] | null {
  const s = samples.find((x) => x.lat !== null && x.lng !== null);
  return s ? [s.lat!, s.lng!] : null;
}

type Fields = Record<string, unknown>;

function parseFit({ Decoder, Stream, Utils }: FitSdk, bytes: Buffer, name: string): ActivityTrack {
  const stream = Stream.fromBuffer(bytes);
  if (!Decoder.isFIT(stream)) {
    throw new ArchiveError(`${name} is not a FIT file (no .FIT header).`, HINT);
  }
  const decoder = new Decoder(stream);
  if (!decoder.checkIntegrity()) {
    throw new ArchiveError(
      `${name} is a damaged FIT file (its size or CRC does not match its header).`,
      HINT,
    );
  }
  const { messages, errors } = decoder.read({ mergeHeartRates: true });
  if (errors.length) {
    const first = errors[0] as Error;
    throw new ArchiveError(`${name} cannot be decoded as FIT: ${first.message}.`, HINT);
  }
  const msgs = messages as unknown as Record<string, Fields[] | undefined>;
  const time = (v: unknown) => (v instanceof Date ? v.getTime() : null);
  const samples: TrackSample[] = [];
  for (const r of msgs.recordMesgs ?? []) {
    const t = time(r.timestamp);
    if (t === null) continue;
    const lat = num(r.positionLat);
    const lng = num(r.positionLong);
    const located = lat !== null && lng !== null;
    samples.push({
      t,
      lat: located ? lat * SEMICIRCLE_DEG : null,
      lng: located ? lng * SEMICIRCLE_DEG : null,
      altitude: num(r.enhancedAltitude) ?? num(r.altitude),
      distance: num(r.distance),
      speed: num(r.enhancedSpeed) ?? num(r.speed),
      heartrate: num(r.heartRate),
      cadence: num(r.cadence),
      watts: num(r.power),
      grade: num(r.grade),
    });
  }
  const laps: TrackLap[] = [];
  for (const l of msgs.lapMesgs ?? []) {
    const start = time(l.startTime);
    if (start === null) continue;
    laps.push({
      start,
      elapsedS: num(l.totalElapsedTime),
      movingS: num(l.totalTimerTime),
      distanceM: num(l.totalDistance),
      ascentM: num(l.totalAscent),
      avgSpeed: num(l.enhancedAvgSpeed) ?? num(l.avgSpeed),
      maxSpeed: num(l.enhancedMaxSpeed) ?? num(l.maxSpeed),
      avgHeartrate: num(l.avgHeartRate),
      maxHeartrate: num(l.maxHeartRate),
      avgCadence: num(l.avgCadence),
      avgWatts: num(l.avgPower),
    });
  }
  let fitOffsetS: number | null = null;
  const activity = (msgs.activityMesgs ?? [])[0];
  if (activity) {
    const utc = time(activity.timestamp);
    const local = num(activity.localTimestamp);
    if (utc !== null && local !== null) {
      fitOffsetS = Math.round(local + Utils.FIT_EPOCH_MS / 1000 - utc / 1000);
    }
  }
  return { format: 'fit', samples, laps, fitOffsetS, firstPoint: firstPointOf(samples) };
}

/** An element's name without its namespace prefix (`gpxtpx:hr` -> `hr`). */
const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1);

/** What walkXml tells its reader: elements as they open, and as they close with their text. */
interface XmlReader {
  /** `path`: local names from the root down to the element, the element last. */
  open(path: readonly string[], attributes: Readonly<Record<string, string>>): void;
  /** `text`: the element's own text, trimmed. */
  close(path: readonly string[], text: string): void;
}

/**
 * Streams a GPX/TCX document through saxes (a strict, non-validating XML parser: anything not
 * well-formed, a file cut short included, is an error) into `reader`, with no tree built: the
 * files are long lists of small elements. The root must be `root`.
 */
function walkXml(bytes: Buffer, name: string, root: string, reader: XmlReader): void {
  const parser = new SaxesParser();
  const path: string[] = [];
  let text = '';
  parser.on('opentag', (tag) => {
    const local = localName(tag.name);
    if (!path.length && local !== root) {
      throw new ArchiveError(`${name} is XML but has no <${root}> element.`, HINT);
    }
    path.push(local);
    text = '';
    reader.open(path, tag.attributes as Record<string, string>);
  });
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('closetag', () => {
    reader.close(path, text.trim());
    path.pop();
    text = '';
  });
  try {
    parser.write(bytes.toString('utf8').replace(/^\uFEFF/, '')).close();
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(
      `${name} is not well-formed XML: ${(err as Error).message.replace(/\.$/, '')}.`,
      HINT,
      { cause: err },
    );
  }
}

/** Whether `path` ends with `tail`. */
const endsWith = (path: readonly string[], ...tail: string[]): boolean =>
  path.length >= tail.length && tail.every((t, i) => path[path.length - tail.length + i] === t);

const instant = (v: string): number | null => {
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : null;
};

/** The values of one track point as its elements close; null until one is read. */
interface Point {
  time: string | null;
  lat: number | null;
  lng: number | null;
  altitude: number | null;
  distance: number | null;
  speed: number | null;
  heartrate: number | null;
  cadence: number | null;
  runCadence: number | null;
  watts: number | null;
}

const emptyPoint = (): Point => ({
  time: null,
  lat: null,
  lng: null,
  altitude: null,
  distance: null,
  speed: null,
  heartrate: null,
  cadence: null,
  runCadence: null,
  watts: null,
});

/** GPX 1.1: gpx/trk/trkseg/trkpt, with Garmin's TrackPointExtension (hr, cad) and power. */
function parseGpx(bytes: Buffer, name: string): ActivityTrack {
  const samples: TrackSample[] = [];
  let total = 0;
  let prev: [number, number] | null = null;
  let point: Point | null = null;
  const inPoint = (path: readonly string[]) => path.length >= 4 && path[3] === 'trkpt';
  walkXml(bytes, name, 'gpx', {
    open(path, attributes) {
      if (path.length === 4 && endsWith(path, 'trk', 'trkseg', 'trkpt')) {
        point = emptyPoint();
        point.lat = num(attributes.lat);
        point.lng = num(attributes.lon);
      }
    },
    close(path, text) {
      if (!point || !inPoint(path)) return;
      if (path.length === 4) {
        const p: Point = point;
        point = null;
        const t = p.time === null ? null : instant(p.time);
        if (t === null) return;
        if (p.lat === null || p.lng === null) {
          throw new ArchiveError(`${name}: a <trkpt> has no lat/lon.`, HINT);
        }
        if (prev) total += distanceM(prev, [p.lat, p.lng]);
        prev = [p.lat, p.lng];
        samples.push({
          t,
          lat: p.lat,
          lng: p.lng,
          altitude: p.altitude,
          distance: total,
          speed: null,
          heartrate: p.heartrate,
          cadence: p.cadence,
          watts: p.watts,
          grade: null,
        });
        return;
      }
      const below = path.slice(4).join('/');
      if (below === 'time') point.time = text;
      else if (below === 'ele') point.altitude = num(text);
      else if (below === 'extensions/TrackPointExtension/hr') point.heartrate = num(text);
      else if (below === 'extensions/TrackPointExtension/cad') point.cadence = num(text);
      else if (below === 'extensions/power') point.watts = num(text);
    },
  });
  return { format: 'gpx', samples, laps: [], fitOffsetS: null, firstPoint: firstPointOf(samples) };
}

/** A TCX lap's own values as its child elements close. */
interface LapValues {
  start: number;
  time: number | null;
  distance: number | null;
  maxSpeed: number | null;
  avgHeartrate: number | null;
  maxHeartrate: number | null;
  cadence: number | null;
  samples: TrackSample[];
}

/**
 * TCX (Training Center Database v2): the laps of the first Activity, each lap's
 * Track/Trackpoint samples, with the ActivityExtension TPX (Speed, RunCadence, Watts).
 */
function parseTcx(bytes: Buffer, name: string): ActivityTrack {
  const samples: TrackSample[] = [];
  const laps: TrackLap[] = [];
  let activities = 0;
  let lap: LapValues | null = null;
  let point: Point | null = null;
  // TrainingCenterDatabase/Activities/Activity/Lap/Track/Trackpoint
  const LAP = 4;
  const POINT = 6;
  walkXml(bytes, name, 'TrainingCenterDatabase', {
    open(path, attributes) {
      if (path.length === 3 && endsWith(path, 'Activities', 'Activity')) activities++;
      if (activities !== 1) return;
      if (path.length === LAP && endsWith(path, 'Activities', 'Activity', 'Lap')) {
        const start = instant(attributes.StartTime ?? '');
        if (start === null) throw new ArchiveError(`${name}: a <Lap> has no StartTime.`, HINT);
        lap = {
          start,
          time: null,
          distance: null,
          maxSpeed: null,
          avgHeartrate: null,
          maxHeartrate: null,
          cadence: null,
          samples: [],
        };
      } else if (lap && path.length === POINT && endsWith(path, 'Lap', 'Track', 'Trackpoint')) {
        point = emptyPoint();
      }
    },
    close(path, text) {
      if (activities !== 1 || !lap || path.length < LAP || path[2] !== 'Activity') return;
      if (point && path.length > POINT && path[POINT - 1] === 'Trackpoint') {
        const below = path.slice(POINT).join('/');
        if (below === 'Time') point.time = text;
        else if (below === 'Position/LatitudeDegrees') point.lat = num(text);
        else if (below === 'Position/LongitudeDegrees') point.lng = num(text);
        else if (below === 'AltitudeMeters') point.altitude = num(text);
        else if (below === 'DistanceMeters') point.distance = num(text);
        else if (below === 'HeartRateBpm/Value') point.heartrate = num(text);
        else if (below === 'Cadence') point.cadence = num(text);
        else if (below === 'Extensions/TPX/Speed') point.speed = num(text);
        else if (below === 'Extensions/TPX/RunCadence') point.runCadence = num(text);
        else if (below === 'Extensions/TPX/Watts') point.watts = num(text);
        return;
      }
      if (point && path.length === POINT && path[POINT - 1] === 'Trackpoint') {
        const p: Point = point;
        point = null;
        const t = p.time === null ? null : instant(p.time);
        if (t === null) return;
        const located = p.lat !== null && p.lng !== null;
        lap.samples.push({
          t,
          lat: located ? p.lat : null,
          lng: located ? p.lng : null,
          altitude: p.altitude,
          distance: p.distance,
          speed: p.speed,
          heartrate: p.heartrate,
          cadence: p.cadence ?? p.runCadence,
          watts: p.watts,
          grade: null,
        });
        return;
      }
      const own = path.slice(LAP).join('/');
      if (own === 'TotalTimeSeconds') lap.time = num(text);
      else if (own === 'DistanceMeters') lap.distance = num(text);
      else if (own === 'MaximumSpeed') lap.maxSpeed = num(text);
      else if (own === 'AverageHeartRateBpm/Value') lap.avgHeartrate = num(text);
      else if (own === 'MaximumHeartRateBpm/Value') lap.maxHeartrate = num(text);
      else if (own === 'Cadence') lap.cadence = num(text);
      else if (own === '') {
        const l: LapValues = lap;
        lap = null;
        const watts = l.samples.map((x) => x.watts).filter((w): w is number => w !== null);
        laps.push({
          start: l.start,
          elapsedS: l.time,
          movingS: l.time,
          distanceM: l.distance,
          ascentM: null,
          avgSpeed: l.time && l.distance !== null ? l.distance / l.time : null,
          maxSpeed: l.maxSpeed,
          avgHeartrate: l.avgHeartrate,
          maxHeartrate: l.maxHeartrate,
          avgCadence: l.cadence,
          avgWatts: watts.length ? watts.reduce((a, b) => a + b, 0) / watts.length : null,
        });
        for (const x of l.samples) samples.push(x);
      }
    },
  });
  return { format: 'tcx', samples, laps, fitOffsetS: null, firstPoint: firstPointOf(samples) };
}
