/**
 * Run records as workflow artifacts. Each month's record is uploaded as the artifact
 * `strava-lakehouse-YYYY-MM`; a later run finds the newest earlier one through the REST API,
 * since the artifact client sees other runs only by their run id. @actions/artifact and the zip
 * reader (zlib) are loaded on first use, so the action pays for them only when it uses them.
 */
import path from 'node:path';
import { errorLine, GitHubError } from '../errors.js';
import type { Month } from '../strava/months.js';
import { callGitHub, type GitHub, type Repo } from './github.js';
import type { RunRecord } from './record.js';

export function artifactName(month: Month): string {
  return `strava-lakehouse-${month}`;
}

/** Only a runner hands a step the token the artifact service needs. */
export function canUploadArtifacts(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN);
}

export interface UploadOptions {
  /** Days GitHub keeps the artifact; undefined: the repository's default. */
  retentionDays?: number;
  /**
   * Replace an artifact of the same name in this run first. Names are unique within a run, and
   * a re-run attempt still holds what its earlier attempt uploaded.
   */
  replace?: boolean;
}

/** Uploads the record file as the month's artifact; returns the artifact id. */
export async function uploadRecordArtifact(
  file: string,
  month: Month,
  opts: UploadOptions = {},
): Promise<number | undefined> {
  const { DefaultArtifactClient, ArtifactNotFoundError } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const name = artifactName(month);
  if (opts.replace) {
    await client.deleteArtifact(name).catch((err: unknown) => {
      if (!(err instanceof ArtifactNotFoundError)) throw err;
    });
  }
  const { id } = await client.uploadArtifact(name, [file], path.dirname(file), {
    retentionDays: opts.retentionDays,
  });
  return id;
}

/** The artifact the HTML report is uploaded as (one per run). */
export const REPORT_ARTIFACT = 'strava-lakehouse-report';

/**
 * Uploads the files of the report folder `dir` (index.html) as the artifact REPORT_ARTIFACT;
 * returns the artifact id.
 */
export async function uploadReportArtifact(
  dir: string,
  opts: UploadOptions = {},
): Promise<number | undefined> {
  const fs = await import('node:fs/promises');
  const files = (await fs.readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => path.join(dir, e.name));
  const { DefaultArtifactClient, ArtifactNotFoundError } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  if (opts.replace) {
    await client.deleteArtifact(REPORT_ARTIFACT).catch((err: unknown) => {
      if (!(err instanceof ArtifactNotFoundError)) throw err;
    });
  }
  const { id } = await client.uploadArtifact(REPORT_ARTIFACT, files, dir, {
    retentionDays: opts.retentionDays,
  });
  return id;
}

const READ_HINT = 'Give the workflow `permissions: actions: read`, and a github-token that has it.';

/**
 * The newest unexpired run record of `month` among the repository's artifacts, or undefined if
 * there is none. Needs a token with `actions: read`.
 */
export async function findPreviousRecordFromArtifacts(
  octokit: GitHub,
  { owner, repo }: Repo,
  month: Month,
): Promise<RunRecord | undefined> {
  const name = artifactName(month);
  const base = `/repos/${owner}/${repo}/actions/artifacts`;
  const hints = { 403: READ_HINT, 404: READ_HINT };
  const { data } = await callGitHub(
    `GET ${base}?name=${name}`,
    () => octokit.rest.actions.listArtifactsForRepo({ owner, repo, name, per_page: 100 }),
    hints,
  );
  // GitHub documents no order for this list, so pick the newest here.
  const newest = data.artifacts
    .filter((a) => a.name === name && !a.expired)
    .sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? '') || b.id - a.id)[0];
  if (!newest) return undefined;

  const { data: zip } = await callGitHub(
    `GET ${base}/${newest.id}/zip`,
    () =>
      octokit.rest.actions.downloadArtifact({
        owner,
        repo,
        artifact_id: newest.id,
        archive_format: 'zip',
      }),
    { ...hints, 410: 'The artifact expired while it was being read; re-run.' },
  );
  const what = `Artifact ${name} (id ${newest.id})`;
  const fix = 'Delete it in the run page of the Actions tab, then re-run.';
  const { readSingleFileZip } = await import('./zip.js');
  let record: unknown;
  try {
    const file = readSingleFileZip(new Uint8Array(zip as ArrayBuffer));
    record = JSON.parse(file.data.toString('utf8'));
  } catch (err) {
    throw new GitHubError(`${what} cannot be read: ${errorLine(err)}.`, fix, { cause: err });
  }
  if (!isRecordOf(record, month)) {
    throw new GitHubError(`${what} does not hold a run record of ${month}.`, fix);
  }
  return record;
}

function isRecordOf(value: unknown, month: Month): value is RunRecord {
  const r = value as Partial<RunRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    r.schemaVersion === 1 &&
    r.month === month &&
    (r.status === 'ingested' || r.status === 'unchanged') &&
    typeof r.landing?.sha256 === 'string'
  );
}
