/**
 * The CLI's one table of options (src/cli/inputs.ts) drives the parser, `help [COMMAND]`,
 * `COMMAND --help` and the refusal of another command's flags: each command's help lists its
 * own flags and variables, with defaults, and nothing of another command's.
 */
import { describe, expect, it } from 'vitest';
import { main, OPTIONS } from '../../../src/cli/main.js';
import { renderHelp } from '../../../src/cli/help.js';
import {
  CLI_LABELS,
  CLI_OPTIONS,
  COMMANDS,
  optionsOf,
  rawInputs,
  type CliOption,
  type Command,
} from '../../../src/cli/inputs.js';
import { VERSION } from '../../../src/version.js';
import { captureCli } from '../../support/capture.js';

const TABLE = CLI_OPTIONS as readonly CliOption[];
const flagsOf = (command: Command) =>
  new Set(optionsOf(command).flatMap((o) => (o.flag ? [o.flag] : [])));
const ALL_FLAGS = [...new Set(TABLE.flatMap((o) => (o.flag ? [o.flag] : [])))];

const { stdout, stderr } = captureCli();

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  stdout.length = 0;
  stderr.length = 0;
  const code = await main(argv, {});
  return { code, out: stdout.join(''), err: stderr.join('') };
}

describe('help', () => {
  it.each(COMMANDS)(
    '`help %s` and `COMMAND --help` print its own options and variables alone',
    async (command) => {
      const viaHelp = await cli(['help', command]);
      const viaFlag = await cli([command, '--help']);
      expect(viaHelp.code).toBe(0);
      expect(viaFlag).toEqual(viaHelp);
      const text = viaHelp.out;
      const flat = text.replace(/\s+/g, ' ');
      expect(text).toMatch(new RegExp(`^Usage: strava-lakehouse ${command}\\b`));
      const mine = flagsOf(command);
      for (const flag of mine) expect(text).toMatch(new RegExp(`--${flag}\\b`));
      // Every flag named anywhere in the text is one of this command's.
      const named = new Set([...text.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!));
      expect([...named].filter((f) => !mine.has(f))).toEqual([]);
      for (const o of optionsOf(command)) {
        if (o.env) expect(text, o.env).toContain(o.env);
        if (o.default) expect(flat, `${o.flag ?? o.env}`).toContain(`default: ${o.default})`);
      }
      expect(text).toContain('--version');
      expect(text).toContain('-h, --help');
    },
  );

  it("shows run's defaults and the variables read when a flag is absent", () => {
    const text = renderHelp('run');
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain(
      "--month YYYY-MM The athlete's local month to process (default: the previous month).",
    );
    expect(flat).toContain(
      'Where the lakehouse lives: a folder or an S3 prefix (default: ./lakehouse).',
    );
    expect(flat).toContain(
      "--aws-region REGION For an s3:// warehouse: the bucket's region (or AWS_REGION).",
    );
    expect(flat).toContain('path-style (or AWS_ENDPOINT_URL_S3; default: AWS S3).');
    expect(text).toMatch(
      /^ {2}STRAVA_CLIENT_ID +Your Strava API application's Client ID \(required\)/m,
    );
    expect(text).not.toContain('--from');
    expect(text).not.toContain('--port');
    expect(text).not.toContain('GITHUB_TOKEN');
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('without a command lists the commands and --version; COMMAND --help works too', async () => {
    for (const argv of [['help'], ['--help'], ['-h']]) {
      const { code, out } = await cli(argv);
      expect(code).toBe(0);
      for (const c of COMMANDS) expect(out).toMatch(new RegExp(`^ {2}${c} `, 'm'));
      expect(out).toContain('--version');
      expect(out).toContain('strava-lakehouse help COMMAND');
    }
    const bare = await cli([]);
    expect(bare.code).toBe(2);
    expect(bare.err).toContain('Usage: strava-lakehouse COMMAND [options]');
  });

  it('refuses help on an unknown command', async () => {
    const { code, err } = await cli(['help', 'frobnicate']);
    expect(code).toBe(1);
    expect(err).toBe(
      'error: Unknown command "frobnicate". Use one of: run, backfill, import-archive, demo, inspect, report, migrate, auth, init, help.\n',
    );
  });

  it('prints the version', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, out: `${VERSION}\n`, err: '' });
    expect((await cli(['run', '--version'])).out).toBe(`${VERSION}\n`);
  });
});

describe('the parser', () => {
  it('refuses, by name, every flag of another command, before doing anything', async () => {
    let cases = 0;
    for (const command of COMMANDS) {
      const mine = flagsOf(command);
      for (const flag of ALL_FLAGS.filter((f) => !mine.has(f))) {
        const value = OPTIONS[flag]!.type === 'string' ? ['x'] : [];
        const { code, out, err } = await cli([command, `--${flag}`, ...value]);
        expect(code, `${command} --${flag}`).toBe(1);
        expect(out).toBe('');
        expect(err).toBe(
          `error: --${flag} does not apply to \`${command}\`. Run \`strava-lakehouse help ${command}\` for its options.\n`,
        );
        cases += 1;
      }
    }
    expect(cases).toBeGreaterThan(50);
  });

  it('gives a flag listed for several commands one type and one value form', () => {
    for (const flag of ALL_FLAGS) {
      const rows = TABLE.filter((o) => o.flag === flag);
      expect(new Set(rows.map((o) => o.type)).size, flag).toBe(1);
      expect(new Set(rows.map((o) => o.value)).size <= 2, flag).toBe(true);
      for (const command of COMMANDS) {
        expect(
          rows.filter((o) => o.commands.includes(command)).length,
          `${command} --${flag}`,
        ).toBeLessThanOrEqual(1);
      }
    }
  });

  it('reads every setting the config names (CLI_LABELS) from the table', () => {
    for (const [input, label] of Object.entries(CLI_LABELS)) {
      const rows = TABLE.filter((o) => o.input === input);
      expect(rows.length, input).toBeGreaterThan(0);
      expect(
        rows.some((o) => `--${o.flag}` === label || o.env === label),
        `${input}: ${label}`,
      ).toBe(true);
    }
  });

  it('takes a flag over its variable, and the variable when the flag is absent', () => {
    const env = {
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_S3: 'http://minio:9000',
      STRAVA_CLIENT_ID: '7',
    };
    expect(rawInputs({ 'aws-region': 'us-east-2', month: '2024-05' }, env)).toMatchObject({
      month: '2024-05',
      awsRegion: 'us-east-2',
      s3Endpoint: 'http://minio:9000',
      clientId: '7',
      force: false,
    });
    expect(rawInputs({}, env)).toMatchObject({ awsRegion: 'eu-west-1' });
  });
});
