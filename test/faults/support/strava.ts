/**
 * A Strava simulator on a fake clock, for runs of the pipeline in this process: the simulator's
 * rate-limit windows, token expiry and the pipeline's waits all read one clock that moves only
 * when the run sleeps, so waiting for a 15-minute window or for midnight costs nothing. The
 * fetch it hands the run notes every token Strava issues, for the leak scan.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildConfig, type PipelineConfig, type RawInputs } from '../../../src/config.js';
import { CLI_LABELS } from '../../../src/cli/inputs.js';
import { runPipeline, type PipelineDeps, type PipelineResult } from '../../../src/pipeline.js';
import type { Progress } from '../../../src/progress.js';
import {
  startSimulator,
  type Simulator,
  type SimulatorOptions,
  type SimulatorRequest,
} from '../../../src/simulator/index.js';
import type { Range } from '../../support/pipeline.js';
import { startStranger, type Stranger } from '../../support/stranger.js';
import { cleanUpLater, type Warehouse } from './harness.js';
import { FORWARD, startProxy } from './proxy.js';
import { tokenNotingFetch, tokensIn } from './tokens.js';

/** Secret-looking credentials, distinct from other suites', so a leak would be unmistakable. */
export const CREDENTIALS = {
  clientId: '60606',
  clientSecret: 'faults-client-secret-5b1e9d3c7a2f4e6b8d0c1a3e5f7b9d2c',
  refreshToken: 'faults-first-refresh-token-8c4a2e6f0b1d3c5e7a9f2b4d6e8c0a1f',
} as const;

export interface FakeClock {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  set(iso: string): void;
  readonly ms: number;
}

export function fakeClock(startIso: string): FakeClock {
  let t = Date.parse(startIso);
  return {
    now: () => new Date(t),
    sleep: async (ms) => {
      t += ms;
    },
    set: (iso) => {
      t = Date.parse(iso);
    },
    get ms() {
      return t;
    },
  };
}

export interface Strava {
  sim: Simulator;
  clock: FakeClock;
  tokenFile: string;
  /** Every progress line of every run, by kind. */
  lines: { kind: string; message: string }[];
  /** The client secret and every token the simulator issued or was shown. */
  secrets(): string[];
  /** The run's list requests (200 a page; spendBudget's ask for 1), in order. */
  lists(): SimulatorRequest[];
  tokenCalls(): SimulatorRequest[];
  config(wh: Warehouse, range: Range, force?: boolean, inputs?: RawInputs): PipelineConfig;
  /** runPipeline on the fake clock; `fetch` wraps the recording fetch if given. */
  run(
    wh: Warehouse,
    range: Range,
    opts?: {
      force?: boolean;
      wrapFetch?: (f: typeof fetch) => typeof fetch;
      deps?: PipelineDeps;
      /** Raw inputs over the defaults (e.g. apiBase and oauthUrl instead of the one origin). */
      inputs?: RawInputs;
    },
  ): Promise<PipelineResult>;
}

export async function startStrava(
  opts: Omit<SimulatorOptions, 'now' | keyof typeof CREDENTIALS> & { start?: string } = {},
): Promise<Strava> {
  const clock = fakeClock(opts.start ?? '2026-01-12T10:07:00Z');
  const sim = await startSimulator({ ...opts, ...CREDENTIALS, now: clock.now });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-faults-token-'));
  cleanUpLater(async () => {
    await sim.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  const seen = new Set<string>([CREDENTIALS.clientSecret, CREDENTIALS.refreshToken]);
  const recordingFetch = tokenNotingFetch(fetch, (tokens) => {
    for (const t of tokens) seen.add(t);
  });
  const lines: { kind: string; message: string }[] = [];
  const progress: Progress = {
    info: (message) => lines.push({ kind: 'info', message }),
    warn: (message) => lines.push({ kind: 'warn', message }),
    update: (message) => lines.push({ kind: 'update', message }),
    group: (_name, fn) => fn(),
  };
  const tokenFile = path.join(dir, 'refresh-token');
  const config = (wh: Warehouse, range: Range, force = false, inputs: RawInputs = {}) =>
    buildConfig(
      {
        ...range,
        warehouse: wh.uri,
        force,
        // Each fault is about the month it names: no earlier month re-checked.
        ...('month' in range ? { lookback: '0' } : {}),
        ...CREDENTIALS,
        apiUrl: sim.url,
        tokenFile,
        s3Endpoint: wh.s3Endpoint,
        // Details have their own fault suite (details.test.ts); the others are about the list.
        noDetails: true,
        ...inputs,
      },
      CLI_LABELS,
    );
  return {
    sim,
    clock,
    tokenFile,
    lines,
    secrets: () => {
      for (const t of [sim.state.refreshToken, sim.state.accessToken]) if (t) seen.add(t);
      for (const r of sim.state.requests) if (r.refreshToken) seen.add(r.refreshToken);
      return [...seen];
    },
    lists: () =>
      sim.state.requests.filter(
        (r) => r.path === '/api/v3/athlete/activities' && r.query.per_page === '200',
      ),
    tokenCalls: () => sim.state.requests.filter((r) => r.path === '/oauth/token'),
    config,
    run: (wh, range, o = {}) =>
      runPipeline(config(wh, range, o.force, o.inputs), {
        fetch: o.wrapFetch ? o.wrapFetch(recordingFetch) : recordingFetch,
        now: clock.now,
        sleep: clock.sleep,
        progress,
        ...o.deps,
      }),
  };
}

/**
 * A fetch that, once the run's `after`-th list request has been answered, lets `act` do
 * something to Strava (switch on a fault, spend budget as another client) before the run
 * sees that answer. `act` gets the run's Authorization header.
 */
export function afterListRequest(
  after: number,
  act: (authorization: string) => Promise<void> | void,
): (f: typeof fetch) => typeof fetch {
  return (inner) => {
    let lists = 0;
    return async (input, init) => {
      const res = await inner(input, init);
      if (String(input).includes('/athlete/activities') && ++lists === after) {
        await act(new Headers(init?.headers).get('authorization') ?? '');
      }
      return res;
    };
  };
}

/** `n` list requests as another client of the same application would send: they spend its budget. */
export async function spendBudget(sim: Simulator, authorization: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${sim.url}/api/v3/athlete/activities?page=1&per_page=1`, {
      headers: { authorization },
    });
    await res.arrayBuffer();
  }
}

/**
 * A pass-through proxy in front of Strava that keeps every token POST /oauth/token hands out:
 * a child process's fetch is not ours to wrap, and the simulator shows only its newest tokens.
 */
export async function recordTokens(
  stravaUrl: string,
): Promise<{ url: string; tokens(): string[] }> {
  const proxy = await startProxy(stravaUrl, () => FORWARD);
  cleanUpLater(() => proxy.close());
  return {
    url: proxy.url,
    tokens: () =>
      proxy.log
        .filter((e) => e.path === '/oauth/token' && e.status === 200 && e.answer)
        .flatMap((e) => tokensIn(JSON.parse(e.answer!.toString('utf8')))),
  };
}

/** A stranger host (test/support/stranger.ts), closed after the test. */
export async function stranger(body: unknown): Promise<Stranger> {
  const host = await startStranger(body);
  cleanUpLater(() => host.close());
  return host;
}
