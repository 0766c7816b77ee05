/**
 * The recorded athlete: 1,132 real summary activities (2017-10 to 2025-10) that the demo and the
 * simulator serve by default. A JSON import, so esbuild inlines it into the bundle.
 */
import type { StravaActivity } from '../strava/schema.js';
import data from './data/recorded-athlete.json' with { type: 'json' };

/** Where the recorded activities come from. */
export const RECORDED_SOURCE: string = data.source;

/** A fresh copy of the recorded activities (callers may edit theirs). */
export function recordedActivities(): StravaActivity[] {
  return structuredClone(data.activities) as StravaActivity[];
}
