/**
 * One run of the real CLI (the bundle scripts/bundle.mjs builds) as a child process against the
 * in-repo Strava simulator on loopback: timed from spawn to exit, with its peak RSS and the
 * token and list requests the simulator answered.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunRecord } from '../src/runs/record.js';
import { startSimulator } from '../src/simulator/index.js';
import type { StravaActivity } from '../src/strava/schema.js';
import { runNode, tail } from './measure.js';
import { CLI } from './paths.js';

const CLIENT = {
  clientId: '31337',
  clientSecret: 'bench-client-secret',
  refreshToken: 'bench-refresh-token',
};

/**
 * Strava's real budget (100 reads per 15 minutes) would make a 100k backfill wait for new
 * windows; the benchmark measures the work, so the simulator's budget is out of reach.
 */
const NO_LIMIT: [number, number] = [1_000_000, 10_000_000];

/** The requests a run sent, by kind: token, list, and the detail endpoints. */
export interface Requests {
  token: number;
  list: number;
  details: number;
  streams: number;
  gear: number;
  zones: number;
}

export interface CliRun {
  ms: number;
  maxRssMb: number;
  requests: Requests;
  records: RunRecord[];
}

/** Runs `strava-lakehouse <args> --json` against a simulator serving `activities`. */
export async function runCli(
  activities: readonly StravaActivity[],
  args: readonly string[],
  extraEnv: Record<string, string> = {},
): Promise<CliRun> {
  const sim = await startSimulator({
    activities: [...activities],
    ...CLIENT,
    readLimit: NO_LIMIT,
    overallLimit: NO_LIMIT,
  });
  const tokenDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-bench-token-'));
  try {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CI: 'true',
      STRAVA_CLIENT_ID: CLIENT.clientId,
      STRAVA_CLIENT_SECRET: CLIENT.clientSecret,
      STRAVA_REFRESH_TOKEN: CLIENT.refreshToken,
      STRAVA_API_URL: sim.url,
      STRAVA_TOKEN_FILE: path.join(tokenDir, 'refresh-token'),
      ...extraEnv,
    };
    const run = await runNode([CLI, ...args, '--json'], { env, maxRss: true });
    if (run.code !== 0) {
      throw new Error(
        `strava-lakehouse ${args.join(' ')} exited ${run.code ?? run.signal}:\n${tail(run.stderr)}`,
      );
    }
    const printed = JSON.parse(run.stdout) as RunRecord | RunRecord[];
    const count = (p: string | RegExp) =>
      sim.state.requests.filter((r) => (typeof p === 'string' ? r.path === p : p.test(r.path)))
        .length;
    return {
      ms: run.ms,
      maxRssMb: run.maxRssMb ?? NaN,
      requests: {
        token: count('/oauth/token'),
        list: count('/api/v3/athlete/activities'),
        details: count(/^\/api\/v3\/activities\/\d+$/),
        streams: count(/^\/api\/v3\/activities\/\d+\/streams$/),
        gear: count(/^\/api\/v3\/gear\//),
        zones: count('/api/v3/athlete/zones'),
      },
      records: Array.isArray(printed) ? printed : [printed],
    };
  } finally {
    await sim.close();
    await fs.rm(tokenDir, { recursive: true, force: true });
  }
}
