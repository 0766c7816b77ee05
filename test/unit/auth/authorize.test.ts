/**
 * The pieces under `auth`: the simulator's authorize page and code grant (checked against what
 * Strava documents and answers), the code exchange's errors, and when a browser is opened.
 */
import { describe, expect, it } from 'vitest';
import { browserOpener } from '../../../src/cli/browser.js';
import { StravaAuthError } from '../../../src/errors.js';
import { exchangeCode } from '../../../src/strava/authorize.js';
import { CLIENT, simulator } from '../strava/support.js';

const authorizeQuery = (overrides: Record<string, string> = {}) =>
  new URLSearchParams({
    client_id: CLIENT.clientId,
    redirect_uri: 'http://localhost:8123/callback',
    response_type: 'code',
    approval_prompt: 'force',
    scope: 'read,activity:read_all',
    state: 'st4te',
    ...overrides,
  });

async function authorize(url: string, overrides: Record<string, string> = {}) {
  const res = await fetch(`${url}/oauth/authorize?${authorizeQuery(overrides)}`, {
    redirect: 'manual',
  });
  const location = res.headers.get('location');
  return {
    status: res.status,
    location: location ? new URL(location) : undefined,
    body: location ? undefined : ((await res.json()) as { errors: { field: string }[] }),
  };
}

describe('the simulator authorize page', () => {
  it('redirects to redirect_uri with the state, a code and the granted scope', async () => {
    const sim = await simulator();
    const { status, location } = await authorize(sim.url);
    expect(status).toBe(302);
    expect(location!.origin + location!.pathname).toBe('http://localhost:8123/callback');
    expect(location!.searchParams.get('state')).toBe('st4te');
    expect(location!.searchParams.get('scope')).toBe('read,activity:read_all');
    expect(location!.searchParams.get('code')).toMatch(/^[0-9a-f]{40}$/);
  });

  it('grants only the boxes left ticked, and denies when told', async () => {
    const sim = await simulator();
    sim.setFaults({ grantScope: 'read' });
    expect((await authorize(sim.url)).location!.searchParams.get('scope')).toBe('read');
    sim.setFaults({ grantScope: undefined, denyAuthorization: true });
    const denied = (await authorize(sim.url)).location!;
    expect(Object.fromEntries(denied.searchParams)).toEqual({
      state: 'st4te',
      error: 'access_denied',
    });
  });

  it('takes localhost and 127.0.0.1 whatever the callback domain, and refuses other hosts', async () => {
    const sim = await simulator({ callbackDomain: 'example.org' });
    for (const uri of [
      'http://127.0.0.1:9/cb',
      'http://localhost/cb',
      'https://example.org/cb',
      'https://app.example.org/cb',
    ]) {
      expect((await authorize(sim.url, { redirect_uri: uri })).status, uri).toBe(302);
    }
    const refused = await authorize(sim.url, { redirect_uri: 'https://evil.test/cb' });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      message: 'Bad Request',
      errors: [{ resource: 'Application', field: 'redirect_uri', code: 'invalid' }],
    });
  });

  it.each([
    [{ client_id: '999' }, 'client_id'],
    [{ response_type: 'token' }, 'response_type'],
    [{ scope: 'read,everything' }, 'scope'],
  ])('refuses %j', async (overrides, field) => {
    const sim = await simulator();
    const res = await authorize(sim.url, overrides);
    expect(res.status).toBe(400);
    expect(res.body!.errors[0]!.field).toBe(field);
  });
});

describe('exchangeCode', () => {
  const codeFrom = async (url: string) =>
    (await authorize(url)).location!.searchParams.get('code')!;

  it('trades a code once for a refresh token and the athlete', async () => {
    const sim = await simulator();
    const code = await codeFrom(sim.url);
    const auth = await exchangeCode({ oauthUrl: sim.url, ...CLIENT, code });
    expect(auth).toEqual({
      refreshToken: sim.state.refreshToken,
      athlete: { id: 26462176, name: 'Daniel Doubrovkine' },
    });
    const again = await exchangeCode({ oauthUrl: sim.url, ...CLIENT, code }).catch(
      (e: unknown) => e,
    );
    expect(again).toBeInstanceOf(StravaAuthError);
    expect((again as StravaAuthError).line).toBe(
      'Strava rejected the authorization code at POST /oauth/token (400 Bad Request (AuthorizationCode code invalid)): it has expired or was already used. Run `strava-lakehouse auth` again and finish it within a few minutes.',
    );
  });

  it('names a wrong client secret without showing it', async () => {
    const sim = await simulator();
    const code = await codeFrom(sim.url);
    const err = (await exchangeCode({
      oauthUrl: sim.url,
      clientId: CLIENT.clientId,
      clientSecret: 'wrong-secret-value-123',
      code,
    }).catch((e: unknown) => e)) as StravaAuthError;
    expect(err).toBeInstanceOf(StravaAuthError);
    expect(err.line).toContain('Strava rejected the client id or secret at POST /oauth/token');
    expect(err.line).not.toContain('wrong-secret-value-123');
  });

  it('names the athlete the simulator is given', async () => {
    const sim = await simulator({ athlete: { id: 7, firstname: 'Ada', lastname: '' } });
    const auth = await exchangeCode({
      oauthUrl: sim.url,
      ...CLIENT,
      code: await codeFrom(sim.url),
    });
    expect(auth.athlete).toEqual({ id: 7, name: 'Ada' });
  });
});

describe('browserOpener', () => {
  const url = 'https://www.strava.com/oauth/authorize?client_id=1&scope=read';

  it.each([
    ['darwin', {}, { command: 'open', args: [url] }],
    ['win32', {}, { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] }],
    ['linux', { DISPLAY: ':0' }, { command: 'xdg-open', args: [url] }],
    ['freebsd', { WAYLAND_DISPLAY: 'wayland-0' }, { command: 'xdg-open', args: [url] }],
  ] as const)('opens on %s %j', (platform, env, opener) => {
    expect(browserOpener(url, platform, env, true)).toEqual(opener);
  });

  it('never on a headless Linux, in CI, or without a terminal', () => {
    expect(browserOpener(url, 'linux', {}, true)).toBeUndefined();
    expect(browserOpener(url, 'darwin', { CI: 'true' }, true)).toBeUndefined();
    expect(browserOpener(url, 'darwin', {}, false)).toBeUndefined();
  });
});
