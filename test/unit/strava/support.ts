/** Shared set-up for the Strava client tests: a simulator, a config pointing at it, a fake clock. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import type { StravaConfig } from '../../../src/config.js';
import { AppError } from '../../../src/errors.js';
import type { Progress } from '../../../src/progress.js';
import {
  startSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../../src/simulator/index.js';
import { StravaClient, type StravaClientOptions } from '../../../src/strava/client.js';

export const CLIENT = {
  clientId: '4242',
  clientSecret: 'sekrit-client-secret-0123456789abcdef',
  refreshToken: 'first-refresh-token-0123456789abcdef0123',
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A simulator for this test, closed after it. */
export async function simulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ ...CLIENT, ...opts });
  cleanups.push(() => sim.close());
  return sim;
}

/** A fresh folder for this test's token file, removed after it. */
export async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strava-test-'));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function stravaConfig(
  sim: Simulator,
  overrides: Partial<StravaConfig> = {},
): Promise<StravaConfig> {
  return {
    apiBase: `${sim.url}/api/v3`,
    oauthUrl: sim.url,
    ...CLIENT,
    tokenFile: path.join(await tempDir(), 'config', 'strava-lakehouse', 'refresh-token'),
    ...overrides,
  };
}

/** A clock that only moves when someone sleeps: waits cost nothing and stay deterministic. */
export function fakeClock(startIso = '2025-03-10T10:00:00Z') {
  let t = Date.parse(startIso);
  const sleeps: number[] = [];
  return {
    now: () => new Date(t),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
    get ms() {
      return t;
    },
  };
}

/** Progress that keeps every line, by kind. */
export function recordingProgress(): Progress & { lines: { kind: string; message: string }[] } {
  const lines: { kind: string; message: string }[] = [];
  return {
    lines,
    info: (message) => lines.push({ kind: 'info', message }),
    warn: (message) => lines.push({ kind: 'warn', message }),
    update: (message) => lines.push({ kind: 'update', message }),
    group: (_name, fn) => fn(),
  };
}

export function client(
  config: StravaConfig,
  opts: Omit<StravaClientOptions, 'config'> = {},
): StravaClient {
  return new StravaClient({ config, sleep: async () => {}, ...opts });
}

/** Runs `fn`, expecting an AppError; returns it. */
export async function failure(fn: () => Promise<unknown>): Promise<AppError> {
  const err = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

/** No secret, refresh token or access token the simulator ever saw appears in the text. */
export function expectNoSecrets(text: string, sim: Simulator, config: StravaConfig): void {
  const secrets = [
    config.clientSecret,
    config.refreshToken,
    sim.state.refreshToken,
    ...sim.state.requests.flatMap((r) => (r.refreshToken ? [r.refreshToken] : [])),
  ];
  if (sim.state.accessToken) secrets.push(sim.state.accessToken);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

export const listRequests = (sim: Simulator) =>
  sim.state.requests.filter((r) => r.path === '/api/v3/athlete/activities');
export const tokenRequests = (sim: Simulator) =>
  sim.state.requests.filter((r) => r.path === '/oauth/token');
