import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StravaAuthError } from '../../../src/errors.js';
import { generateAthlete } from '../../../src/simulator/index.js';
import { StravaAuth } from '../../../src/strava/auth.js';
import { queryWindow } from '../../../src/strava/months.js';
import {
  CLIENT,
  client,
  expectNoSecrets,
  failure,
  fakeClock,
  listRequests,
  recordingProgress,
  simulator,
  stravaConfig,
  tokenRequests,
} from './support.js';

const athlete = generateAthlete({ count: 40, seed: 7, from: '2024-01' });
const WINDOW = queryWindow('2024-01', '2024-04');

describe('refresh-token rotation', () => {
  it('saves each new refresh token (0600 in a 0700 folder) and never sends a rotated-out one again', async () => {
    const sim = await simulator({ activities: athlete });
    const config = await stravaConfig(sim);

    const first = client(config);
    expect(await first.listActivities(WINDOW)).toHaveLength(40);
    const afterFirst = sim.state.refreshToken;
    expect(afterFirst).not.toBe(CLIENT.refreshToken);
    expect((await fs.readFile(config.tokenFile, 'utf8')).trim()).toBe(afterFirst);
    expect((await fs.stat(config.tokenFile)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(config.tokenFile))).mode & 0o777).toBe(0o700);
    expect(first.auth.rotatedRefreshToken).toBe(afterFirst);

    // The next run has the same (now stale) configured token: the saved one must win.
    const second = client(config);
    expect(await second.listActivities(WINDOW)).toHaveLength(40);
    expect(tokenRequests(sim).map((r) => r.refreshToken)).toEqual([
      CLIENT.refreshToken,
      afterFirst,
    ]);
    expect(tokenRequests(sim).every((r) => r.status === 200)).toBe(true);
    expect((await fs.readFile(config.tokenFile, 'utf8')).trim()).toBe(sim.state.refreshToken);
    expect(second.auth.rotatedRefreshToken).toBe(sim.state.refreshToken);
  });

  it('falls back to the configured token when the saved one is dead (the user re-authorized)', async () => {
    const sim = await simulator({ activities: athlete });
    const config = await stravaConfig(sim);
    await fs.mkdir(path.dirname(config.tokenFile), { recursive: true });
    await fs.writeFile(config.tokenFile, 'an-old-rotated-out-token\n');

    expect(await client(config).listActivities(WINDOW)).toHaveLength(40);
    expect(tokenRequests(sim).map((r) => [r.refreshToken, r.status])).toEqual([
      ['an-old-rotated-out-token', 400],
      [CLIENT.refreshToken, 200],
    ]);
    expect((await fs.readFile(config.tokenFile, 'utf8')).trim()).toBe(sim.state.refreshToken);
  });

  it('refreshes ahead of expiry instead of waiting for a 401', async () => {
    const clock = fakeClock();
    const sim = await simulator({ activities: athlete, now: clock.now, accessTokenTtlS: 3600 });
    const c = client(await stravaConfig(sim), { now: clock.now, sleep: clock.sleep });
    await c.listActivities(WINDOW);
    await clock.sleep(3600_000);
    await c.listActivities(WINDOW);
    expect(tokenRequests(sim)).toHaveLength(2);
    expect(listRequests(sim).every((r) => r.status === 200)).toBe(true);
  });

  it('shares one refresh between concurrent callers', async () => {
    const sim = await simulator({ activities: athlete });
    const auth = new StravaAuth({ config: await stravaConfig(sim) });
    const tokens = await Promise.all([auth.getAccessToken(), auth.getAccessToken()]);
    expect(tokens[0]).toBe(tokens[1]);
    expect(auth.requests).toBe(1);
  });
});

describe('permanent auth failures: one message each, no secrets', () => {
  it('a rotated-out or wrong refresh token says to re-authorize', async () => {
    const sim = await simulator({ activities: athlete });
    const config = await stravaConfig(sim, { refreshToken: 'not-the-current-token-0123456789' });
    const err = await failure(() => client(config).listActivities(WINDOW));
    expect(err).toBeInstanceOf(StravaAuthError);
    expect(err.message).toContain('refresh token');
    expect(err.message).toContain('RefreshToken refresh_token invalid');
    expect(err.line).toContain('strava-lakehouse auth');
    expectNoSecrets(err.line, sim, config);
    expect(err.line).not.toContain('not-the-current-token-0123456789');
  });

  it('the loser of a rotation race is told to re-run, not to re-authorize', async () => {
    const sim = await simulator({ activities: athlete });
    const config = await stravaConfig(sim);
    const winner = new StravaAuth({ config });
    // The loser read the token the winner is about to rotate; its request arrives just after.
    const loser = new StravaAuth({
      config,
      sleep: async () => {},
      fetch: async (input, init) => {
        await winner.getAccessToken();
        return fetch(input, init);
      },
    });
    const err = await failure(() => loser.getAccessToken());
    expect(err).toBeInstanceOf(StravaAuthError);
    expect(err.line).toBe(
      `Strava rejected the refresh token at POST /oauth/token: another run refreshed the token at the same time and saved the new one to ${config.tokenFile}. Re-run; no re-authorization is needed.`,
    );
    expect(tokenRequests(sim).map((r) => [r.refreshToken, r.status])).toEqual([
      [CLIENT.refreshToken, 200],
      [CLIENT.refreshToken, 400],
    ]);
    expectNoSecrets(err.line, sim, config);
    // The saved token is the winner's, and a re-run works with it.
    expect((await fs.readFile(config.tokenFile, 'utf8')).trim()).toBe(sim.state.refreshToken);
    expect(await client(config).listActivities(WINDOW)).toHaveLength(40);
  });

  it('a dead saved token and a dead configured one still say to re-authorize', async () => {
    const sim = await simulator({ activities: athlete });
    const config = await stravaConfig(sim, { refreshToken: 'not-the-current-token-0123456789' });
    await fs.mkdir(path.dirname(config.tokenFile), { recursive: true });
    await fs.writeFile(config.tokenFile, 'an-old-rotated-out-token\n');
    const err = await failure(() => client(config).listActivities(WINDOW));
    expect(err.line).not.toContain('another run');
    expect(err.line).toContain('Re-authorize with `strava-lakehouse auth`');
  });

  it('a revoked authorization gives the same refresh-token message', async () => {
    const sim = await simulator({ activities: athlete, faults: { revokedRefreshToken: true } });
    const config = await stravaConfig(sim);
    const err = await failure(() => client(config).listActivities(WINDOW));
    expect(err.message).toMatch(/rejected the refresh token at POST \/oauth\/token/);
    expectNoSecrets(err.line, sim, config);
  });

  it('a wrong client id or secret names them and where to copy them from', async () => {
    const sim = await simulator({ activities: athlete });
    for (const override of [{ clientId: '9999' }, { clientSecret: 'wrong-secret-abcdef' }]) {
      const config = await stravaConfig(sim, override);
      const err = await failure(() => client(config).listActivities(WINDOW));
      expect(err).toBeInstanceOf(StravaAuthError);
      expect(err.message).toContain('client id or secret');
      expect(err.message).toMatch(/Application client_(id|secret) invalid/);
      expect(err.line).toContain('https://www.strava.com/settings/api');
      expectNoSecrets(err.line, sim, config);
      expect(err.line).not.toContain('wrong-secret-abcdef');
    }
    // The id is checked first (400), the secret second (401), like Strava.
    expect(tokenRequests(sim).map((r) => r.status)).toEqual([400, 401]);
  });

  it('an inactive app (owner without a subscription) says how to reactivate it', async () => {
    const sim = await simulator({ activities: athlete, faults: { inactiveApp: true } });
    const config = await stravaConfig(sim);
    const err = await failure(() => client(config).listActivities(WINDOW));
    expect(err).toBeInstanceOf(StravaAuthError);
    expect(err.message).toContain('inactive');
    expect(err.message).toContain('403 Forbidden (Application Status Inactive)');
    expect(err.line).toContain('subscription');
    expectNoSecrets(err.line, sim, config);
    expect(listRequests(sim)).toHaveLength(1);
  });

  it('a token without activity read permission says activity:read_all is needed', async () => {
    const sim = await simulator({ activities: athlete, scope: 'read' });
    const config = await stravaConfig(sim);
    const err = await failure(() => client(config).listActivities(WINDOW));
    expect(err).toBeInstanceOf(StravaAuthError);
    expect(err.message).toContain('GET /api/v3/athlete/activities page 1');
    expect(err.message).toContain('activity:read_permission missing');
    expect(err.line).toContain('activity:read_all');
    expectNoSecrets(err.line, sim, config);
    // Not mistaken for an expired access token: no refresh-and-retry.
    expect(tokenRequests(sim)).toHaveLength(1);
  });

  it('warns once when the reported scope would miss private activities, and carries on', async () => {
    const withPrivate = athlete.map((a, i) => ({ ...a, private: i % 4 === 0 }));
    const sim = await simulator({
      activities: withPrivate,
      scope: 'read,activity:read',
      reportScope: true,
    });
    const progress = recordingProgress();
    const c = client(await stravaConfig(sim), { progress });
    const got = await c.listActivities(WINDOW);
    await c.auth.getAccessToken(true);
    expect(got.map((a) => a.id)).toEqual(
      withPrivate
        .filter((a) => !a.private)
        .map((a) => a.id)
        .sort((x, y) => x - y),
    );
    const warnings = progress.lines.filter((l) => l.kind === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('activity:read_all');
    expect(warnings[0]!.message).toContain('private');
  });
});
