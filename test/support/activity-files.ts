/**
 * Activity files for test exports, generated here: FIT files encoded with Garmin's own SDK
 * (@garmin/fitsdk's Encoder: the SDK's sample files are under the FIT Protocol License, which
 * does not let them be copied into this repository), GPX 1.1 with Garmin's TrackPointExtension
 * (hr, cad) and TCX (Training Center Database v2 with the ActivityExtension's Speed and Watts),
 * written as those formats' schemas name their elements.
 *
 * A track is one sample a second along a straight line heading north-east from `start`, at
 * `speed` m/s, with a heart rate, cadence and power that vary with the sample index.
 */
import {
  Encoder,
  Profile,
  Utils,
  type ActivityMesg,
  type FileIdMesg,
  type LapMesg,
  type RecordMesg,
  type SessionMesg,
} from '@garmin/fitsdk';
import { gzipSync } from 'node:zlib';

export interface TrackSpec {
  /** UTC instant of the first sample. */
  start: Date;
  /** Samples, one a second. */
  samples: number;
  /** [lat, lng] of the first sample; null: no positions (an indoor activity). */
  origin: [number, number] | null;
  /** m/s. */
  speed?: number;
  /** Laps of equal length (FIT, TCX). */
  laps?: number;
  /** FIT only: local_timestamp - timestamp of the activity message (null: not written). */
  fitOffsetS?: number | null;
}

export interface Sample {
  t: number;
  lat: number | null;
  lng: number | null;
  altitude: number;
  distance: number;
  heartrate: number;
  cadence: number;
  watts: number;
  speed: number;
}

const M_PER_DEG_LAT = 111_195;

/** The samples a spec describes. */
export function samplesOf(spec: TrackSpec): Sample[] {
  const speed = spec.speed ?? 3;
  const out: Sample[] = [];
  for (let i = 0; i < spec.samples; i++) {
    const d = i * speed;
    const [lat0, lng0] = spec.origin ?? [0, 0];
    const north = d / Math.SQRT2;
    out.push({
      t: spec.start.getTime() + i * 1000,
      lat: spec.origin ? lat0 + north / M_PER_DEG_LAT : null,
      lng: spec.origin ? lng0 + north / (M_PER_DEG_LAT * Math.cos((lat0 * Math.PI) / 180)) : null,
      altitude: 100 + (i % 60),
      distance: d,
      heartrate: 120 + (i % 40),
      cadence: 80 + (i % 10),
      watts: 150 + (i % 50),
      speed,
    });
  }
  return out;
}

function lapRanges(spec: TrackSpec): [number, number][] {
  const n = Math.max(1, spec.laps ?? 1);
  const per = Math.ceil(spec.samples / n);
  const out: [number, number][] = [];
  for (let i = 0; i < spec.samples; i += per) out.push([i, Math.min(spec.samples, i + per) - 1]);
  return out;
}

const SEMI = 2 ** 31 / 180;

interface FitMesgs {
  FILE_ID: FileIdMesg;
  RECORD: RecordMesg;
  LAP: LapMesg;
  SESSION: SessionMesg;
  ACTIVITY: ActivityMesg;
}

/** Writes one message of the SDK's profile. */
function put<K extends keyof FitMesgs>(enc: Encoder, name: K, mesg: FitMesgs[K]): void {
  const n = Profile.MesgNum[name];
  if (n === undefined) throw new Error(`The FIT profile has no ${name} message`);
  enc.onMesg(n, mesg);
}

/** A FIT activity file encoded with the SDK's Encoder. */
export function fitFile(spec: TrackSpec): Buffer {
  const samples = samplesOf(spec);
  const enc = new Encoder();
  const at = (ms: number) => new Date(ms);
  put(enc, 'FILE_ID', {
    manufacturer: 'development',
    product: 1,
    timeCreated: spec.start,
    type: 'activity',
  });
  for (const s of samples) {
    put(enc, 'RECORD', {
      timestamp: at(s.t),
      ...(s.lat !== null && s.lng !== null
        ? { positionLat: Math.round(s.lat * SEMI), positionLong: Math.round(s.lng * SEMI) }
        : {}),
      altitude: s.altitude,
      distance: s.distance,
      speed: s.speed,
      heartRate: s.heartrate,
      cadence: s.cadence,
      power: s.watts,
    });
  }
  for (const [a, b] of lapRanges(spec)) {
    const part = samples.slice(a, b + 1);
    const elapsed = (part[part.length - 1]!.t - part[0]!.t) / 1000;
    put(enc, 'LAP', {
      timestamp: at(part[part.length - 1]!.t),
      startTime: at(part[0]!.t),
      totalElapsedTime: elapsed,
      totalTimerTime: elapsed,
      totalDistance: part[part.length - 1]!.distance - part[0]!.distance,
      avgHeartRate: Math.round(part.reduce((x, s) => x + s.heartrate, 0) / part.length),
      maxHeartRate: Math.max(...part.map((s) => s.heartrate)),
      avgPower: Math.round(part.reduce((x, s) => x + s.watts, 0) / part.length),
    });
  }
  const last = samples[samples.length - 1]!;
  const end = last.t;
  put(enc, 'SESSION', {
    timestamp: at(end),
    startTime: spec.start,
    totalElapsedTime: (end - spec.start.getTime()) / 1000,
    totalTimerTime: (end - spec.start.getTime()) / 1000,
    totalDistance: last.distance,
    sport: 'running',
  });
  put(enc, 'ACTIVITY', {
    timestamp: at(end),
    totalTimerTime: (end - spec.start.getTime()) / 1000,
    numSessions: 1,
    type: 'manual',
    event: 'activity',
    eventType: 'stop',
    ...(spec.fitOffsetS === undefined || spec.fitOffsetS === null
      ? {}
      : { localTimestamp: (end - Utils.FIT_EPOCH_MS) / 1000 + spec.fitOffsetS }),
  });
  return Buffer.from(enc.close());
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** A GPX 1.1 track (no laps: GPX has none). */
export function gpxFile(spec: TrackSpec): string {
  const pts = samplesOf(spec).map(
    (s) =>
      `<trkpt lat="${s.lat}" lon="${s.lng}"><ele>${s.altitude}</ele><time>${iso(s.t)}</time>` +
      `<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>${s.heartrate}</gpxtpx:hr>` +
      `<gpxtpx:cad>${s.cadence}</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>`,
  );
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<gpx creator="test" version="1.1" xmlns="http://www.topografix.com/GPX/1/1" ` +
    `xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n` +
    `<metadata><time>${iso(spec.start.getTime())}</time></metadata>\n` +
    `<trk><name>test</name><type>running</type><trkseg>\n${pts.join('\n')}\n</trkseg></trk></gpx>\n`
  );
}

/** A TCX activity with `laps` laps. */
export function tcxFile(spec: TrackSpec): string {
  const samples = samplesOf(spec);
  const laps = lapRanges(spec).map(([a, b]) => {
    const part = samples.slice(a, b + 1);
    const points = part.map(
      (s) =>
        `<Trackpoint><Time>${iso(s.t)}</Time>` +
        (s.lat !== null
          ? `<Position><LatitudeDegrees>${s.lat}</LatitudeDegrees><LongitudeDegrees>${s.lng}</LongitudeDegrees></Position>`
          : '') +
        `<AltitudeMeters>${s.altitude}</AltitudeMeters><DistanceMeters>${s.distance}</DistanceMeters>` +
        `<HeartRateBpm><Value>${s.heartrate}</Value></HeartRateBpm><Cadence>${s.cadence}</Cadence>` +
        `<Extensions><ns3:TPX><ns3:Speed>${s.speed}</ns3:Speed><ns3:Watts>${s.watts}</ns3:Watts></ns3:TPX></Extensions>` +
        `</Trackpoint>`,
    );
    const time = (part[part.length - 1]!.t - part[0]!.t) / 1000;
    return (
      `<Lap StartTime="${iso(part[0]!.t)}"><TotalTimeSeconds>${time}</TotalTimeSeconds>` +
      `<DistanceMeters>${part[part.length - 1]!.distance - part[0]!.distance}</DistanceMeters>` +
      `<MaximumSpeed>${part[0]!.speed}</MaximumSpeed><Calories>10</Calories>` +
      `<AverageHeartRateBpm><Value>${Math.round(part.reduce((x, s) => x + s.heartrate, 0) / part.length)}</Value></AverageHeartRateBpm>` +
      `<MaximumHeartRateBpm><Value>${Math.max(...part.map((s) => s.heartrate))}</Value></MaximumHeartRateBpm>` +
      `<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod>` +
      `<Track>${points.join('')}</Track></Lap>`
    );
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" ` +
    `xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">` +
    `<Activities><Activity Sport="Running"><Id>${iso(spec.start.getTime())}</Id>` +
    `${laps.join('')}</Activity></Activities></TrainingCenterDatabase>\n`
  );
}

/** gzip, as the export stores many activity files. */
export const gz = (data: Buffer | string) => gzipSync(data);
