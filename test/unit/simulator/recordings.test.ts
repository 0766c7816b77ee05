/**
 * The simulator against Strava's real responses (test/fixtures/strava-recorded, and the recorded
 * athlete it serves): ordering, paging, header names and formats, content-type, error shapes,
 * and the JSON types of every activity field.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  generateAthlete,
  recordedActivities,
  RECORDED_SOURCE,
} from '../../../src/simulator/index.js';
import { simulator } from '../strava/support.js';

interface Recording {
  request: { method: string; uri: string };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

const recording = (name: string): Recording =>
  (
    JSON.parse(
      fs.readFileSync(new URL(`../../fixtures/strava-recorded/${name}`, import.meta.url), 'utf8'),
    ) as Recording[]
  )[0]!;

const december = recording('athlete_activities_december_2018.json');
const unauthorized = recording('authorization_error.json');
const notFound = recording('not_found_error.json');
const tooMany = recording('activity_with_ratelimit_exceeded.json');
const PROVENANCE =
  'Real Strava API v3 responses recorded by dblock/strava-ruby-client (MIT, commit ca6ae632df31891be3fc13036115ed72e61a5fb6), converted to JSON; via shared/fixtures';

const RATE_HEADERS = Object.keys(december.response.headers)
  .filter((h) => /ratelimit/.test(h))
  .sort();

/** A simulator plus a live access token, to make raw requests. */
async function session(opts: Parameters<typeof simulator>[0] = {}) {
  const sim = await simulator(opts);
  const res = await fetch(`${sim.url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      client_id: '4242',
      client_secret: 'sekrit-client-secret-0123456789abcdef',
      grant_type: 'refresh_token',
      refresh_token: 'first-refresh-token-0123456789abcdef0123',
    }),
  });
  const tokenBody = (await res.json()) as Record<string, unknown>;
  const token = tokenBody.access_token as string;
  const api = (path: string, accessToken = token) =>
    fetch(`${sim.url}/api/v3${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
  const get = (query: string, accessToken = token) =>
    api(`/athlete/activities${query}`, accessToken);
  return { sim, api, get, tokenBody };
}

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** The shape of a JSON value: key sets and types, recursively (arrays by their first item). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, x]) => [k, shape(x)]),
    );
  }
  return jsonType(v);
}

describe('the recorded athlete', () => {
  it('is the 1,132 real activities with their provenance', () => {
    const all = recordedActivities();
    expect(all).toHaveLength(1132);
    expect(new Set(all.map((a) => a.id)).size).toBe(1132);
    expect(RECORDED_SOURCE).toBe(PROVENANCE);
  });

  it('is served page by page exactly as Strava served it: newest first, 30 a page, 38 pages then an empty one', async () => {
    const { get } = await session();
    const recorded = recordedActivities().map((a) => a.id);
    for (const page of [1, 2, 37, 38, 39]) {
      const body = (await (await get(`?page=${page}`)).json()) as { id: number }[];
      expect(body.map((a) => a.id)).toEqual(recorded.slice((page - 1) * 30, page * 30));
    }
    const last = (await (await get('?page=38')).json()) as unknown[];
    expect(last).toHaveLength(22);
  });

  it('answers the recorded after+before window with the recorded activities in the recorded order', async () => {
    const { get } = await session();
    const query = new URL(december.request.uri).search;
    const res = await get(query);
    expect(res.status).toBe(december.response.status);
    // Recorded two days apart, so counters (kudos, athlete_count) moved; ids, order and fields did not.
    const served = (await res.json()) as Record<string, unknown>[];
    const want = december.response.body as Record<string, unknown>[];
    expect(served.map((a) => a.id)).toEqual(want.map((a) => a.id));
    expect(served.map((a) => Object.keys(a).sort())).toEqual(
      want.map((a) => Object.keys(a).sort()),
    );
  });
});

describe('headers', () => {
  it('carry the recorded rate-limit headers in the recorded format, and the content-type', async () => {
    const { get } = await session();
    const res = await get('?per_page=5');
    const names = [...res.headers.keys()].filter((h) => /ratelimit/.test(h)).sort();
    expect(names).toEqual(RATE_HEADERS);
    for (const h of RATE_HEADERS) {
      expect(res.headers.get(h)).toMatch(/^\d+,\d+$/);
      expect(december.response.headers[h]).toMatch(/^\d+,\d+$/);
    }
    // The default budgets are today's: the recorded limits.
    expect(res.headers.get('x-ratelimit-limit')).toBe(
      december.response.headers['x-ratelimit-limit'],
    );
    expect(res.headers.get('x-readratelimit-limit')).toBe(
      december.response.headers['x-readratelimit-limit'],
    );
    expect(res.headers.get('content-type')).toBe(december.response.headers['content-type']);
  });

  it('count every request in the window and the day', async () => {
    const { get } = await session();
    for (let i = 1; i <= 3; i++) {
      const res = await get('?per_page=1');
      expect(res.headers.get('x-readratelimit-usage')).toBe(`${i},${i}`);
      expect(res.headers.get('x-ratelimit-usage')).toBe(`${i},${i}`);
    }
  });
});

describe('errors', () => {
  it('a bad access token: the recorded 401 status, content-type and body shape', async () => {
    const { get } = await session();
    const res = await get('', 'not-a-token');
    expect(res.status).toBe(unauthorized.response.status);
    expect(res.headers.get('content-type')).toBe(unauthorized.response.headers['content-type']);
    expect(shape(await res.json())).toEqual(shape(unauthorized.response.body));
  });

  it('over budget: 429 with the rate-limit headers (as the recorded 429 has) and the error shape', async () => {
    const { sim, get } = await session({ readLimit: [1, 1000] });
    expect((await get('?per_page=1')).status).toBe(200);
    const res = await get('?per_page=1');
    expect(res.status).toBe(tooMany.response.status);
    for (const h of ['x-ratelimit-limit', 'x-ratelimit-usage']) {
      expect(Object.keys(tooMany.response.headers)).toContain(h);
      expect(res.headers.get(h)).toMatch(/^\d+,\d+$/);
    }
    expect(res.headers.get('x-readratelimit-usage')).toBe('1,2');
    expect(sim.state.usage.read).toEqual([1, 2]);
    const body = (await res.json()) as { message: string };
    expect(shape(body)).toEqual(shape(unauthorized.response.body));
    expect(body.message).toBe('Rate Limit Exceeded');
  });

  it('every error the client must tell apart has the recorded shape', async () => {
    const { sim, get } = await session({ scope: 'read' });
    const bodies: unknown[] = [await (await get('')).json()];
    sim.setFaults({ inactiveApp: true });
    const inactive = await get('');
    expect(inactive.status).toBe(403);
    bodies.push(await inactive.json());
    const stale = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: '4242',
        client_secret: 'sekrit-client-secret-0123456789abcdef',
        grant_type: 'refresh_token',
        refresh_token: 'first-refresh-token-0123456789abcdef0123',
      }),
    });
    expect(stale.status).toBe(400);
    bodies.push(await stale.json());
    const wrongId = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: '1', grant_type: 'refresh_token' }),
    });
    expect(wrongId.status).toBe(400);
    bodies.push(await wrongId.json());
    for (const body of bodies) expect(shape(body)).toEqual(shape(unauthorized.response.body));
    expect(bodies.map((b) => (b as { errors: { code: string }[] }).errors[0]!.code)).toEqual([
      'missing',
      'Inactive',
      'invalid',
      'invalid',
    ]);
  });

  it('an unknown resource is the recorded 404, after authentication', async () => {
    const { sim, api } = await session();
    const path = new URL(notFound.request.uri).pathname.replace('/api/v3', '');
    // The recorded 404 is GET /activities/1946417534, an activity the simulator now serves
    // (activity.json, recorded later): deleted here, it is unknown again.
    sim.deleteActivity(Number(path.split('/').pop()));
    expect((await api(path, 'not-a-token')).status).toBe(401);
    const res = await api(path);
    expect(res.status).toBe(notFound.response.status);
    expect(res.headers.get('content-type')).toBe(notFound.response.headers['content-type']);
  });
});

describe('the token endpoint', () => {
  it('answers a refresh with the recorded fields, and rotates', async () => {
    const { sim, tokenBody: body } = await session();
    // Fields of dblock/strava-ruby-client spec/fixtures/strava/oauth/token_refresh_token.yml.
    expect(shape(body)).toEqual({
      access_token: 'string',
      expires_at: 'number',
      expires_in: 'number',
      refresh_token: 'string',
      token_type: 'string',
    });
    expect(body.expires_in).toBe(21600);
    expect(body.refresh_token).toBe(sim.state.refreshToken);
    expect(body.refresh_token).not.toBe('first-refresh-token-0123456789abcdef0123');
  });
});

describe('query parameters', () => {
  it('per_page defaults to 30 and is capped at 200', async () => {
    const { get } = await session();
    expect(((await (await get('')).json()) as unknown[]).length).toBe(30);
    expect(((await (await get('?per_page=500')).json()) as unknown[]).length).toBe(200);
  });

  it('only `after` lists oldest first; after and before are exclusive', async () => {
    const { get } = await session();
    const all = recordedActivities();
    const oldest = all.at(-1)!;
    const after = Date.parse(oldest.start_date) / 1000;
    const page = (await (await get(`?after=${after}&per_page=3`)).json()) as { id: number }[];
    expect(page.map((a) => a.id)).toEqual([all.at(-2)!.id, all.at(-3)!.id, all.at(-4)!.id]);
    const before = (await (await get(`?before=${after}`)).json()) as unknown[];
    expect(before).toEqual([]);
  });

  it('refuses a parameter that is not a number', async () => {
    const { get } = await session();
    const res = await get('?after=yesterday');
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('after');
  });
});

describe('activity fields', () => {
  const recorded = recordedActivities();
  const types = new Map<string, Set<string>>();
  for (const a of recorded) {
    for (const [k, v] of Object.entries(a)) {
      if (!types.has(k)) types.set(k, new Set());
      types.get(k)!.add(jsonType(v));
    }
  }
  const always = [...types.keys()].filter((k) => recorded.every((a) => k in a));
  // Power fields: absent from this (runner's) recording, present in Strava's own example
  // (swagger-paths.json, /athlete/activities) with these JSON types.
  const power: Record<string, string> = {
    average_watts: 'number',
    max_watts: 'number',
    weighted_average_watts: 'number',
    kilojoules: 'number',
    device_watts: 'boolean',
  };

  it('generated athletes use the recorded field names and JSON types, nested shapes included', async () => {
    const athlete = generateAthlete({ count: 300, seed: 9 });
    const { get } = await session({ activities: athlete });
    const served = (await (await get('?per_page=200')).json()) as Record<string, unknown>[];
    expect(served).toHaveLength(200);
    for (const a of served) {
      for (const k of always) expect(a).toHaveProperty(k);
      for (const [k, v] of Object.entries(a)) {
        const allowed = types.get(k) ?? new Set([power[k]]);
        expect(allowed, `${k}: ${jsonType(v)}`).toContain(jsonType(v));
      }
      expect(shape(a.athlete)).toEqual(shape(recorded[0]!.athlete));
      expect(shape(a.map)).toEqual(shape(recorded[0]!.map));
    }
    expect(served.some((a) => 'average_watts' in a)).toBe(true);
  });
});
