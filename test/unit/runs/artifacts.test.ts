import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GitHubError } from '../../../src/errors.js';
import {
  artifactName,
  canUploadArtifacts,
  findPreviousRecordFromArtifacts,
  uploadRecordArtifact,
} from '../../../src/runs/artifacts.js';
import { createGitHub, type GitHub } from '../../../src/runs/github.js';
import { runRecordKey, type RunRecord } from '../../../src/runs/record.js';
import { startFakeGitHub, type FakeArtifact, type FakeGitHub } from '../../support/fake-github.js';
import { makeZip } from './archive.js';

function record(month: string, runId: string): RunRecord {
  return {
    schemaVersion: 1,
    runId,
    toolVersion: '0.1.0',
    engine: 'embedded',
    month,
    window: { after: 0, before: 1, afterIso: '', beforeIso: '' },
    status: 'ingested',
    activities: 3,
    landing: {
      key: `landing/activities/month=${month}/activities-ab.csv`,
      sha256: 'ab'.repeat(32),
      bytes: 9,
      reused: false,
    },
    tables: {
      before: { bronze: null, silver: null, gold: null },
      after: { bronze: 0, silver: 0, gold: 0 },
    },
    qualityWarnings: [],
    stravaRequests: 2,
    startedAt: '2024-06-02T06:17:00.000Z',
    finishedAt: '2024-06-02T06:18:00.000Z',
    durationMs: 60_000,
    forced: false,
  };
}

async function artifact(
  id: number,
  month: string,
  createdAt: string,
  extra: Partial<FakeArtifact> = {},
) {
  const zip = await makeZip({
    [`run-${id}.json`]: JSON.stringify(record(month, `run-${id}`), null, 2),
  });
  return { id, name: artifactName(month), createdAt, zip, ...extra };
}

let fake: FakeGitHub;
let octokit: GitHub;
const repo = () => ({ owner: fake.owner, repo: fake.repo });

beforeAll(async () => {
  fake = await startFakeGitHub({
    tokens: { reader: { actionsRead: true }, ghs_NoActionsRead0001: {} },
    artifacts: [
      await artifact(11, '2024-05', '2024-06-02T06:20:00Z'),
      // The newest of 2024-05, but expired: GitHub still lists it, and it cannot be downloaded.
      await artifact(14, '2024-05', '2024-07-02T06:20:00Z', { expired: true }),
      await artifact(13, '2024-05', '2024-06-20T09:00:00Z'),
      await artifact(12, '2024-05', '2024-06-10T06:20:00Z'),
      await artifact(20, '2024-06', '2024-07-02T06:21:00Z'),
      {
        id: 30,
        name: artifactName('2024-07'),
        createdAt: '2024-08-02T06:20:00Z',
        zip: await makeZip({ 'r.json': '{"hello":1}' }),
      },
      {
        id: 40,
        name: artifactName('2024-08'),
        createdAt: '2024-09-02T06:20:00Z',
        zip: Buffer.from('not a zip'),
      },
    ],
  });
  octokit = await createGitHub('reader', fake.url);
});
afterAll(() => fake.close());

describe('findPreviousRecordFromArtifacts', () => {
  it('picks the newest unexpired artifact of the month and parses its record', async () => {
    const found = await findPreviousRecordFromArtifacts(octokit, repo(), '2024-05');
    expect(found).toEqual(record('2024-05', 'run-13'));
    expect(fake.requests.map((r) => r.path)).toContain(
      `/repos/${fake.owner}/${fake.repo}/actions/artifacts?name=strava-lakehouse-2024-05&per_page=100`,
    );
  });

  it('finds nothing for a month without artifacts', async () => {
    expect(await findPreviousRecordFromArtifacts(octokit, repo(), '2023-01')).toBeUndefined();
  });

  it('refuses an artifact that holds something other than a run record of the month', async () => {
    await expect(findPreviousRecordFromArtifacts(octokit, repo(), '2024-07')).rejects.toThrow(
      'Artifact strava-lakehouse-2024-07 (id 30) does not hold a run record of 2024-07.',
    );
  });

  it('refuses an artifact that is not a zip archive, naming it', async () => {
    const err = await findPreviousRecordFromArtifacts(octokit, repo(), '2024-08').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GitHubError);
    expect((err as GitHubError).line).toMatch(
      /^Artifact strava-lakehouse-2024-08 \(id 40\) cannot be read: it is not a zip archive.*Delete it/,
    );
  });

  it('says which permission is missing when the token may not read actions', async () => {
    const weak = await createGitHub('ghs_NoActionsRead0001', fake.url);
    const err = await findPreviousRecordFromArtifacts(weak, repo(), '2024-05').catch(
      (e: unknown) => e,
    );
    expect((err as GitHubError).line).toBe(
      `GitHub GET /repos/${fake.owner}/${fake.repo}/actions/artifacts?name=strava-lakehouse-2024-05 failed: ` +
        '403 Resource not accessible by integration. Give the workflow `permissions: actions: read`, ' +
        'and a github-token that has it.',
    );
  });
});

describe('canUploadArtifacts', () => {
  it('needs the runtime token that only a runner hands a step', () => {
    expect(canUploadArtifacts({})).toBe(false);
    expect(canUploadArtifacts({ ACTIONS_RUNTIME_TOKEN: 'x' })).toBe(true);
  });
});

describe('uploadRecordArtifact, through @actions/artifact to the fake artifact service', () => {
  let tmp: string;
  const env = { ...process.env };

  /** A step of job `job` in workflow run `run`, as the runner sets it up. */
  function onRunner(run: string, job: string) {
    process.env.ACTIONS_RUNTIME_TOKEN = fake.runtimeToken(run, job);
    process.env.ACTIONS_RESULTS_URL = `${fake.url}/`;
    delete process.env.GITHUB_SERVER_URL;
    // @actions/artifact reports progress through @actions/core on stdout.
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  }

  function writeRecord(r: RunRecord): string {
    const file = path.join(tmp, r.runId, runRecordKey(r.month, r.runId));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(r, null, 2));
    return file;
  }

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-artifacts-'));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...env };
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('uploads the record as the month artifact, which a later run finds and reads back', async () => {
    onRunner('run-a', 'job-1');
    const r = record('2024-09', 'run-a-1');
    const id = await uploadRecordArtifact(writeRecord(r), '2024-09', { retentionDays: 7 });
    const uploaded = fake.artifacts.find((a) => a.id === id)!;
    expect(uploaded.name).toBe('strava-lakehouse-2024-09');
    const days = (Date.parse(uploaded.expiresAt!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    expect(await findPreviousRecordFromArtifacts(octokit, repo(), '2024-09')).toEqual(r);
  });

  it('cannot upload the same name twice in a run; a re-run attempt replaces it', async () => {
    onRunner('run-b', 'job-1');
    await uploadRecordArtifact(writeRecord(record('2024-10', 'run-b-1')), '2024-10');
    onRunner('run-b', 'job-2');
    const second = record('2024-10', 'run-b-2');
    await expect(uploadRecordArtifact(writeRecord(second), '2024-10')).rejects.toThrow(
      /409.*an artifact with this name already exists on the workflow run/,
    );
    await uploadRecordArtifact(writeRecord(second), '2024-10', { replace: true });
    expect(fake.artifacts.filter((a) => a.name === 'strava-lakehouse-2024-10')).toHaveLength(1);
    expect(await findPreviousRecordFromArtifacts(octokit, repo(), '2024-10')).toEqual(second);
  });

  it('replacing when there is nothing to replace just uploads', async () => {
    onRunner('run-c', 'job-1');
    const r = record('2024-11', 'run-c-1');
    await uploadRecordArtifact(writeRecord(r), '2024-11', { replace: true });
    expect(await findPreviousRecordFromArtifacts(octokit, repo(), '2024-11')).toEqual(r);
  });
});
