/** `strava-lakehouse help [COMMAND]` and `COMMAND --help`, written from the table in inputs.ts. */
import { VERSION } from '../version.js';
import { COMMAND_INFO, COMMANDS, optionsOf, type CliOption, type Command } from './inputs.js';

const WIDTH = 100;
const COLUMN = 38;
const USAGE_COLUMN = 18;

/** `text` in lines of at most `width` characters, broken at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** A term and its description in two columns; a long term gets the description on the next line. */
function entry(term: string, description: string, column = COLUMN): string {
  const body = wrap(description, WIDTH - column);
  const pad = ' '.repeat(column);
  const first = `  ${term}`;
  const head =
    first.length < column - 1 ? [`${first.padEnd(column)}${body[0]}`] : [first, `${pad}${body[0]}`];
  return [...head, ...body.slice(1).map((l) => `${pad}${l}`)].join('\n');
}

export function flagTerm(o: CliOption): string {
  const name = `${o.short ? `-${o.short}, ` : ''}--${o.flag}`;
  return o.value ? `${name} ${o.value}` : name;
}

/** The description with the default and, for a flag, the variable read in its absence. */
export function describe(o: CliOption): string {
  const notes = [
    ...(o.flag && o.env ? [`or ${o.env}`] : []),
    ...(o.default ? [`default: ${o.default}`] : []),
  ];
  return notes.length ? `${o.help.replace(/\.$/, '')} (${notes.join('; ')}).` : o.help;
}

/** The general usage: the commands, and how to see a command's options. */
export function renderUsage(): string {
  const lines = [
    `strava-lakehouse ${VERSION}: Strava activities -> landing CSV -> bronze/silver/gold Delta tables`,
    '',
    'Usage: strava-lakehouse COMMAND [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => entry(c, COMMAND_INFO[c].summary, USAGE_COLUMN)),
    entry(
      'help [COMMAND]',
      'This text, or the options of COMMAND (also: COMMAND --help).',
      USAGE_COLUMN,
    ),
    '',
    'Options:',
    entry('-h, --help', 'This text.', USAGE_COLUMN),
    entry('--version', 'Print the version, and exit.', USAGE_COLUMN),
    '',
    'Run `strava-lakehouse help COMMAND` for the options and environment variables of a command.',
  ];
  return `${lines.join('\n')}\n`;
}

/** The options and environment variables of `command` alone. */
export function renderHelp(command: Command): string {
  const options = optionsOf(command);
  const flags = options.filter((o) => o.flag);
  const env = options.filter((o) => !o.flag);
  const lines = [
    `Usage: strava-lakehouse ${COMMAND_INFO[command].usage}`,
    '',
    ...wrap(COMMAND_INFO[command].summary, WIDTH),
    '',
    'Options:',
    ...flags.map((o) => entry(flagTerm(o), describe(o))),
  ];
  if (env.length) {
    lines.push('', 'Environment:', ...env.map((o) => entry(o.env!, describe(o))));
  }
  if (options.some((o) => o.input === 'awsRegion')) {
    lines.push(
      '',
      ...wrap(
        'An s3:// warehouse takes its credentials from the AWS SDK: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a role.',
        WIDTH,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
