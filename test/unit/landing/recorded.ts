/**
 * Real activities for landing tests: the seven runs of November 2018 that Strava returned for
 * one recorded month window (test/fixtures/strava-recorded/athlete_activities_december_2018.json,
 * copied from ../shared/fixtures; recorded by dblock/strava-ruby-client, MIT licence, commit
 * ca6ae632df31891be3fc13036115ed72e61a5fb6).
 */
import fs from 'node:fs';
import { validateActivity, type StravaActivity } from '../../../src/strava/schema.js';

const FILE = new URL(
  '../../fixtures/strava-recorded/athlete_activities_december_2018.json',
  import.meta.url,
);

export const RECORDED_MONTH = '2018-11';

/** A fresh copy of the recorded activities, validated against the schema. */
export function recordedActivities(): StravaActivity[] {
  const [interaction] = JSON.parse(fs.readFileSync(FILE, 'utf8')) as {
    response: { body: unknown[] };
  }[];
  return (interaction?.response.body ?? []).map(validateActivity);
}
