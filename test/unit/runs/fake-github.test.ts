/**
 * The fake GitHub (test/support/fake-github.ts) checked against GitHub's published OpenAPI
 * description: every route is a documented operation, every query parameter it reads is
 * declared, and every body it serves, or that Octokit sends it, fits the documented schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHub } from '../../../src/runs/github.js';
import { setRepoSecrets } from '../../../src/runs/secrets.js';
import { FAKE_ROUTES, startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';
import { makeZip } from './archive.js';
import {
  loadGitHubSpec,
  queryParameters,
  requestSchema,
  resolve,
  responseSchema,
  violations,
  type Schema,
} from './openapi.js';

const spec = loadGitHubSpec();
const op = (i: number) => spec.paths[FAKE_ROUTES[i]!.path]![FAKE_ROUTES[i]!.method]!;
const basicError = { $ref: '#/components/schemas/basic-error' };

let fake: FakeGitHub;
let base: string;
const get = (path: string, token = 'all') =>
  fetch(`${base}${path}`, { headers: { authorization: `token ${token}` }, redirect: 'manual' });

beforeAll(async () => {
  fake = await startFakeGitHub({
    tokens: { all: { actionsRead: true, secretsWrite: true }, reader: { actionsRead: true } },
    artifacts: [
      {
        id: 7,
        name: 'strava-lakehouse-2024-05',
        createdAt: '2024-06-02T06:20:00Z',
        zip: await makeZip({ 'r.json': '{}' }),
      },
      {
        id: 3,
        name: 'strava-lakehouse-2024-05',
        createdAt: '2024-06-01T06:20:00Z',
        expired: true,
        zip: Buffer.alloc(0),
      },
    ],
  });
  base = `${fake.url}/repos/${fake.owner}/${fake.repo}/actions`;
});
afterAll(() => fake.close());

describe('the fake GitHub against the OpenAPI description', () => {
  it('serves documented operations and reads only declared query parameters', () => {
    for (const [i, route] of FAKE_ROUTES.entries()) {
      const operation = op(i);
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(queryParameters(spec, operation)).toEqual(expect.arrayContaining([...route.query]));
    }
  });

  it('the schema check itself catches a missing field, a wrong type and a stray null', () => {
    const schema = responseSchema(spec, op(0), 200)!;
    const bad = {
      total_count: '1',
      artifacts: [
        {
          id: 1,
          name: 'x',
          size_in_bytes: 1,
          url: 'u',
          archive_download_url: 'u',
          expired: null,
          created_at: null,
          expires_at: null,
          updated_at: null,
        },
      ],
    };
    const problems = violations(spec, schema, bad);
    expect(problems).toContain('$.total_count: "1" is not of type integer');
    expect(problems).toContain('$.artifacts[0].node_id: required but missing');
    expect(problems).toContain('$.artifacts[0].expired: null is not allowed');
  });

  it('lists artifacts by name in the documented shape', async () => {
    const res = await get('/artifacts?name=strava-lakehouse-2024-05&per_page=100');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { artifacts: { id: number }[] };
    expect(violations(spec, responseSchema(spec, op(0), 200)!, body)).toEqual([]);
    expect(body.artifacts.map((a) => a.id)).toEqual([7, 3]);
  });

  it('answers a download with the documented redirect, and an expired one with 410', async () => {
    const res = await get('/artifacts/7/zip');
    expect(res.status).toBe(302);
    expect(Object.keys(resolve(spec, op(1).responses['302']!).headers as Schema)).toEqual([
      'Location',
    ]);
    const blob = await fetch(res.headers.get('location')!);
    expect(blob.headers.get('content-type')).toBe('application/zip');
    expect(
      Buffer.from(await blob.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');

    const gone = await get('/artifacts/3/zip');
    expect(gone.status).toBe(410);
    expect(violations(spec, responseSchema(spec, op(1), 410)!, await gone.json())).toEqual([]);
  });

  it('serves the public key in the documented shape', async () => {
    const res = await get('/secrets/public-key');
    expect(res.status).toBe(200);
    expect(violations(spec, responseSchema(spec, op(2), 200)!, await res.json())).toEqual([]);
  });

  it('takes the body Octokit sends for a secret, answering 201 then 204 as documented', async () => {
    const octokit = await createGitHub('all', fake.url);
    await setRepoSecrets(octokit, fake.owner, fake.repo, { ONE: 'first' });
    await setRepoSecrets(octokit, fake.owner, fake.repo, { ONE: 'second' });
    const puts = fake.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.status)).toEqual([201, 204]);
    for (const r of puts) expect(violations(spec, requestSchema(spec, op(3)), r.body)).toEqual([]);
    expect(violations(spec, responseSchema(spec, op(3), 201)!, {})).toEqual([]);
    expect(fake.secrets.get('ONE')).toBe('second');
  });

  it('refuses like GitHub: 401 without a known token, 403 without the permission', async () => {
    const unknown = await get('/artifacts', 'nobody');
    expect(unknown.status).toBe(401);
    expect(violations(spec, basicError, await unknown.json())).toEqual([]);
    const forbidden = await get('/secrets/public-key', 'reader');
    expect(forbidden.status).toBe(403);
    expect(violations(spec, basicError, await forbidden.json())).toEqual([]);
  });
});
