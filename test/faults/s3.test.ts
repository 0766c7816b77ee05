/**
 * S3 misbehaving: a fault-injecting proxy (support/proxy.ts) between the pipeline's S3 store
 * and moto answers some requests itself (500 InternalError, 503 SlowDown, 412 and 409 on
 * conditional writes), delays some, and cuts some connections, before or after moto has acted.
 * Every run must end with the tables a clean run writes (nothing lost, nothing doubled, no log
 * entry overwritten) or stop with one message naming the S3 call and the object, after which a
 * plain re-run finishes the job. Transient faults must be retried by the AWS SDK's standard
 * retry strategy: every faulted attempt is followed by another attempt of the same command
 * (the SDK's amz-sdk-invocation-id), and commands and HTTP requests add up exactly.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { S3Store } from '../../src/landing/s3.js';
import { LeakScan } from '../support/faults.js';
import { countCommands, motoEndpoint } from '../support/moto.js';
import {
  contentOf,
  recordingProgress,
  runIn,
  warehouseState,
  type Athlete,
  type WarehouseState,
} from '../support/pipeline.js';
import { TABLE_DEFS } from './support/boundaries.js';
import {
  athlete,
  cleanUpLater,
  expectWholeLog,
  SPRING_2024,
  warehouse,
  type Warehouse,
} from './support/harness.js';
import {
  barrier,
  FORWARD,
  startProxy,
  type Decide,
  type ProxyLogEntry,
  type ProxyRequest,
} from './support/proxy.js';

const RANGE = { from: '2024-04', to: '2024-05' };
const COMMANDS = [
  'GetObjectCommand',
  'PutObjectCommand',
  'HeadObjectCommand',
  'ListObjectsV2Command',
  'DeleteObjectCommand',
];

/** An S3 error answer as S3 words it. */
const s3Error = (status: number, code: string, message: string) => ({
  kind: 'answer' as const,
  status,
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`,
});
const INTERNAL_ERROR = s3Error(
  500,
  'InternalError',
  'We encountered an internal error. Please try again.',
);
const SLOW_DOWN = s3Error(503, 'SlowDown', 'Please reduce your request rate.');
const PRECONDITION_FAILED = s3Error(
  412,
  'PreconditionFailed',
  'At least one of the pre-conditions you specified did not hold',
);
const CONFLICT = s3Error(
  409,
  'ConditionalRequestConflict',
  'A conflicting conditional operation is currently in progress against this resource. Please try again.',
);

/** Which try of its command a request is (the SDK's amz-sdk-request header). */
const attemptOf = (headers: ProxyRequest['headers']) =>
  Number(/attempt=(\d+)/.exec(String(headers['amz-sdk-request'] ?? ''))?.[1] ?? 1);
const invocationOf = (e: ProxyLogEntry) => String(e.headers['amz-sdk-invocation-id']);
/** The warehouse key a path-style request names (/bucket/lakehouse/<key>). */
const keyOf = (path: string) => decodeURIComponent(path.split('/').slice(3).join('/'));
const isCommit = (req: ProxyRequest) =>
  req.method === 'PUT' && /\/_delta_log\/\d{20}\.json$/.test(req.path);

let reference: WarehouseState;
beforeAll(async () => {
  const a = await athlete(SPRING_2024);
  const wh = await warehouse('folder');
  await runIn(a, wh.uri, RANGE);
  reference = await warehouseState(wh.store);
});

interface FaultyRun {
  a: Athlete;
  wh: Warehouse;
  /** The pipeline's store, through the proxy. */
  store: S3Store;
  log: ProxyLogEntry[];
  commands: () => number;
  lines: string[];
}

/** A fresh bucket behind a proxy that decides with `decide`, and the athlete to run against it. */
async function faultyWarehouse(decide: Decide): Promise<FaultyRun> {
  const a = await athlete(SPRING_2024);
  const wh = await warehouse('s3');
  const proxy = await startProxy(motoEndpoint(), decide);
  cleanUpLater(() => proxy.close());
  const store = new S3Store(wh.uri, { endpoint: proxy.url });
  const count = countCommands(store.client);
  return {
    a,
    wh,
    store,
    log: proxy.log,
    commands: () => COMMANDS.reduce((n, c) => n + count(c), 0),
    lines: [],
  };
}

function run(f: FaultyRun, runId?: string) {
  const progress = recordingProgress();
  return runIn(f.a, f.wh.uri, RANGE, {
    deps: { store: f.store, progress, ...(runId ? { runId } : {}) },
  }).finally(() => f.lines.push(...progress.lines));
}

/**
 * The warehouse equals the clean run: rows, live files per month, whole logs, and (for one run
 * of the range, as the reference made) the same versions.
 */
async function expectClean(f: FaultyRun, { sameVersions = true } = {}) {
  const state = await warehouseState(f.wh.store);
  expect(contentOf(state)).toEqual(contentOf(reference));
  for (const t of ['bronze', 'silver', 'gold'] as const) {
    if (sameVersions) expect(state[t].version, t).toBe(reference[t].version);
    await expectWholeLog(f.wh.store, TABLE_DEFS[t]);
  }
  const scan = new LeakScan();
  scan.secret(...f.a.secrets());
  for (const l of f.lines) scan.text('progress', l);
  await scan.store(f.wh.store);
  expect(scan.hits()).toEqual([]);
}

/** Per command (invocation id): the statuses of its tries, in order. */
function triesByCommand(log: ProxyLogEntry[]): Map<string, (number | undefined)[]> {
  const out = new Map<string, (number | undefined)[]>();
  for (const e of log) {
    const id = invocationOf(e);
    out.set(id, [...(out.get(id) ?? []), e.status]);
  }
  return out;
}

describe('transient faults are retried by the SDK', () => {
  test.each([
    ['500 InternalError', 3, INTERNAL_ERROR],
    // SlowDown is throttling: the SDK backs off longer, so fewer of them keep the test short.
    ['503 SlowDown', 6, SLOW_DOWN],
  ] as const)('%s on the first try of one command in %i', async (_name, every, fault) => {
    let commands = 0;
    const f = await faultyWarehouse((req) =>
      attemptOf(req.headers) === 1 && ++commands % every === 0 ? fault : FORWARD,
    );

    await run(f);

    await expectClean(f);
    const faulted = f.log.filter((e) => e.action === 'answer');
    // One command in `every` was faulted, and there were plenty.
    expect(f.commands()).toBeGreaterThan(40);
    expect(faulted.length).toBe(Math.floor(f.commands() / every));
    // Each faulted try was followed by one more try of the same command, which S3 answered.
    const tries = triesByCommand(f.log);
    expect(tries.size).toBe(f.commands());
    for (const e of faulted) {
      const statuses = tries.get(invocationOf(e))!;
      expect(statuses).toHaveLength(2);
      expect(statuses[0]).toBe(fault.status);
      expect(statuses[1]).toBeLessThan(500);
    }
    expect(f.log.length).toBe(f.commands() + faulted.length);
  });

  test('two faults in a row on every eighth command: the third try succeeds', async () => {
    // Commands run concurrently, so a retry is matched to its command by the invocation id.
    let commands = 0;
    const unlucky = new Set<string>();
    const f = await faultyWarehouse((req) => {
      const attempt = attemptOf(req.headers);
      const id = String(req.headers['amz-sdk-invocation-id']);
      if (attempt === 1 && ++commands % 8 === 0) unlucky.add(id);
      if (!unlucky.has(id) || attempt === 3) return FORWARD;
      return attempt === 1 ? SLOW_DOWN : INTERNAL_ERROR;
    });

    await run(f);

    await expectClean(f);
    const tries = triesByCommand(f.log);
    expect(unlucky.size).toBe(Math.floor(f.commands() / 8));
    expect(unlucky.size).toBeGreaterThan(0);
    for (const id of unlucky) {
      expect(tries.get(id)).toEqual([503, 500, expect.any(Number)]);
      expect(tries.get(id)![2]).toBeLessThan(500);
    }
    expect(f.log.length).toBe(f.commands() + 2 * unlucky.size);
  });

  test('connections cut before reaching S3, on every fourth command', async () => {
    let commands = 0;
    const f = await faultyWarehouse((req) =>
      attemptOf(req.headers) === 1 && ++commands % 4 === 0 ? { kind: 'drop' } : FORWARD,
    );

    await run(f);

    await expectClean(f);
    const dropped = f.log.filter((e) => e.action === 'drop');
    expect(dropped.length).toBe(Math.floor(f.commands() / 4));
    expect(dropped.length).toBeGreaterThan(0);
    const tries = triesByCommand(f.log);
    for (const e of dropped)
      expect(tries.get(invocationOf(e))).toEqual([undefined, expect.any(Number)]);
    expect(f.log.length).toBe(f.commands() + dropped.length);
  });

  test("every write's answer lost after S3 stored it: retried, found to be its own, never doubled", async () => {
    const f = await faultyWarehouse((req) =>
      req.method === 'PUT' && attemptOf(req.headers) === 1
        ? { kind: 'forward', dropAnswer: true }
        : FORWARD,
    );

    const { records } = await run(f, 'lost-answers');

    await expectClean(f);
    // The retried commits met their own first try: S3 answered 412, the bytes were ours.
    const commits = f.log.filter(
      (e) => e.method === 'PUT' && /_delta_log\/\d{20}\.json$/.test(e.path),
    );
    expect(commits.map((e) => e.status)).toEqual(commits.map((_, i) => (i % 2 ? 412 : undefined)));
    for (const t of ['bronze', 'silver', 'gold'] as const) {
      const infos = await expectWholeLog(f.wh.store, TABLE_DEFS[t]);
      expect(infos.map((i) => i.runId)).toEqual(infos.map(() => 'lost-answers'));
    }
    expect(records.map((r) => r.status)).toEqual(['ingested', 'ingested']);
  });

  test('slow answers (0.5 s on every tenth command) are waited for, never retried', async () => {
    let commands = 0;
    const f = await faultyWarehouse(() =>
      ++commands % 10 === 0 ? { kind: 'forward', delayMs: 500 } : FORWARD,
    );

    await run(f);

    await expectClean(f);
    expect(f.log.length).toBe(f.commands());
    expect(f.log.every((e) => e.status !== undefined && e.status < 500)).toBe(true);
  });
});

describe('conditional writes answered 412 and 409', () => {
  test('a 412 on the first try of every commit (no one else wrote it): the writer re-reads and commits the same version', async () => {
    const tried = new Set<string>();
    const f = await faultyWarehouse((req) => {
      if (!isCommit(req) || tried.has(req.path)) return FORWARD;
      tried.add(req.path);
      return PRECONDITION_FAILED;
    });

    await run(f);

    await expectClean(f);
    const commits = f.log.filter((e) => isCommitEntry(e));
    // Each version: the refused try, then the same key again, stored.
    expect(commits.map((e) => e.status)).toEqual(commits.map((_, i) => (i % 2 ? 200 : 412)));
    expect(new Set(commits.map((e) => e.path)).size).toBe(commits.length / 2);
    // A 412 is not transient: the SDK sent each of these commands once.
    expect(f.log.length).toBe(f.commands());
  });

  test('409 ConditionalRequestConflict twice per commit: the store tries again, the third lands', async () => {
    const tries = new Map<string, number>();
    const f = await faultyWarehouse((req) => {
      if (!isCommit(req)) return FORWARD;
      const n = (tries.get(req.path) ?? 0) + 1;
      tries.set(req.path, n);
      return n <= 2 ? CONFLICT : FORWARD;
    });

    await run(f);

    await expectClean(f);
    expect([...tries.values()].every((n) => n === 3)).toBe(true);
    expect(tries.size).toBe(
      ['bronze', 'silver', 'gold'].reduce((n, t) => n + reference[t as 'bronze'].version! + 1, 0),
    );
    expect(f.log.length).toBe(f.commands());
  });

  test('409 on every try of the silver commit: one message naming it; bronze stays committed; a re-run finishes', async () => {
    let faulty = true;
    const f = await faultyWarehouse((req) =>
      faulty && isCommit(req) && keyOf(req.path).startsWith('silver/') ? CONFLICT : FORWARD,
    );

    const err = await run(f).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).line).toMatch(
      /^S3 PutObject s3:\/\/[a-z0-9-]+\/lakehouse\/silver\/activities\/_delta_log\/0{20}\.json failed: .*ConditionalRequestConflict.*\. Another writer kept racing for this key; re-run\.$/,
    );
    const crashed = await warehouseState(f.wh.store);
    expect([crashed.bronze.version, crashed.silver.version, crashed.gold.version]).toEqual([
      0,
      null,
      null,
    ]);
    expect(await f.wh.store.list('_runs/')).toEqual([]);

    faulty = false;
    await run(f);
    await expectClean(f);
  });

  test('two runs whose first bronze commits meet at S3: moto answers one 412, both runs finish', async () => {
    // Hold the first put of bronze version 0 until the other run's arrives, then let both through.
    const together = barrier(2);
    const f = await faultyWarehouse(async (req) => {
      if (
        isCommit(req) &&
        keyOf(req.path) === `bronze/activities/_delta_log/${'0'.repeat(20)}.json`
      ) {
        await together();
      }
      return FORWARD;
    });
    const april = { ...f, a: await athlete(SPRING_2024) };

    await Promise.all([
      runIn(f.a, f.wh.uri, { month: '2024-05' }, { deps: { store: f.store } }),
      runIn(april.a, f.wh.uri, { month: '2024-04' }, { deps: { store: f.store } }),
    ]);

    const first = f.log.filter(
      (e) =>
        e.method === 'PUT' &&
        keyOf(e.path) === `bronze/activities/_delta_log/${'0'.repeat(20)}.json`,
    );
    expect(first.map((e) => e.status).sort()).toEqual([200, 412]);
    // One commit per month in bronze and silver: the loser committed version 1 instead.
    await expectClean(f, { sameVersions: false });
    const state = await warehouseState(f.wh.store);
    expect([state.bronze.version, state.silver.version]).toEqual([1, 1]);
  });
});

const isCommitEntry = (e: ProxyLogEntry) =>
  e.method === 'PUT' && /\/_delta_log\/\d{20}\.json$/.test(e.path);
