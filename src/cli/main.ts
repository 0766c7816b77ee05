/**
 * The CLI door: flags and environment -> the same config and pipeline as the action.
 * stdout carries results (the run records with --json, nothing else); progress and errors go
 * to stderr.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_WAREHOUSE, buildConfig } from '../config.js';
import { ConfigError, errorLine } from '../errors.js';
import { streamProgress } from '../progress.js';
import { runPipeline } from '../pipeline.js';
import { VERSION } from '../version.js';
import { authOptions, runAuth, runRevoke } from './auth.js';
import { browserOpener, openBrowser } from './browser.js';
import { renderHelp, renderUsage } from './help.js';
import { initOptions, runInit } from './init.js';
import { runInspect } from './inspect.js';
import {
  CLI_LABELS,
  CLI_OPTIONS,
  COMMANDS,
  optionsOf,
  rawInputs,
  type Command,
  type Flags,
} from './inputs.js';
import { runMigrate } from './migrate.js';
import { printRecords } from './print.js';
import { reportFlags, runReport } from './report.js';

/** parseArgs' options, from the table: a flag listed for several commands is one option. */
export const OPTIONS = Object.fromEntries(
  CLI_OPTIONS.filter((o) => 'flag' in o).map((o) => [
    o.flag,
    { type: o.type, ...('short' in o ? { short: o.short } : {}) },
  ]),
) as Record<string, { type: 'string' | 'boolean'; short?: string }>;

export function parseFlags(argv: string[]): { values: Flags; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    // Some of Node's messages span lines ("argument is ambiguous" and its advice): keep one.
    const message = (err as Error).message.replace(/\s*\n\s*/g, ' ').replace(/\.?$/, '.');
    throw new ConfigError(message, 'Run `strava-lakehouse help` for the commands and their flags.');
  }
}

const isCommand = (name: string): name is Command => (COMMANDS as readonly string[]).includes(name);

/** Refuses, by name, a flag the table does not list for `command`. */
function refuseFlags(flags: Flags, command: Command): void {
  const mine = new Set(optionsOf(command).map((o) => o.flag));
  for (const [name, value] of Object.entries(flags)) {
    if (value !== undefined && !mine.has(name)) {
      throw new ConfigError(
        `--${name} does not apply to \`${command}\`.`,
        `Run \`strava-lakehouse help ${command}\` for its options.`,
      );
    }
  }
}

function unknownCommand(name: string): ConfigError {
  return new ConfigError(`Unknown command "${name}".`, `Use one of: ${COMMANDS.join(', ')}, help.`);
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const progress = streamProgress(process.stderr);
  try {
    const { values: flags, positionals } = parseFlags(argv);
    if (flags.version) {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const [command, ...extra] = positionals;
    if (command === 'help' || (flags.help && !command)) {
      const [topic, ...more] = extra;
      if (more.length) {
        throw new ConfigError(`Unexpected argument "${more[0]}".`, 'Run `strava-lakehouse help`.');
      }
      if (topic !== undefined && !isCommand(topic)) throw unknownCommand(topic);
      process.stdout.write(topic ? renderHelp(topic) : renderUsage());
      return 0;
    }
    if (!command) {
      process.stderr.write(renderUsage());
      return 2;
    }
    if (!isCommand(command)) throw unknownCommand(command);
    if (flags.help) {
      process.stdout.write(renderHelp(command));
      return 0;
    }
    const wantsPath = command === 'import-archive';
    if (extra.length > (wantsPath ? 1 : 0)) {
      throw new ConfigError(
        `Unexpected argument "${extra[wantsPath ? 1 : 0]}".`,
        `Run \`strava-lakehouse help ${command}\`.`,
      );
    }
    refuseFlags(flags, command);
    switch (command) {
      case 'run':
      case 'backfill': {
        if (command === 'backfill' && (!flags.from || !flags.to)) {
          throw new ConfigError(
            'backfill needs --from and --to.',
            'For example: backfill --from 2024-01 --to 2024-06.',
          );
        }
        const config = buildConfig(rawInputs(flags, env), CLI_LABELS);
        const result = await runPipeline(config, { progress });
        printRecords(result.records, flags.json ?? false, process.stdout);
        if (result.stoppedEarly) {
          progress.warn(result.stoppedEarly.message);
          return 3;
        }
        return 0;
      }
      case 'import-archive': {
        const raw = rawInputs(flags, env);
        // Loaded only for this command, as the demo is.
        const { importArchive } = await import('../archive/import.js');
        const result = await importArchive(
          {
            archive: extra[0] ?? '',
            warehouse: raw.warehouse ?? DEFAULT_WAREHOUSE,
            s3: { region: raw.awsRegion, endpoint: raw.s3Endpoint },
            timezone: flags.timezone,
            skipBadFiles: flags['skip-bad-files'] ?? false,
            noCoordinates: flags['no-coordinates'] ?? false,
          },
          { progress },
        );
        printRecords(result.records, flags.json ?? false, process.stdout);
        return 0;
      }
      case 'demo': {
        const raw = rawInputs(flags, env);
        // The simulator and its recorded athlete load only for the demo.
        return await (
          await import('./demo.js')
        ).runDemo({
          warehouse: flags.warehouse,
          force: flags.force ?? false,
          s3: { region: raw.awsRegion, endpoint: raw.s3Endpoint },
          json: flags.json ?? false,
          progress,
        });
      }
      case 'inspect':
        return await runInspect(rawInputs(flags, env), flags.json ?? false);
      case 'migrate':
        return await runMigrate(rawInputs(flags, env), flags.to, {
          json: flags.json ?? false,
          out: process.stdout,
        });
      case 'report':
        return await runReport(reportFlags(flags, rawInputs(flags, env)), {
          out: process.stdout,
          progress,
        });
      case 'auth': {
        if (flags.revoke) {
          const signIn = (['port', 'timeout', 'no-browser', 'github-repo'] as const).find(
            (name) => flags[name] !== undefined,
          );
          if (signIn) {
            throw new ConfigError(
              `--${signIn} does not apply to \`auth --revoke\`.`,
              'Revoking needs only the client id and secret and the saved token.',
            );
          }
          return await runRevoke(authOptions(flags, env), env, { out: process.stdout });
        }
        const interactive = Boolean(process.stderr.isTTY);
        return await runAuth(authOptions(flags, env), {
          out: process.stdout,
          progress,
          openUrl: flags['no-browser']
            ? undefined
            : (url) => {
                const opener = browserOpener(url, process.platform, env, interactive);
                if (opener) openBrowser(opener);
              },
        });
      }
      case 'init':
        return await runInit(initOptions(flags, env), { out: process.stdout, progress });
    }
  } catch (err) {
    process.stderr.write(`error: ${errorLine(err)}\n`);
    return 1;
  }
}
