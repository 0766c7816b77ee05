/**
 * The activity files of an export (`activities/<name>`, as activities.csv's Filename names
 * them): FIT (Garmin's SDK, @garmin/fitsdk), GPX 1.1 and TCX (Garmin's Training Center XML,
 * both read with fast-xml-parser), each possibly gzipped (`.fit.gz`, `.gpx.gz`, `.tcx.gz`).
 *
 * An entry is streamed out of the archive (through gunzip when `.gz`, capped like every entry)
 * into memory, one file at a time: the FIT decoder and the XML parser take a whole file. What
 * comes out is a neutral track: samples (UTC instants, SI units) and laps, plus what the time
 * zone rules need (FIT's local time offset, the first GPS point). A file that cannot be read
 * (a FIT whose CRC does not match, a gzip cut short, a GPX/TCX that is not XML or not a GPX/TCX)
 * is an ArchiveError naming the file.
 */
import { XMLParser } from 'fast-xml-parser';
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
      return parseGpx(parseXml(bytes, name, 'gpx'), name);
    case 'tcx':
      return parseTcx(parseXml(bytes, name, 'TrainingCenterDatabase'), name);
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

/** Elements that may repeat, read as arrays whatever their count. */
const REPEATED = new Set(['trk', 'trkseg', 'trkpt', 'Activity', 'Lap', 'Track', 'Trackpoint']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (tag) => REPEATED.has(tag),
});

function parseXml(bytes: Buffer, name: string, root: string): Fields {
  let doc: Fields;
  try {
    doc = parser.parse(bytes.toString('utf8'), true) as Fields;
  } catch (err) {
    throw new ArchiveError(
      `${name} is not well-formed XML: ${(err as Error).message.replace(/\.$/, '')}.`,
      HINT,
      { cause: err },
    );
  }
  const top = doc[root];
  if (top === undefined || top === null || typeof top !== 'object') {
    throw new ArchiveError(`${name} is XML but has no <${root}> element.`, HINT);
  }
  return top as Fields;
}

const list = (v: unknown): Fields[] =>
  Array.isArray(v) ? (v as Fields[]) : v && typeof v === 'object' ? [v as Fields] : [];
const child = (v: unknown, key: string): unknown =>
  v && typeof v === 'object' ? (v as Fields)[key] : undefined;
const instant = (v: unknown): number | null => {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : null;
};

function parseGpx(gpx: Fields, name: string): ActivityTrack {
  const samples: TrackSample[] = [];
  let total = 0;
  let prev: [number, number] | null = null;
  for (const trk of list(gpx.trk)) {
    for (const seg of list(trk.trkseg)) {
      for (const p of list(seg.trkpt)) {
        const t = instant(p.time);
        if (t === null) continue;
        const lat = num(p['@_lat']);
        const lng = num(p['@_lon']);
        if (lat === null || lng === null) {
          throw new ArchiveError(`${name}: a <trkpt> has no lat/lon.`, HINT);
        }
        if (prev) total += distanceM(prev, [lat, lng]);
        prev = [lat, lng];
        const ext = child(p.extensions, 'TrackPointExtension');
        samples.push({
          t,
          lat,
          lng,
          altitude: num(p.ele),
          distance: total,
          speed: null,
          heartrate: num(child(ext, 'hr')),
          cadence: num(child(ext, 'cad')),
          watts: num(child(p.extensions, 'power')),
          grade: null,
        });
      }
    }
  }
  return { format: 'gpx', samples, laps: [], fitOffsetS: null, firstPoint: firstPointOf(samples) };
}

function parseTcx(tcx: Fields, name: string): ActivityTrack {
  const samples: TrackSample[] = [];
  const laps: TrackLap[] = [];
  const activities = list(child(tcx.Activities, 'Activity'));
  for (const lap of list(activities[0]?.Lap)) {
    const start = instant(lap['@_StartTime']);
    if (start === null) throw new ArchiveError(`${name}: a <Lap> has no StartTime.`, HINT);
    const lapSamples: TrackSample[] = [];
    for (const track of list(lap.Track)) {
      for (const p of list(track.Trackpoint)) {
        const t = instant(p.Time);
        if (t === null) continue;
        const tpx = child(p.Extensions, 'TPX');
        const lat = num(child(p.Position, 'LatitudeDegrees'));
        const lng = num(child(p.Position, 'LongitudeDegrees'));
        const located = lat !== null && lng !== null;
        lapSamples.push({
          t,
          lat: located ? lat : null,
          lng: located ? lng : null,
          altitude: num(p.AltitudeMeters),
          distance: num(p.DistanceMeters),
          speed: num(child(tpx, 'Speed')),
          heartrate: num(child(p.HeartRateBpm, 'Value')),
          cadence: num(p.Cadence) ?? num(child(tpx, 'RunCadence')),
          watts: num(child(tpx, 'Watts')),
          grade: null,
        });
      }
    }
    const watts = lapSamples.map((s) => s.watts).filter((w): w is number => w !== null);
    const time = num(lap.TotalTimeSeconds);
    const distance = num(lap.DistanceMeters);
    laps.push({
      start,
      elapsedS: time,
      movingS: time,
      distanceM: distance,
      ascentM: null,
      avgSpeed: time && distance !== null ? distance / time : null,
      maxSpeed: num(lap.MaximumSpeed),
      avgHeartrate: num(child(lap.AverageHeartRateBpm, 'Value')),
      maxHeartrate: num(child(lap.MaximumHeartRateBpm, 'Value')),
      avgCadence: num(lap.Cadence),
      avgWatts: watts.length ? watts.reduce((a, b) => a + b, 0) / watts.length : null,
    });
    for (const s of lapSamples) samples.push(s);
  }
  return { format: 'tcx', samples, laps, fitOffsetS: null, firstPoint: firstPointOf(samples) };
}
