/**
 * `strava-lakehouse report`: flags to ReportOptions, then the report module, loaded here through
 * a dynamic import so that no other command loads ECharts.
 */
import {
  DEFAULT_WAREHOUSE,
  parsePrivacyRadius,
  parseWarehouse,
  type RawInputs,
} from '../config.js';
import { ConfigError } from '../errors.js';
import type { Progress } from '../progress.js';
import { parseMonth, type Month } from '../strava/months.js';
import { CLI_LABELS, type Flags } from './inputs.js';

/** The report's flags, checked: each bad one gets its own line naming it. */
export interface ReportFlags {
  warehouse: string;
  out: string;
  month?: Month;
  months: number;
  units?: 'metric' | 'imperial';
  privacyRadiusM: number;
  includePrivate: boolean;
  s3: { region?: string; endpoint?: string; names: { region: string; endpoint: string } };
}

/** Checks the flags of `report` (raw: the shared inputs the table maps them to). */
export function reportFlags(flags: Flags, raw: RawInputs, now: Date = new Date()): ReportFlags {
  const out = flags.out?.trim();
  if (!out) {
    throw new ConfigError(
      'report needs --out.',
      'Give the folder to write it into, e.g. --out ./report.',
    );
  }
  const monthsText = flags.months?.trim() ?? '12';
  if (!/^[1-9]\d{0,2}$/.test(monthsText) || Number(monthsText) > 120) {
    throw new ConfigError(
      `--months "${monthsText}" is not a number of months from 1 to 120.`,
      'Give how many months the trends span, e.g. --months 12.',
    );
  }
  const units = flags.units?.trim();
  if (units !== undefined && units !== 'metric' && units !== 'imperial') {
    throw new ConfigError(
      `--units "${units}" is not metric or imperial.`,
      'Give --units metric or --units imperial.',
    );
  }
  return {
    warehouse: parseWarehouse(raw.warehouse ?? DEFAULT_WAREHOUSE, CLI_LABELS.warehouse),
    out,
    month: flags.month === undefined ? undefined : parseMonth(flags.month, '--month', now),
    months: Number(monthsText),
    units,
    privacyRadiusM: parsePrivacyRadius(raw.privacyRadius, CLI_LABELS.privacyRadius),
    includePrivate: flags['include-private'] ?? false,
    s3: {
      region: raw.awsRegion,
      endpoint: raw.s3Endpoint,
      names: { region: CLI_LABELS.awsRegion, endpoint: CLI_LABELS.s3Endpoint },
    },
  };
}

/** Builds the report; prints its path on stdout and its size and build time on stderr. */
export async function runReport(
  f: ReportFlags,
  io: { out: NodeJS.WritableStream; progress: Progress },
): Promise<number> {
  const { buildReport } = await import('../report/html/index.js');
  const result = await buildReport({
    warehouse: f.warehouse,
    s3: f.s3,
    out: f.out,
    month: f.month,
    months: f.months,
    units: f.units,
    privacyRadiusM: f.privacyRadiusM,
    includePrivate: f.includePrivate,
  });
  io.progress.info(
    `report: ${result.month}, ${result.units} units, ${(result.bytes / 1024).toFixed(0)} KiB in ${(result.ms / 1000).toFixed(1)} s`,
  );
  io.out.write(`${result.file}\n`);
  return 0;
}
