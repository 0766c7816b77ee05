/**
 * The points between a run's steps where a crash can hit, and the object-store and fetch
 * wrappers that find them from the outside: the pipeline has no hooks; a step is recognised by
 * the call it makes (the token exchange, the landing put, a table's log put, the run record).
 */
import type { ObjectStore } from '../../../src/landing/store.js';
import { BRONZE, GOLD, SILVER } from '../../../src/lakehouse/tables.js';
import { overriding } from '../../support/stores.js';

export const BOUNDARIES = [
  'after-token',
  'after-landing',
  'before-bronze-commit',
  'after-bronze-commit',
  'before-silver-commit',
  'after-silver-commit',
  'before-gold-commit',
  'after-gold-commit',
  'before-run-record',
] as const;

export type Boundary = (typeof BOUNDARIES)[number];

export type TableName = 'bronze' | 'silver' | 'gold';
export const TABLE_DEFS = { bronze: BRONZE, silver: SILVER, gold: GOLD } as const;
const TABLE_NAMES: TableName[] = ['bronze', 'silver', 'gold'];

/** The tables whose commit for the crashed run exists when the crash hits at `boundary`. */
export function committedBefore(boundary: Boundary): TableName[] {
  const at = BOUNDARIES.indexOf(boundary);
  return TABLE_NAMES.filter((t) => BOUNDARIES.indexOf(`after-${t}-commit`) <= at);
}

/** The table whose data files are on storage but not committed when the crash hits, if any. */
export function uncommittedFilesOf(boundary: Boundary): TableName | undefined {
  return TABLE_NAMES.find((t) => boundary === `before-${t}-commit`);
}

const isCommit = (table: TableName, key: string) =>
  key.startsWith(`${TABLE_DEFS[table].path}/_delta_log/`) && /\d{20}\.json$/.test(key);

/** Which write a boundary sits before or after; undefined for the fetch boundary. */
function writeMatcher(
  boundary: Boundary,
): { when: 'before' | 'after'; matches: (key: string) => boolean } | undefined {
  if (boundary === 'after-landing') {
    return { when: 'after', matches: (k) => k.startsWith('landing/') };
  }
  if (boundary === 'before-run-record') {
    return { when: 'before', matches: (k) => k.startsWith('_runs/') };
  }
  const m = /^(before|after)-(bronze|silver|gold)-commit$/.exec(boundary);
  if (!m) return undefined;
  const table = m[2] as TableName;
  return { when: m[1] as 'before' | 'after', matches: (k) => isCommit(table, k) };
}

/**
 * `inner`, except that `hit(key)` is called at the boundary: before the matching write starts,
 * or once it has succeeded (a put-if-absent that lost to another writer does not count).
 */
export function storeWithBoundary(
  inner: ObjectStore,
  boundary: Boundary,
  hit: (key: string) => void,
): ObjectStore {
  const matcher = writeMatcher(boundary);
  if (!matcher) return inner;
  const write = async (key: string, doWrite: () => Promise<boolean>): Promise<boolean> => {
    const matches = matcher.matches(key);
    if (matches && matcher.when === 'before') hit(key);
    const wrote = await doWrite();
    if (matches && matcher.when === 'after' && wrote) hit(key);
    return wrote;
  };
  return overriding(inner, {
    put: async (k, b) => {
      await write(k, async () => {
        await inner.put(k, b);
        return true;
      });
    },
    putIfAbsent: (k, b) => write(k, () => inner.putIfAbsent(k, b)),
  });
}

/**
 * `inner`, except that `hit` is called when an API request is about to go out after a token
 * exchange has answered: by then the auth layer has saved the rotated refresh token.
 */
export function fetchWithTokenBoundary(
  inner: typeof fetch,
  hit: (what: string) => void,
): typeof fetch {
  let tokenAnswered = false;
  return async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (tokenAnswered && url.includes('/api/v3/')) hit(new URL(url).pathname);
    const res = await inner(input, init);
    if (url.includes('/oauth/token') && res.status === 200) tokenAnswered = true;
    return res;
  };
}
