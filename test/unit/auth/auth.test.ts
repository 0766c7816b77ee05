/**
 * `strava-lakehouse auth` driven end to end without a browser: the test follows the printed
 * authorize URL with fetch, as a browser would, against the Strava simulator, whose authorize
 * page redirects to the command's callback with a code, the state and the granted scope.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sodium from 'libsodium-wrappers';
import { afterEach, describe, expect, it } from 'vitest';
import { authOptions, runAuth, runRevoke, type AuthOptions } from '../../../src/cli/auth.js';
import { AppError, ConfigError, GitHubError, StravaAuthError } from '../../../src/errors.js';
import type { Simulator } from '../../../src/simulator/index.js';
import { StravaAuth } from '../../../src/strava/auth.js';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';
import { CLIENT, simulator, tempDir } from '../strava/support.js';
import { captureOutput, captureProgress } from './support.js';

const ATHLETE = { id: 26462176, name: 'Daniel Doubrovkine' };
const AUTHORIZE_URL = /https?:\/\/\S+\/oauth\/authorize\?\S+/;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

interface Outcome {
  code?: number;
  err?: AppError;
}

/** Starts `auth` against `sim` and waits for it to print the authorize URL. */
async function startAuth(sim: Simulator, overrides: Partial<AuthOptions> = {}) {
  const tokenFile = path.join(await tempDir(), 'config', 'strava-lakehouse', 'refresh-token');
  const opts: AuthOptions = {
    oauthUrl: sim.url,
    clientId: CLIENT.clientId,
    clientSecret: CLIENT.clientSecret,
    tokenFile,
    port: 0,
    timeoutMs: 20_000,
    ...overrides,
  };
  const log = captureProgress();
  const out = captureOutput();
  const done: Promise<Outcome> = runAuth(opts, { out: out.stream, progress: log.progress }).then(
    (code) => ({ code }),
    (err: AppError) => ({ err }),
  );
  const url = await log.waitFor(AUTHORIZE_URL);
  return { opts, log, out, done, url, tokenFile };
}

/** The authorize page's redirect, not followed: where Strava sends the browser back to. */
async function callbackOf(url: string): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

const exists = (file: string) =>
  fs.stat(file).then(
    () => true,
    () => false,
  );

const tokenRequests = (sim: Simulator) =>
  sim.state.requests.filter((r) => r.method === 'POST' && r.path === '/oauth/token');

describe('auth', () => {
  it('prints the authorize URL with the documented parameters and a random state', async () => {
    const sim = await simulator();
    const first = await startAuth(sim);
    const second = await startAuth(sim);
    const url = new URL(first.url);
    expect(url.origin + url.pathname).toBe(`${sim.url}/oauth/authorize`);
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({
      client_id: CLIENT.clientId,
      response_type: 'code',
      approval_prompt: 'force',
      scope: 'read,activity:read,activity:read_all',
    });
    expect(q.redirect_uri).toMatch(/^http:\/\/localhost:\d+\/callback$/);
    expect(q.state).toMatch(/^[0-9a-f]{32}$/);
    expect(new URL(second.url).searchParams.get('state')).not.toBe(q.state);
    expect(first.log.lines.join('\n')).toContain('Authorization Callback Domain');
    await Promise.all([fetch(first.url), fetch(second.url)]);
    expect((await first.done).code).toBe(0);
    expect((await second.done).code).toBe(0);
  });

  it('following the URL like a browser saves the refresh token (0600) and names the athlete, printing no secret', async () => {
    const sim = await simulator();
    const run = await startAuth(sim);
    const page = await fetch(run.url);
    expect(page.status).toBe(200);
    expect(page.url).toMatch(/^http:\/\/localhost:\d+\/callback\?/);
    expect(await page.text()).toContain('Authorized');
    expect(await run.done).toEqual({ code: 0 });

    const saved = (await fs.readFile(run.tokenFile, 'utf8')).trim();
    expect(saved).toBe(sim.state.refreshToken);
    expect((await fs.stat(run.tokenFile)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(run.tokenFile))).mode & 0o777).toBe(0o700);
    expect(run.out.text()).toContain(
      `Authorized as ${ATHLETE.name} (Strava athlete ${ATHLETE.id}), scope read,activity:read,activity:read_all.`,
    );
    expect(run.out.text()).toContain(run.tokenFile);
    const printed = run.out.text() + run.log.lines.join('\n');
    for (const secret of [CLIENT.clientSecret, saved, sim.state.accessToken]) {
      expect(printed).not.toContain(secret);
    }
    expect(tokenRequests(sim).map((r) => r.status)).toEqual([200]);

    // The saved token is the one the pipeline's refresh reads next, and Strava takes it.
    const auth = new StravaAuth({
      config: { ...run.opts, apiBase: `${sim.url}/api/v3`, refreshToken: '' },
    });
    const accessToken = await auth.getAccessToken();
    expect(accessToken).toBe(sim.state.accessToken);
  });

  it('refuses an answer whose state does not match, keeps waiting, and takes the right one once', async () => {
    const sim = await simulator();
    const run = await startAuth(sim);
    const callback = await callbackOf(run.url);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'f'.repeat(32));
    const refused = await fetch(forged);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('state does not match');
    expect(run.log.lines.join('\n')).toMatch(
      /warning: Ignored an answer on the callback: its state does not match/,
    );
    expect(await exists(run.tokenFile)).toBe(false);

    const accepted = await fetch(callback);
    expect(accepted.status).toBe(200);
    expect(await run.done).toEqual({ code: 0 });
    // One answer only: the callback server is gone.
    await expect(fetch(callback)).rejects.toThrow();
    expect(tokenRequests(sim)).toHaveLength(1);
  });

  it('warns that private activities will be missed when activity:read_all is unticked', async () => {
    const sim = await simulator();
    sim.setFaults({ grantScope: 'read,activity:read' });
    const run = await startAuth(sim);
    await fetch(run.url);
    expect(await run.done).toEqual({ code: 0 });
    const warning = run.log.lines.find((l) => l.startsWith('warning:'));
    expect(warning).toContain(
      'Strava granted the scope "read,activity:read", without activity:read_all: private (Only You) activities will be missed.',
    );
    expect(warning).toContain('run `strava-lakehouse auth` again');
    expect(run.out.text()).toContain('scope read,activity:read.');
    expect((await fs.readFile(run.tokenFile, 'utf8')).trim()).toBe(sim.state.refreshToken);
  });

  it('saves nothing when no activity scope was granted at all', async () => {
    const sim = await simulator();
    sim.setFaults({ grantScope: 'read' });
    const run = await startAuth(sim);
    await fetch(run.url);
    const { err } = await run.done;
    expect(err).toBeInstanceOf(StravaAuthError);
    expect(err!.line).toContain(
      'Strava granted the scope "read", which cannot list activities (neither activity:read_all nor activity:read): nothing was saved.',
    );
    expect(err!.line).toContain('View data about your private activities');
    expect(await exists(run.tokenFile)).toBe(false);
    expect(tokenRequests(sim)).toHaveLength(0);
  });

  it('reports a denial on the authorize page clearly, saving nothing', async () => {
    const sim = await simulator();
    sim.setFaults({ denyAuthorization: true });
    const run = await startAuth(sim);
    const callback = await callbackOf(run.url);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
    await fetch(callback);
    const { err } = await run.done;
    expect(err).toBeInstanceOf(StravaAuthError);
    expect(err!.line).toBe(
      'Strava reports that access was denied (error=access_denied): nothing was saved. Run `strava-lakehouse auth` again and click Authorize.',
    );
    expect(await exists(run.tokenFile)).toBe(false);
    // Not even the token file's folders: a failed sign-in leaves no empty config folder.
    expect(await exists(path.dirname(path.dirname(run.tokenFile)))).toBe(false);
  });

  it('gives up after --timeout, saying the callback domain must be localhost', async () => {
    const sim = await simulator();
    const run = await startAuth(sim, { timeoutMs: 300 });
    const redirect = new URL(run.url).searchParams.get('redirect_uri')!;
    const { err } = await run.done;
    expect(err).toBeInstanceOf(StravaAuthError);
    expect(err!.message).toBe(`No answer from Strava reached ${redirect} within 0.3 s.`);
    expect(err!.hint).toContain(
      'set the Authorization Callback Domain of your API application at https://www.strava.com/settings/api to localhost',
    );
    expect(err!.hint).toContain('--timeout');
    // The port is let go.
    await expect(fetch(redirect)).rejects.toThrow();
  });

  it('names a taken --port', async () => {
    const sim = await simulator();
    const busy = http.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => busy.close(() => r())));
    const port = (busy.address() as AddressInfo).port;
    const err = await runAuth(
      {
        oauthUrl: sim.url,
        ...CLIENT,
        tokenFile: path.join(await tempDir(), 'refresh-token'),
        port,
        timeoutMs: 1000,
      },
      { out: captureOutput().stream, progress: captureProgress().progress },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).line).toBe(
      `--port ${port} is taken on 127.0.0.1. Give another --port, or leave it out for a free one.`,
    );
  });

  it('listens on the --port given', async () => {
    const sim = await simulator();
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const run = await startAuth(sim, { port });
    expect(new URL(run.url).searchParams.get('redirect_uri')).toBe(
      `http://localhost:${port}/callback`,
    );
    await fetch(run.url);
    expect((await run.done).code).toBe(0);
  });
});

describe('auth --github-repo', () => {
  const WRITER = 'github_pat_SecretsWriter0001';
  const READER = 'ghs_WorkflowToken0002';
  let github: FakeGitHub;

  async function fakeGitHub() {
    github = await startFakeGitHub({
      tokens: { [WRITER]: { secretsWrite: true }, [READER]: { actionsRead: true } },
    });
    closers.push(() => github.close());
    return github;
  }

  it('sets the three repository secrets, sealed for the repository key', async () => {
    const sim = await simulator();
    const gh = await fakeGitHub();
    const run = await startAuth(sim, {
      github: { repo: { owner: gh.owner, repo: gh.repo }, token: WRITER, apiUrl: gh.url },
    });
    await fetch(run.url);
    expect(await run.done).toEqual({ code: 0 });
    const expected = {
      STRAVA_CLIENT_ID: CLIENT.clientId,
      STRAVA_CLIENT_SECRET: CLIENT.clientSecret,
      STRAVA_REFRESH_TOKEN: sim.state.refreshToken,
    };
    expect(Object.fromEntries(gh.secrets)).toEqual(expected);

    // What travelled opens with the repository's secret key to exactly those values.
    await sodium.ready;
    const b64 = (s: string) => sodium.from_base64(s, sodium.base64_variants.ORIGINAL);
    const puts = gh.requests.filter((r) => r.method === 'PUT');
    const opened = Object.fromEntries(
      puts.map((r) => {
        const body = r.body as { encrypted_value: string; key_id: string };
        expect(body.key_id).toBe(gh.keyId);
        const plain = sodium.crypto_box_seal_open(
          b64(body.encrypted_value),
          b64(gh.publicKey),
          b64(gh.privateKey),
        );
        return [r.path.split('/').pop()!, sodium.to_string(plain)];
      }),
    );
    expect(opened).toEqual(expected);
    const bodies = JSON.stringify(gh.requests.map((r) => r.body));
    for (const value of [CLIENT.clientSecret, sim.state.refreshToken]) {
      expect(bodies).not.toContain(value);
    }
    expect(run.out.text()).toContain(
      `Set the secrets STRAVA_CLIENT_ID, STRAVA_CLIENT_SECRET, STRAVA_REFRESH_TOKEN of ${gh.owner}/${gh.repo}.`,
    );
  });

  it('with a token that may not write secrets, says so and keeps the saved token', async () => {
    const sim = await simulator();
    const gh = await fakeGitHub();
    const run = await startAuth(sim, {
      github: { repo: { owner: gh.owner, repo: gh.repo }, token: READER, apiUrl: gh.url },
    });
    await fetch(run.url);
    const { err } = await run.done;
    expect(err).toBeInstanceOf(GitHubError);
    expect(err!.line).toContain(
      `The secrets of ${gh.owner}/${gh.repo} were not set (the refresh token is saved in ${run.tokenFile})`,
    );
    expect(err!.line).toContain('403');
    expect(err!.line).toContain('Secrets permission (read and write)');
    expect(err!.line).not.toContain(READER);
    expect(gh.secrets.size).toBe(0);
    expect((await fs.readFile(run.tokenFile, 'utf8')).trim()).toBe(sim.state.refreshToken);
  });
});

describe('auth --revoke', () => {
  it('revokes the saved token at POST /oauth/revoke (in the body, never the URL) and deletes the token file', async () => {
    const sim = await simulator();
    const tokenFile = path.join(await tempDir(), 'refresh-token');
    const config = {
      apiBase: `${sim.url}/api/v3`,
      oauthUrl: sim.url,
      ...CLIENT,
      tokenFile,
    };
    // A run refreshed once: the file holds the rotated token, which Strava accepts.
    await new StravaAuth({ config }).getAccessToken();
    const saved = (await fs.readFile(tokenFile, 'utf8')).trim();
    expect(saved).toBe(sim.state.refreshToken);
    const out = captureOutput();

    const code = await runRevoke(
      { oauthUrl: sim.url, ...CLIENT, tokenFile, port: 0, timeoutMs: 1000 },
      {},
      { out: out.stream },
    );

    expect(code).toBe(0);
    expect(out.text()).toBe(`Revoked the saved Strava token and deleted ${tokenFile}.\n`);
    await expect(fs.access(tokenFile)).rejects.toThrow();
    const revoke = sim.state.requests.filter((r) => r.path === '/oauth/revoke');
    expect(revoke.map((r) => [r.method, r.status, r.refreshToken])).toEqual([['POST', 200, saved]]);
    expect(Object.values(revoke[0]!.query)).toEqual([]);
    expect(out.text()).not.toContain(saved);
    // Revoked: Strava refuses it from now on.
    const err = await new StravaAuth({ config: { ...config, refreshToken: saved } })
      .getAccessToken()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StravaAuthError);
    expect(tokenRequests(sim).map((r) => r.status)).toEqual([200, 400]);
  });

  it('keeps the file when Strava refuses the revocation, and says why', async () => {
    const sim = await simulator();
    const tokenFile = path.join(await tempDir(), 'refresh-token');
    await fs.writeFile(tokenFile, `${CLIENT.refreshToken}\n`, { mode: 0o600 });

    const err = await runRevoke(
      {
        oauthUrl: sim.url,
        ...CLIENT,
        clientSecret: 'not-the-secret',
        tokenFile,
        port: 0,
        timeoutMs: 1000,
      },
      {},
      { out: captureOutput().stream },
    ).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(StravaAuthError);
    expect((err as AppError).message).toMatch(
      /^Strava rejected the client id or secret at POST \/oauth\/revoke/,
    );
    expect((await fs.readFile(tokenFile, 'utf8')).trim()).toBe(CLIENT.refreshToken);
  });

  it('with no token saved or given: one line, no request', async () => {
    const sim = await simulator();
    const tokenFile = path.join(await tempDir(), 'refresh-token');
    const err = await runRevoke(
      { oauthUrl: sim.url, ...CLIENT, tokenFile, port: 0, timeoutMs: 1000 },
      {},
      { out: captureOutput().stream },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as AppError).line).toBe(
      `There is no token to revoke: ${tokenFile} holds none and STRAVA_REFRESH_TOKEN is not set. Set STRAVA_TOKEN_FILE to the token file to revoke.`,
    );
    expect(sim.state.requests).toEqual([]);
  });
});

describe('authOptions', () => {
  const env = {
    STRAVA_CLIENT_ID: '111',
    STRAVA_CLIENT_SECRET: 'env-secret',
    STRAVA_TOKEN_FILE: '/tmp/x/refresh-token',
  };

  it('takes the client from flags before the environment, and the token file and API URL from it', () => {
    expect(
      authOptions({ 'client-id': '222' }, { ...env, STRAVA_API_URL: 'http://127.0.0.1:9/' }),
    ).toEqual({
      oauthUrl: 'http://127.0.0.1:9',
      clientId: '222',
      clientSecret: 'env-secret',
      tokenFile: '/tmp/x/refresh-token',
      port: 0,
      timeoutMs: 300_000,
    });
    expect(authOptions({ port: '8723', timeout: '2.5' }, env)).toMatchObject({
      oauthUrl: 'https://www.strava.com',
      port: 8723,
      timeoutMs: 2500,
    });
  });

  it('keeps the token file under the config folder by default', () => {
    const opts = authOptions(
      {},
      { ...env, STRAVA_TOKEN_FILE: '', XDG_CONFIG_HOME: '/home/a/.cfg' },
    );
    expect(opts.tokenFile).toBe('/home/a/.cfg/strava-lakehouse/refresh-token');
  });

  it.each([
    [{}, { STRAVA_CLIENT_SECRET: 's' }, '--client-id (or STRAVA_CLIENT_ID) is not set.'],
    [{ 'client-id': '1' }, {}, '--client-secret (or STRAVA_CLIENT_SECRET) is not set.'],
    [{ port: '70000' }, env, '--port "70000" is not a port.'],
    [{ port: 'http' }, env, '--port "http" is not a port.'],
    [{ timeout: '0' }, env, '--timeout "0" is not a number of seconds.'],
    [{ timeout: 'soon' }, env, '--timeout "soon" is not a number of seconds.'],
    [{ 'github-repo': 'just-a-name' }, env, '--github-repo "just-a-name" is not a repository'],
    [
      { 'github-repo': 'me/lake' },
      env,
      '--github-repo needs a GitHub token that may write the secrets of me/lake: GITHUB_TOKEN (or --github-token) is not set.',
    ],
    [{ 'github-token': 't' }, env, '--github-token needs --github-repo.'],
    [
      {},
      { ...env, STRAVA_TOKEN_FILE: '/dev/null/refresh-token' },
      'STRAVA_TOKEN_FILE "/dev/null/refresh-token" cannot be written: /dev/null is not a folder.',
    ],
    [
      {},
      { ...env, STRAVA_TOKEN_FILE: os.tmpdir() },
      `STRAVA_TOKEN_FILE "${os.tmpdir()}" cannot be written: it is a folder.`,
    ],
  ])('refuses %j, naming the input', (flags, environment, message) => {
    expect(() => authOptions(flags, environment)).toThrow(message);
  });

  it('takes the GitHub token from GITHUB_TOKEN and the API from GITHUB_API_URL', () => {
    const opts = authOptions(
      { 'github-repo': 'me/lake' },
      { ...env, GITHUB_TOKEN: 'tok', GITHUB_API_URL: 'http://127.0.0.1:1' },
    );
    expect(opts.github).toEqual({
      repo: { owner: 'me', repo: 'lake' },
      token: 'tok',
      apiUrl: 'http://127.0.0.1:1',
    });
    expect(authOptions({ 'github-repo': 'me/lake', 'github-token': 'flag' }, env).github).toEqual({
      repo: { owner: 'me', repo: 'lake' },
      token: 'flag',
      apiUrl: 'https://api.github.com',
    });
  });
});
