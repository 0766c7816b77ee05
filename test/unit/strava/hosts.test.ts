/**
 * Strava's 2027 hosts and the rules for every request that carries a secret: the default API base
 * by the run's clock, the one fallback to the old base when the new host cannot be reached,
 * the prefix-less API on its own origin, redirects (refused off the origin, followed a few times
 * within it), runaway paging, and tokens in headers only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CLI_LABELS, rawInputs } from '../../../src/cli/inputs.js';
import { buildConfig } from '../../../src/config.js';
import { ConfigError, StravaApiError } from '../../../src/errors.js';
import { activityAt, recordedActivities } from '../../../src/simulator/index.js';
import { fetchMonths, maxPages } from '../../../src/strava/client.js';
import { NEW_API_BASE, OLD_API_BASE } from '../../../src/strava/hosts.js';
import { queryWindow } from '../../../src/strava/months.js';
import { startStranger } from '../../support/stranger.js';
import {
  CLIENT,
  client,
  failure,
  listRequests,
  recordingProgress,
  simulator,
  stravaConfig,
  tokenRequests,
} from './support.js';

const MAY_2024 = recordedActivities().filter((a) => a.start_date_local.startsWith('2024-05'));

const ENV = {
  STRAVA_CLIENT_ID: CLIENT.clientId,
  STRAVA_CLIENT_SECRET: CLIENT.clientSecret,
  STRAVA_REFRESH_TOKEN: CLIENT.refreshToken,
  STRAVA_TOKEN_FILE: '/tmp/strava-hosts-test/refresh-token',
};
const configAt = (iso: string, env: NodeJS.ProcessEnv = {}) =>
  buildConfig(rawInputs({ month: '2026-10' }, { ...ENV, ...env }), CLI_LABELS, {
    now: new Date(iso),
  }).strava;

/** A port nothing listens on: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('the default hosts follow the run clock', () => {
  it('before 2027-01-04: the API under www.strava.com/api/v3, nothing to fall back to', () => {
    expect(configAt('2027-01-03T23:59:59Z')).toMatchObject({
      apiBase: OLD_API_BASE,
      oauthUrl: 'https://www.strava.com',
    });
    expect(configAt('2027-01-03T23:59:59Z').apiBaseFallback).toBeUndefined();
  });

  it('from 2027-01-04: api-v3.strava.com without a prefix, the old base kept as the fallback; OAuth stays on www', () => {
    for (const iso of ['2027-01-04T00:00:00Z', '2031-06-01T12:00:00Z']) {
      expect(configAt(iso)).toMatchObject({
        apiBase: 'https://api-v3.strava.com',
        apiBaseFallback: 'https://www.strava.com/api/v3',
        oauthUrl: 'https://www.strava.com',
      });
    }
    expect(NEW_API_BASE).toBe('https://api-v3.strava.com');
  });

  it('STRAVA_API_URL is one origin for both; STRAVA_API_BASE and STRAVA_OAUTH_URL win over it, and are never replaced by date', () => {
    expect(configAt('2027-02-01T00:00:00Z', { STRAVA_API_URL: 'http://127.0.0.1:8080/' })).toEqual(
      expect.objectContaining({
        apiBase: 'http://127.0.0.1:8080/api/v3',
        oauthUrl: 'http://127.0.0.1:8080',
      }),
    );
    const split = configAt('2027-02-01T00:00:00Z', {
      STRAVA_API_URL: 'http://127.0.0.1:8080',
      STRAVA_API_BASE: 'https://api.example/v3/',
      STRAVA_OAUTH_URL: 'https://login.example',
    });
    expect(split).toMatchObject({
      apiBase: 'https://api.example/v3',
      oauthUrl: 'https://login.example',
    });
    expect(split.apiBaseFallback).toBeUndefined();
  });

  it.for([
    ['STRAVA_API_URL', 'ftp://strava.example'],
    ['STRAVA_API_BASE', 'file:///etc/passwd'],
    ['STRAVA_OAUTH_URL', 'ftp://www.strava.com'],
  ])('refuses %s = %s up front, in one line', ([name, value]) => {
    let err: unknown;
    try {
      configAt('2026-11-01T00:00:00Z', { [name!]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const line = (err as ConfigError).line;
    expect(line).toMatch(new RegExp(`^${name} ".*" is not an http\\(s\\) URL`));
    expect(line).not.toContain('\n');
  });

  it('refuses a Strava URL with user:password@, without repeating the password', () => {
    let err: unknown;
    try {
      configAt('2026-11-01T00:00:00Z', {
        STRAVA_API_URL: 'https://athlete:hunter2@strava.example',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).line).toMatch(/^STRAVA_API_URL "https:\/\/\*\*\*@strava\.example"/);
    expect((err as ConfigError).line).not.toContain('hunter2');
  });
});

describe('the prefix-less API on its own origin, OAuth on the other', () => {
  it('lists the month from {apiBase}/athlete/activities and takes tokens from the OAuth origin', async () => {
    const sim = await simulator({ activities: MAY_2024, prefixlessOrigin: true });
    const config = await stravaConfig(sim, { apiBase: sim.prefixlessUrl!, oauthUrl: sim.url });
    const months = await fetchMonths(client(config), '2024-05', '2024-05');

    expect(months.get('2024-05')!.map((a) => a.id)).toEqual(
      MAY_2024.map((a) => a.id).sort((a, b) => a - b),
    );
    const lists = sim.state.requests.filter((r) => r.path === '/athlete/activities');
    expect(lists.length).toBe(2);
    expect(lists.every((r) => r.prefixless && r.status === 200)).toBe(true);
    expect(tokenRequests(sim).every((r) => !r.prefixless)).toBe(true);
    expect(listRequests(sim)).toEqual([]);
  });
});

describe('the new host cannot be reached: one fallback to the old base', () => {
  it('connection refused: one warning, then every page from the old base', async () => {
    const sim = await simulator({ activities: MAY_2024 });
    const progress = recordingProgress();
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const config = await stravaConfig(sim, {
      apiBase: dead,
      apiBaseFallback: `${sim.url}/api/v3`,
    });
    const c = client(config, { progress });

    const months = await fetchMonths(c, '2024-05', '2024-05');

    expect(months.get('2024-05')).toHaveLength(MAY_2024.length);
    const warnings = progress.lines.filter((l) => l.kind === 'warn').map((l) => l.message);
    expect(warnings).toEqual([
      `Strava's new API host ${new URL(dead).host} could not be reached (ECONNREFUSED); using ${sim.url}/api/v3 for this run.`,
    ]);
    // No retries were spent on the dead host: one try, then the old base for both pages.
    expect(listRequests(sim).map((r) => r.query.page)).toEqual(['1', '2']);
    expect(c.requestCount).toBe(1 + 1 + 2);
  });

  it('a host that does not resolve: the same fallback', async () => {
    const sim = await simulator({ activities: MAY_2024 });
    const progress = recordingProgress();
    const config = await stravaConfig(sim, {
      apiBase: 'http://api-v3.strava.invalid',
      apiBaseFallback: `${sim.url}/api/v3`,
    });

    const months = await fetchMonths(client(config, { progress }), '2024-05', '2024-05');

    expect(months.get('2024-05')).toHaveLength(MAY_2024.length);
    const warnings = progress.lines.filter((l) => l.kind === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(
      /^Strava's new API host api-v3\.strava\.invalid could not be reached \((ENOTFOUND|EAI_AGAIN)\)/,
    );
  });

  it('an HTTP error from the new host is not a reason to fall back', async () => {
    const sim = await simulator({
      activities: MAY_2024,
      prefixlessOrigin: true,
      faults: { serverErrors: 5 },
    });
    const progress = recordingProgress();
    const config = await stravaConfig(sim, {
      apiBase: sim.prefixlessUrl!,
      apiBaseFallback: `${sim.url}/api/v3`,
    });

    const err = await failure(() =>
      fetchMonths(client(config, { progress }), '2024-05', '2024-05'),
    );

    expect(err.line).toMatch(
      /^GET \/athlete\/activities page 1 failed 5 times; last: Strava answered 503\./,
    );
    expect(listRequests(sim)).toEqual([]);
    expect(progress.lines.filter((l) => l.kind === 'warn')).toEqual([]);
  });

  it('without a fallback (a base set by hand), a dead host is network trouble, retried', async () => {
    const sim = await simulator({ activities: MAY_2024 });
    const config = await stravaConfig(sim, { apiBase: `http://127.0.0.1:${await closedPort()}` });
    const err = await failure(() => fetchMonths(client(config), '2024-05', '2024-05'));
    expect(err.line).toMatch(
      /^GET \/athlete\/activities page 1 failed 5 times; last: fetch failed \(ECONNREFUSED\)/,
    );
  });
});

describe('tokens travel in headers only', () => {
  it('no URL of any request carries the client secret, a refresh token or an access token', async () => {
    const sim = await simulator({ activities: MAY_2024 });
    const config = await stravaConfig(sim);
    const sent: { url: string; authorization: string | null }[] = [];
    const watching: typeof fetch = (input, init) => {
      sent.push({
        url: String(input),
        authorization: new Headers(init?.headers).get('authorization'),
      });
      return fetch(input, init);
    };
    const c = client(config, { fetch: watching });
    await fetchMonths(c, '2024-04', '2024-05');
    // A revoked access token: a second refresh, so two sets of tokens are in play.
    sim.setFaults({ rejectAccessToken: 1 });
    await fetchMonths(c, '2024-04', '2024-05');

    const secrets = [
      CLIENT.clientSecret,
      CLIENT.refreshToken,
      sim.state.accessToken,
      sim.state.refreshToken,
      ...sim.state.requests.flatMap((r) => (r.refreshToken ? [r.refreshToken] : [])),
    ];
    expect(tokenRequests(sim)).toHaveLength(2);
    for (const { url } of sent) {
      for (const s of secrets) expect(url).not.toContain(s);
    }
    for (const r of sim.state.requests) {
      for (const s of secrets) expect(Object.values(r.query)).not.toContain(s);
    }
    const lists = sent.filter((s) => s.url.includes('/athlete/activities'));
    expect(lists.length).toBeGreaterThan(2);
    expect(lists.every((s) => /^Bearer [0-9a-f]{40}$/.test(s.authorization ?? ''))).toBe(true);
  });
});

describe('redirects of requests that carry secrets', () => {
  it('a 307 of the token request to another host: refused in one line naming both hosts; the stranger receives nothing, nothing is saved', async () => {
    const evil = await startStranger({
      access_token: 'a'.repeat(40),
      expires_at: 9e9,
      refresh_token: 'r'.repeat(40),
    });
    try {
      const sim = await simulator({
        activities: MAY_2024,
        faults: {
          redirects: [{ path: '/oauth/token', location: `${evil.url}/oauth/token`, status: 307 }],
        },
      });
      const config = await stravaConfig(sim);

      const err = await failure(() => fetchMonths(client(config), '2024-05', '2024-05'));

      expect(err).toBeInstanceOf(StravaApiError);
      expect(err.line).toBe(
        `POST /oauth/token: ${new URL(sim.url).host} redirected the request to ${evil.host}; refused, so nothing was sent to ${evil.host}. A proxy or a wrong Strava URL may be in the way; check STRAVA_API_BASE and STRAVA_OAUTH_URL (or STRAVA_API_URL).`,
      );
      expect(evil.received).toEqual([]);
      // Refused at once, not retried as network trouble.
      expect(tokenRequests(sim)).toHaveLength(1);
      await expect(fs.access(config.tokenFile)).rejects.toThrow();
      expect(listRequests(sim)).toEqual([]);
    } finally {
      await evil.close();
    }
  });

  it('a 302 of the list to another host: refused; the stranger never sees the access token', async () => {
    const evil = await startStranger([]);
    try {
      const sim = await simulator({
        activities: MAY_2024,
        faults: {
          redirects: [
            {
              path: '/api/v3/athlete/activities',
              location: `${evil.url}/api/v3/athlete/activities`,
              keepQuery: true,
            },
          ],
        },
      });
      const err = await failure(async () =>
        fetchMonths(client(await stravaConfig(sim)), '2024-05', '2024-05'),
      );
      expect(err.line).toMatch(
        new RegExp(
          `^GET /api/v3/athlete/activities page 1: ${new URL(sim.url).host} redirected the request to ${evil.host}; refused`,
        ),
      );
      expect(evil.received).toEqual([]);
    } finally {
      await evil.close();
    }
  });

  it('within the origin: followed, and the answer is marked as redirected', async () => {
    const sim = await simulator({
      activities: MAY_2024,
      faults: {
        redirects: [
          {
            path: '/api/v3/athlete/activities',
            location: '/api/v3/mirror/athlete/activities',
            keepQuery: true,
            times: 1,
          },
          {
            path: '/api/v3/mirror/athlete/activities',
            location: '/api/v3/athlete/activities',
            keepQuery: true,
            times: 1,
          },
        ],
      },
    });
    const c = client(await stravaConfig(sim));
    const result = await c.fetchActivities(queryWindow('2024-05'));
    expect(result.activities).toHaveLength(MAY_2024.length);
    expect(result.redirectedTo).toBe(`${new URL(sim.url).host}/api/v3/mirror/athlete/activities`);
    expect(listRequests(sim).map((r) => r.status)).toEqual([302, 200, 200]);
  });

  it('within the origin, more than 5 times: refused', async () => {
    const sim = await simulator({
      activities: MAY_2024,
      faults: {
        redirects: [
          { path: '/api/v3/athlete/activities', location: '/api/v3/loop' },
          { path: '/api/v3/loop', location: '/api/v3/athlete/activities' },
        ],
      },
    });
    const err = await failure(async () =>
      fetchMonths(client(await stravaConfig(sim)), '2024-05', '2024-05'),
    );
    expect(err.line).toMatch(
      /^GET \/api\/v3\/athlete\/activities page 1: 127\.0\.0\.1:\d+ redirected the request more than 5 times\./,
    );
    // The first request and 5 followed redirects, once: not retried.
    expect(sim.state.requests.filter((r) => r.status === 302)).toHaveLength(6);
  });
});

describe('runaway paging', () => {
  it('a server that ignores page: 2 list requests and one error line', async () => {
    const sim = await simulator({ faults: { ignorePage: true } });
    const progress = recordingProgress();
    const c = client(await stravaConfig(sim), { progress });

    const err = await failure(() => fetchMonths(c, '2023-01', '2024-12'));

    expect(err.line).toBe(
      "GET /api/v3/athlete/activities page 2: Strava's list answered the same activities as page 1; paging stopped so as not to spend the day's request budget. The server ignores the page parameter or is not Strava: check STRAVA_API_BASE (or STRAVA_API_URL). Nothing was written to the tables.",
    );
    expect(listRequests(sim).map((r) => r.query.page)).toEqual(['1', '2']);
  });

  it('a window holds at most 100 activities a day: a month stops after ceil(days x 100 / 200) + 3 pages', async () => {
    const window = queryWindow('2024-05');
    const limit = maxPages(window);
    // 31 days widened by 14 h each side: 32.2 days, 17 pages of 200, plus 3.
    expect(limit).toBe(20);
    // More activities than that in the month: 21 full pages.
    const many = Array.from({ length: 200 * 21 }, (_, i) =>
      activityAt({
        id: 9_000_000 + i,
        startLocal: `2024-05-${String(1 + (i % 30)).padStart(2, '0')}T${String(5 + (i % 14)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`,
        timezone: 'UTC',
      }),
    );
    const sim = await simulator({ activities: many });
    const c = client(await stravaConfig(sim));

    const err = await failure(() => c.fetchActivities(window));

    expect(err.line).toMatch(
      /^GET \/api\/v3\/athlete\/activities page 21: Strava's list answered 20 pages, more than the window can hold;/,
    );
    expect(listRequests(sim)).toHaveLength(20);
  });
});
