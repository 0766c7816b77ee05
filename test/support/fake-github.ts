/**
 * A small fake of GitHub on 127.0.0.1, for the calls the action makes.
 *
 * The REST API: list artifacts by name, download an artifact's zip, get the repository's public
 * key, create or update a repository secret. Routes and bodies are checked against GitHub's
 * published OpenAPI description (test/unit/runs/fake-github.test.ts), so they cannot drift.
 * Tokens carry permissions like a workflow token's `permissions:` block. Secrets are opened with
 * the fake's own key pair, so a test can read the value GitHub would hold.
 *
 * The artifact service a runner hands a step (ACTIONS_RESULTS_URL, Twirp with JSON) and the blob
 * storage its upload URLs point at (Azure's block upload), so the real @actions/artifact can
 * upload here; its own generated message types parse every answer. A finalized upload joins
 * the REST listing, so a test can read back what a run uploaded.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sodium from 'libsodium-wrappers';

export interface TokenPermissions {
  actionsRead?: boolean;
  secretsWrite?: boolean;
}

export interface FakeArtifact {
  id: number;
  name: string;
  createdAt: string;
  expired?: boolean;
  /** The archive served on download. */
  zip: Uint8Array;
  /** For uploaded artifacts: the run that uploaded it, and the expiry it asked for. */
  runBackendId?: string;
  expiresAt?: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  status: number;
  body?: unknown;
}

export interface FakeGitHub {
  /** Base URL, as GITHUB_API_URL. */
  url: string;
  owner: string;
  repo: string;
  artifacts: FakeArtifact[];
  /** Secret values as GitHub holds them, already opened. */
  secrets: Map<string, string>;
  requests: FakeRequest[];
  /** The key pair secrets are sealed for (base64, original variant). */
  keyId: string;
  publicKey: string;
  privateKey: string;
  /** An ACTIONS_RUNTIME_TOKEN for a job of a workflow run, as the runner hands a step. */
  runtimeToken(runBackendId: string, jobBackendId: string): string;
  close(): Promise<void>;
}

/** The operations this fake serves, as OpenAPI path templates, with the query it reads. */
export const FAKE_ROUTES = [
  {
    method: 'get',
    path: '/repos/{owner}/{repo}/actions/artifacts',
    query: ['name', 'per_page', 'page'],
  },
  {
    method: 'get',
    path: '/repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
    query: [],
  },
  { method: 'get', path: '/repos/{owner}/{repo}/actions/secrets/public-key', query: [] },
  { method: 'put', path: '/repos/{owner}/{repo}/actions/secrets/{secret_name}', query: [] },
] as const;

/** Where a download redirects to, like GitHub's signed storage URL: outside the REST API. */
const BLOB_PREFIX = '/_blob/';
/** Upload URLs, in the path style Azure uses for an IP host: /account/container/blob. */
const UPLOAD_PREFIX = '/devstoreaccount1/artifacts/';
const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The backend ids in a runtime token's `Actions.Results:<run>:<job>` scope (not verified: a fake). */
function scopeOf(authorization: string | undefined): { run: string; job: string } | undefined {
  const payload = /^Bearer [^.]+\.([^.]+)\./.exec(authorization ?? '')?.[1];
  if (!payload) return undefined;
  const { scp } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { scp?: string };
  const m = /(?:^| )Actions\.Results:([^: ]+):([^: ]+)/.exec(scp ?? '');
  return m ? { run: m[1]!, job: m[2]! } : undefined;
}

interface Upload {
  name: string;
  run: string;
  expiresAt?: string;
  blocks: Map<string, Buffer>;
  blob?: Buffer;
}

export async function startFakeGitHub(opts: {
  tokens: Record<string, TokenPermissions>;
  artifacts?: FakeArtifact[];
  owner?: string;
  repo?: string;
}): Promise<FakeGitHub> {
  await sodium.ready;
  const keys = sodium.crypto_box_keypair();
  const b64 = (bytes: Uint8Array) => sodium.to_base64(bytes, sodium.base64_variants.ORIGINAL);
  const fake = {
    url: '',
    owner: opts.owner ?? 'athlete',
    repo: opts.repo ?? 'lakehouse',
    artifacts: opts.artifacts ?? [],
    secrets: new Map<string, string>(),
    requests: [] as FakeRequest[],
    keyId: '568250167242549743',
    publicKey: b64(keys.publicKey),
    privateKey: b64(keys.privateKey),
    runtimeToken: (run: string, job: string) =>
      `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ scp: `Actions.GenericRead:0 Actions.Results:${run}:${job}` })}.unsigned`,
    close: async () => {},
  };
  const uploads = new Map<string, Upload>();
  let lastId = 1000;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', fake.url);
      const raw = Buffer.concat(chunks);
      const isJson = req.headers['content-type']?.includes('json') && raw.length > 0;
      const body: unknown = isJson ? JSON.parse(raw.toString('utf8')) : undefined;
      const method = req.method ?? 'GET';
      const answer = url.pathname.startsWith(TWIRP_PREFIX)
        ? twirp(url.pathname.slice(TWIRP_PREFIX.length), req.headers.authorization, body)
        : url.pathname.startsWith(UPLOAD_PREFIX)
          ? blobUpload(method, url, raw)
          : route(method, url, req.headers.authorization, body);
      fake.requests.push({
        method: req.method ?? 'GET',
        path: url.pathname + url.search,
        status: answer.status,
        body,
      });
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });

  interface Answer {
    status: number;
    headers: Record<string, string>;
    body?: string | Uint8Array;
  }
  const json = (status: number, value: unknown): Answer => ({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  });
  const error = (status: number, message: string): Answer =>
    json(status, {
      message,
      documentation_url: 'https://docs.github.com/rest',
      status: String(status),
    });

  const artifactJson = (a: FakeArtifact) => {
    const api = `${fake.url}/repos/${fake.owner}/${fake.repo}/actions/artifacts/${a.id}`;
    return {
      id: a.id,
      node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
      name: a.name,
      size_in_bytes: a.zip.byteLength,
      url: api,
      archive_download_url: `${api}/zip`,
      expired: a.expired ?? false,
      created_at: a.createdAt,
      expires_at: a.expiresAt ?? new Date(Date.parse(a.createdAt) + 90 * 86_400_000).toISOString(),
      updated_at: a.createdAt,
      digest: null,
      workflow_run: {
        id: a.id * 10,
        repository_id: 1,
        head_repository_id: 1,
        head_branch: 'main',
        head_sha: '0'.repeat(40),
      },
    };
  };

  function route(
    method: string,
    url: URL,
    authorization: string | undefined,
    body: unknown,
  ): Answer {
    if (method === 'GET' && url.pathname.startsWith(BLOB_PREFIX)) {
      const id = Number(url.pathname.slice(BLOB_PREFIX.length).replace(/\.zip$/, ''));
      const a = fake.artifacts.find((x) => x.id === id);
      return a
        ? { status: 200, headers: { 'content-type': 'application/zip' }, body: a.zip }
        : { status: 404, headers: {} };
    }
    const token = /^(?:token|bearer) (.+)$/i.exec(authorization ?? '')?.[1];
    const perms = token === undefined ? undefined : opts.tokens[token];
    if (!perms) return error(401, 'Bad credentials');
    const prefix = `/repos/${fake.owner}/${fake.repo}/actions/`;
    if (!url.pathname.startsWith(prefix)) return error(404, 'Not Found');
    const rest = url.pathname.slice(prefix.length).split('/');

    if (rest[0] === 'artifacts') {
      if (method !== 'GET') return error(404, 'Not Found');
      if (!perms.actionsRead) return error(403, 'Resource not accessible by integration');
      if (rest.length === 1) {
        const name = url.searchParams.get('name');
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        // GitHub documents no order (in practice newest first): the fake keeps the order it was
        // given, so a caller that relies on one fails here.
        const matching = fake.artifacts.filter((a) => name === null || a.name === name);
        return json(200, {
          total_count: matching.length,
          artifacts: matching.slice((page - 1) * perPage, page * perPage).map(artifactJson),
        });
      }
      const a = fake.artifacts.find((x) => x.id === Number(rest[1]));
      if (rest.length !== 3 || rest[2] !== 'zip' || !a) return error(404, 'Not Found');
      if (a.expired) return error(410, 'Artifact has expired');
      return {
        status: 302,
        headers: { location: `${fake.url}${BLOB_PREFIX}${a.id}.zip?sig=fake` },
      };
    }

    if (rest[0] === 'secrets' && rest.length === 2) {
      if (!perms.secretsWrite) return error(403, 'Resource not accessible by integration');
      if (method === 'GET' && rest[1] === 'public-key') {
        return json(200, { key_id: fake.keyId, key: fake.publicKey });
      }
      if (method === 'PUT') {
        const b = body as { encrypted_value?: unknown; key_id?: unknown } | undefined;
        if (b?.key_id !== fake.keyId || typeof b.encrypted_value !== 'string') {
          return error(422, 'Invalid request: key_id or encrypted_value');
        }
        let value: string;
        try {
          const sealed = sodium.from_base64(b.encrypted_value, sodium.base64_variants.ORIGINAL);
          value = sodium.to_string(
            sodium.crypto_box_seal_open(sealed, keys.publicKey, keys.privateKey),
          );
        } catch {
          return error(422, 'Invalid request: the value cannot be decrypted');
        }
        const existed = fake.secrets.has(rest[1]!);
        fake.secrets.set(rest[1]!, value);
        return existed ? { status: 204, headers: {} } : json(201, {});
      }
    }
    return error(404, 'Not Found');
  }

  /**
   * Twirp: requests carry proto field names (snake_case), answers JSON names; errors are
   * `{code, msg}` with an HTTP status, as the artifact client expects.
   */
  function twirp(method: string, authorization: string | undefined, body: unknown): Answer {
    const scope = scopeOf(authorization);
    const b = (body ?? {}) as Record<string, unknown>;
    if (!scope) return json(401, { code: 'unauthenticated', msg: 'no runtime token' });
    if (b.workflow_run_backend_id !== scope.run || b.workflow_job_run_backend_id !== scope.job) {
      return json(403, { code: 'permission_denied', msg: 'the token is for another job' });
    }
    const ofRun = fake.artifacts.filter((a) => a.runBackendId === scope.run);
    const name = b.name as string | undefined;
    switch (method) {
      case 'CreateArtifact': {
        if (ofRun.some((a) => a.name === name)) {
          return json(409, {
            code: 'already_exists',
            msg: 'an artifact with this name already exists on the workflow run',
          });
        }
        const id = String(++lastId);
        uploads.set(id, {
          name: name!,
          run: scope.run,
          expiresAt: b.expires_at as string | undefined,
          blocks: new Map(),
        });
        return json(200, {
          ok: true,
          signedUploadUrl: `${fake.url}${UPLOAD_PREFIX}upload-${id}.zip?sig=fake`,
        });
      }
      case 'FinalizeArtifact': {
        const [uploadId, upload] =
          [...uploads].find(([, u]) => u.name === name && u.run === scope.run && u.blob) ?? [];
        const hash = upload && createHash('sha256').update(upload.blob!).digest('hex');
        if (!upload || b.hash !== `sha256:${hash}` || b.size !== String(upload.blob!.length)) {
          return json(400, {
            code: 'invalid_argument',
            msg: 'no such upload, or its size or hash differ',
          });
        }
        const id = ++lastId;
        fake.artifacts.push({
          id,
          name: upload.name,
          createdAt: new Date().toISOString(),
          zip: upload.blob!,
          runBackendId: scope.run,
          expiresAt: upload.expiresAt,
        });
        uploads.delete(uploadId!);
        return json(200, { ok: true, artifactId: String(id) });
      }
      case 'ListArtifacts': {
        const filter = b.name_filter as string | undefined;
        return json(200, {
          artifacts: ofRun
            .filter((a) => filter === undefined || a.name === filter)
            .map((a) => ({
              workflowRunBackendId: scope.run,
              workflowJobRunBackendId: scope.job,
              databaseId: String(a.id),
              name: a.name,
              size: String(a.zip.byteLength),
              createdAt: a.createdAt,
            })),
        });
      }
      case 'DeleteArtifact': {
        const a = ofRun.find((x) => x.name === name);
        if (!a) return json(404, { code: 'not_found', msg: 'artifact not found' });
        fake.artifacts.splice(fake.artifacts.indexOf(a), 1);
        return json(200, { ok: true, artifactId: String(a.id) });
      }
    }
    return json(404, { code: 'bad_route', msg: `no method ${method}` });
  }

  /** Azure block blob upload: Put Block, then Put Block List names the blocks in order. */
  function blobUpload(method: string, url: URL, raw: Buffer): Answer {
    const id = /upload-(\d+)\.zip$/.exec(url.pathname)?.[1];
    const upload = id === undefined ? undefined : uploads.get(id);
    const headers = { 'x-ms-request-id': randomUUID(), 'x-ms-version': '2025-01-05' };
    if (method !== 'PUT' || !upload || url.searchParams.get('sig') !== 'fake') {
      return { status: 403, headers };
    }
    const comp = url.searchParams.get('comp');
    if (comp === 'block') {
      upload.blocks.set(url.searchParams.get('blockid')!, raw);
      return { status: 201, headers };
    }
    if (comp === 'blocklist') {
      const ids = [...raw.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)</g)];
      upload.blob = Buffer.concat(ids.map((m) => upload.blocks.get(m[1]!)!));
      return {
        status: 201,
        headers: { ...headers, etag: '"0x1"', 'last-modified': new Date().toUTCString() },
      };
    }
    return { status: 400, headers };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    });
  return fake;
}
