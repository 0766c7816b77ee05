/**
 * One validated configuration for both doors. The CLI (flags + environment) and the action
 * (INPUT_* variables) each collect raw strings into `RawInputs` and call `buildConfig`, passing
 * how each input is spelled for their users, so every error names the input as the user wrote it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from './errors.js';
import { isSqlSafeLocation } from './lakehouse/databricks/sql-text.js';
import { stravaUrls, type StravaUrls } from './strava/hosts.js';
import { parseMonth, previousMonth, type Month } from './strava/months.js';
import {
  DEFAULT_PRIVACY_RADIUS_M,
  MAX_PRIVACY_RADIUS_M,
  type PrivacyConfig,
} from './details/privacy.js';

export type Engine = 'embedded' | 'databricks';
export const ENGINES: readonly Engine[] = ['embedded', 'databricks'];

export interface RawInputs {
  month?: string;
  from?: string;
  to?: string;
  warehouse?: string;
  engine?: string;
  force?: boolean;
  /** Months before `month` that a run re-checks in the same sweep; not for a range. */
  lookback?: string;
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  /** One origin serving both OAuth and `/api/v3` (the simulator). */
  apiUrl?: string;
  /** The API base with its path; default by date (strava/hosts.ts). */
  apiBase?: string;
  /** The OAuth origin; default https://www.strava.com. */
  oauthUrl?: string;
  tokenFile?: string;
  awsRegion?: string;
  s3Endpoint?: string;
  databricksHost?: string;
  databricksHttpPath?: string;
  databricksToken?: string;
  databricksClientId?: string;
  databricksClientSecret?: string;
  databricksCatalog?: string;
  databricksSchema?: string;
  /** `external` (default): tables at LOCATION under the warehouse; `managed`: Unity Catalog's. */
  databricksTableLocation?: string;
  /** A cap on the run's Strava requests, list and details together; empty: no cap. */
  maxRequests?: string;
  /** Skip the detail phase (laps, streams, gear, zones). */
  noDetails?: boolean;
  /** Metres around start and end kept out of published outputs; empty: 200. */
  privacyRadius?: string;
  /** Keep coordinates out of the tables altogether. */
  noCoordinates?: boolean;
  /** Show private activities in published outputs. */
  includePrivate?: boolean;
}

/** How each input is named to the user, e.g. `--month` (CLI) or `input "month"` (action). */
export type InputLabels = Record<keyof RawInputs, string>;

export interface StravaConfig extends StravaUrls {
  clientId: string;
  clientSecret: string;
  /** The refresh token given as input; a newer one in `tokenFile` wins. */
  refreshToken: string;
  tokenFile: string;
}

export interface DatabricksConfig {
  host: string;
  httpPath: string;
  token?: string;
  clientId?: string;
  clientSecret?: string;
  catalog: string;
  schema: string;
  /** Where the tables live; undefined means `external`. */
  tableLocation?: DatabricksTableLocation;
}

export type DatabricksTableLocation = 'external' | 'managed';
export const DATABRICKS_TABLE_LOCATIONS: readonly DatabricksTableLocation[] = [
  'external',
  'managed',
];

export interface PipelineConfig {
  from: Month;
  to: Month;
  warehouse: string;
  engine: Engine;
  force: boolean;
  /** Months before `from` swept and processed with it (a run's late edits); 0 for a range. */
  lookback: number;
  strava: StravaConfig;
  /** `names`: how the door names the region and endpoint, for the S3 store's hints. */
  s3: { region?: string; endpoint?: string; names?: { region: string; endpoint: string } };
  databricks?: DatabricksConfig;
  /** The most Strava requests the run may send (list, details and token refresh together). */
  maxRequests?: number;
  /** Whether the run fetches details (laps, streams, gear, zones) after the list. */
  details: boolean;
  privacy: PrivacyConfig;
}

export const DEFAULT_WAREHOUSE = './lakehouse';
export const DEFAULT_LOOKBACK = 2;
export const MAX_LOOKBACK = 24;
/** Where a user finds their app's Client ID and Secret, and how they get a refresh token. */
const STRAVA_CREDENTIALS_HINT =
  'Copy the Client ID and Client Secret of your API application from https://www.strava.com/settings/api, then run `strava-lakehouse auth` once (it saves the refresh token; with --github-repo it also sets the repository secrets).';

export function defaultTokenFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'strava-lakehouse', 'refresh-token');
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
/** A Unity Catalog name with hyphens, written back-quoted in SQL (no `.`, space, `/` or quote). */
const HYPHENATED = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;

/** A warehouse is a folder path or `s3://bucket/prefix`; `..` segments are refused. */
export function parseWarehouse(value: string, label: string): string {
  const v = value.trim();
  if (!v) throw new ConfigError(`${label} is empty.`, 'Give a folder path or s3://bucket/prefix.');
  // An S3 URI spelled slightly wrong would otherwise become a local folder named "s3:".
  if (!v.startsWith('s3://') && /^s3[an]?(:|\/\/)/i.test(v)) {
    throw new ConfigError(
      `${label} "${v}" is not an S3 URI.`,
      'Write s3://bucket/prefix (lower-case s3, a colon and two slashes), or ./name for a folder.',
    );
  }
  // A scheme of two letters or more: one letter is a Windows drive.
  if (/^[a-z][a-z0-9+.-]+:/i.test(v) && !v.startsWith('s3://')) {
    throw new ConfigError(
      `${label} "${v}" uses an unsupported scheme.`,
      'Give a folder path or s3://bucket/prefix (for a folder whose name has a colon, write ./name).',
    );
  }
  const segments = v.startsWith('s3://') ? v.slice(5).split('/') : v.split(/[\\/]/);
  if (segments.includes('..')) {
    throw new ConfigError(
      `${label} "${v}" contains "..".`,
      'Give the warehouse location without parent-directory segments.',
    );
  }
  if (v.startsWith('s3://')) {
    const bucket = segments[0] ?? '';
    if (!isS3BucketName(bucket)) {
      throw new ConfigError(
        `${label} "${v}" does not name a valid S3 bucket.`,
        'Use s3://bucket/prefix with a lower-case bucket name of 3-63 characters.',
      );
    }
    if (segments.slice(1).some((s, i, all) => s === '' && i < all.length - 1)) {
      throw new ConfigError(`${label} "${v}" has an empty path segment.`, 'Remove the "//".');
    }
  }
  return v;
}

/**
 * S3's general-purpose bucket naming rules (Amazon S3 User Guide, "Bucket naming rules"): 3-63
 * lower-case letters, digits, dots and hyphens, a letter or digit at each end, no two adjacent
 * dots, not an IP address, and none of the prefixes and suffixes S3 reserves.
 */
export function isS3BucketName(bucket: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) &&
    !bucket.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(bucket) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(bucket) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(bucket)
  );
}

/**
 * Refuses a token file that a rotated refresh token could not be saved to (a folder, or a path
 * under something that is not a writable folder). Checked before the first token request:
 * Strava kills the old refresh token as soon as it hands out a new one.
 */
export function checkTokenFile(file: string, label: string): void {
  const refuse = (why: string) => {
    throw new ConfigError(
      `${label} "${file}" cannot be written: ${why}.`,
      'Give a file path in a folder you can write: Strava replaces the refresh token when it is used, and the new one must be saved there.',
    );
  };
  const stat = statOrUndefined(file);
  if (stat && !stat.isFile()) refuse(stat.isDirectory() ? 'it is a folder' : 'it is not a file');
  // The nearest folder that exists is where the token's folder would be made, or its rename lands.
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    const s = statOrUndefined(dir);
    if (s) {
      if (!s.isDirectory()) refuse(`${dir} is not a folder`);
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    refuse(`the folder ${dir} is not writable`);
  }
}

/** The file's stat, or undefined when it (or a folder on its path) does not exist. */
function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** Whole months from 0 to MAX_LOOKBACK, digits only; empty means the default. */
export function parseLookback(value: string | undefined, label: string): number {
  const v = value?.trim() ?? '';
  if (!v) return DEFAULT_LOOKBACK;
  if (!/^\d{1,2}$/.test(v) || Number(v) > MAX_LOOKBACK) {
    throw new ConfigError(
      `${label} "${v}" is not a number of months from 0 to ${MAX_LOOKBACK}.`,
      `Give a whole number of months before the run's month to re-check, e.g. ${DEFAULT_LOOKBACK}; 0 turns it off.`,
    );
  }
  return Number(v);
}

/** Smallest cap: a token refresh, one list page and the empty page that ends the list. */
export const MIN_MAX_REQUESTS = 3;

/** A whole number of requests, at least MIN_MAX_REQUESTS; empty means no cap. */
export function parseMaxRequests(value: string | undefined, label: string): number | undefined {
  const v = value?.trim() ?? '';
  if (!v) return undefined;
  if (!/^[1-9]\d{0,8}$/.test(v) || Number(v) < MIN_MAX_REQUESTS) {
    throw new ConfigError(
      `${label} "${v}" is not a number of requests of at least ${MIN_MAX_REQUESTS}.`,
      `Give a whole number, e.g. 300 (a token refresh and the list take ${MIN_MAX_REQUESTS} or more; each activity's details take 2); leave it empty for no cap.`,
    );
  }
  return Number(v);
}

/** Whole metres from 0 to MAX_PRIVACY_RADIUS_M; empty means the default. */
export function parsePrivacyRadius(value: string | undefined, label: string): number {
  const v = value?.trim() ?? '';
  if (!v) return DEFAULT_PRIVACY_RADIUS_M;
  if (!/^(0|[1-9]\d{0,5})$/.test(v) || Number(v) > MAX_PRIVACY_RADIUS_M) {
    throw new ConfigError(
      `${label} "${v}" is not a number of metres from 0 to ${MAX_PRIVACY_RADIUS_M}.`,
      `Give whole metres around each activity's start and end to keep out of published outputs, e.g. ${DEFAULT_PRIVACY_RADIUS_M}.`,
    );
  }
  return Number(v);
}

export function parseEngine(value: string | undefined, label: string): Engine {
  const v = (value ?? 'embedded').trim() || 'embedded';
  if (!(ENGINES as readonly string[]).includes(v)) {
    throw new ConfigError(
      `${label} "${v}" is not an engine.`,
      `Use one of: ${ENGINES.join(', ')}.`,
    );
  }
  return v as Engine;
}

/**
 * A Databricks name: letters, digits and underscores, starting with a letter or underscore. With
 * `hyphens` (the catalog) a name may also hold hyphens, which Unity Catalog accepts back-quoted:
 * `my-catalog` and `` `my-catalog` `` both give `my-catalog` (the statements back-quote every name).
 */
export function parseIdentifier(
  value: string,
  label: string,
  opts: { hyphens?: boolean } = {},
): string {
  const quoted = /^`(.*)`$/.exec(value);
  const name = opts.hyphens && quoted ? (quoted[1] as string) : value;
  if (IDENTIFIER.test(name) || (opts.hyphens && HYPHENATED.test(name))) return name;
  throw new ConfigError(
    `${label} "${value}" is not a valid ${opts.hyphens ? 'catalog name' : 'identifier'}.`,
    opts.hyphens
      ? 'Use letters, digits, underscores and hyphens, starting with a letter or underscore, e.g. main or my-catalog.'
      : 'Use letters, digits and underscores, starting with a letter or underscore.',
  );
}

export function parseTableLocation(
  value: string | undefined,
  label: string,
): DatabricksTableLocation {
  const v = value?.trim() || 'external';
  if (!(DATABRICKS_TABLE_LOCATIONS as readonly string[]).includes(v)) {
    throw new ConfigError(
      `${label} "${v}" is not a table location.`,
      `Use one of: ${DATABRICKS_TABLE_LOCATIONS.join(', ')}.`,
    );
  }
  return v as DatabricksTableLocation;
}

function required(value: string | undefined, label: string, what: string): string {
  const v = value?.trim();
  if (!v) throw new ConfigError(`${label} is not set.`, `Set it to ${what}.`);
  return v;
}

function stravaCredential(value: string | undefined, label: string): string {
  const v = value?.trim();
  if (!v) throw new ConfigError(`${label} is not set.`, STRAVA_CREDENTIALS_HINT);
  return v;
}

export function buildConfig(
  raw: RawInputs,
  labels: InputLabels,
  opts: { now?: Date; needStrava?: boolean; tokenFileDefault?: string } = {},
): PipelineConfig {
  const now = opts.now ?? new Date();
  let from: Month;
  let to: Month;
  let lookback = 0;
  if (raw.from !== undefined || raw.to !== undefined) {
    from = parseMonth(
      required(raw.from, labels.from, 'the first month, YYYY-MM'),
      labels.from,
      now,
    );
    to = parseMonth(required(raw.to, labels.to, 'the last month, YYYY-MM'), labels.to, now);
    if (from > to) {
      throw new ConfigError(
        `${labels.from} ${from} is after ${labels.to} ${to}.`,
        'Give the earlier month first.',
      );
    }
  } else {
    from = to = raw.month?.trim() ? parseMonth(raw.month, labels.month, now) : previousMonth(now);
    lookback = parseLookback(raw.lookback, labels.lookback);
  }
  const engine = parseEngine(raw.engine, labels.engine);
  const warehouse = parseWarehouse(raw.warehouse?.trim() || DEFAULT_WAREHOUSE, labels.warehouse);
  // A SQL warehouse reads the landing files, and writes external tables, by S3 URI. Said before
  // any credential: no Databricks or Strava setting makes a folder warehouse work.
  if (engine === 'databricks' && !warehouse.startsWith('s3://')) {
    throw new ConfigError(
      `${labels.warehouse} "${warehouse}" is a local folder, which a Databricks SQL warehouse cannot read.`,
      'With the databricks engine, give the warehouse as s3://bucket/prefix on storage the warehouse can access.',
    );
  }
  const needStrava = opts.needStrava ?? true;
  const strava: StravaConfig = {
    ...stravaUrls(raw, labels, now),
    clientId: needStrava ? stravaCredential(raw.clientId, labels.clientId) : (raw.clientId ?? ''),
    clientSecret: needStrava
      ? stravaCredential(raw.clientSecret, labels.clientSecret)
      : (raw.clientSecret ?? ''),
    refreshToken: raw.refreshToken?.trim() ?? '',
    tokenFile: raw.tokenFile?.trim() || opts.tokenFileDefault || defaultTokenFile(),
  };
  if (needStrava) checkTokenFile(strava.tokenFile, labels.tokenFile);
  if (needStrava && !strava.refreshToken && !fs.existsSync(strava.tokenFile)) {
    throw new ConfigError(
      `${labels.refreshToken} is not set and there is no saved token at ${strava.tokenFile}.`,
      'Run `strava-lakehouse auth` once: it saves a refresh token with the activity:read_all scope there.',
    );
  }
  const config: PipelineConfig = {
    from,
    to,
    warehouse,
    engine,
    force: raw.force ?? false,
    lookback,
    strava,
    maxRequests: parseMaxRequests(raw.maxRequests, labels.maxRequests),
    details: !(raw.noDetails ?? false),
    privacy: {
      radiusM: parsePrivacyRadius(raw.privacyRadius, labels.privacyRadius),
      noCoordinates: raw.noCoordinates ?? false,
      includePrivate: raw.includePrivate ?? false,
    },
    s3: {
      region: raw.awsRegion?.trim() || undefined,
      endpoint: raw.s3Endpoint?.trim() || undefined,
      names: { region: labels.awsRegion, endpoint: labels.s3Endpoint },
    },
  };
  if (engine === 'databricks') {
    const host = required(raw.databricksHost, labels.databricksHost, 'your workspace host');
    const httpPath = required(
      raw.databricksHttpPath,
      labels.databricksHttpPath,
      "the SQL warehouse's HTTP path",
    );
    const token = raw.databricksToken?.trim() || undefined;
    const clientId = raw.databricksClientId?.trim() || undefined;
    const clientSecret = raw.databricksClientSecret?.trim() || undefined;
    if (!token && !(clientId && clientSecret)) {
      throw new ConfigError(
        `${labels.databricksToken} is not set (nor ${labels.databricksClientId} with ${labels.databricksClientSecret}).`,
        'Set a personal access token, or a service principal client id and secret.',
      );
    }
    config.databricks = {
      host,
      httpPath,
      token,
      clientId,
      clientSecret,
      catalog: parseIdentifier(raw.databricksCatalog?.trim() || 'main', labels.databricksCatalog, {
        hyphens: true,
      }),
      schema: parseIdentifier(raw.databricksSchema?.trim() || 'strava', labels.databricksSchema),
      tableLocation: parseTableLocation(
        raw.databricksTableLocation,
        labels.databricksTableLocation,
      ),
    };
    // The location goes into the SQL text as a literal: refuse it now, before anything is written.
    if (!isSqlSafeLocation(warehouse)) {
      throw new ConfigError(
        `${labels.warehouse} "${warehouse}" has characters that cannot go into a Databricks SQL statement.`,
        'With the databricks engine, use only letters, digits and / . _ - = + : in the warehouse.',
      );
    }
  }
  return config;
}
