/**
 * The README's Reference and its init example are generated from the code (scripts/reference.ts:
 * the CLI's option table and action.yml; the workflow init writes): any difference from what
 * `npm run docs` would write fails here, naming the fix.
 */
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import {
  INIT_EXAMPLE,
  renderReference,
  splice,
  updateReadme,
  type ReadmeTools,
} from '../../../scripts/reference.js';
import { CLI_OPTIONS, COMMANDS, type CliOption } from '../../../src/cli/inputs.js';
import { pickMinute } from '../../../src/cli/init.js';

const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const readme = await fs.readFile('README.md', 'utf8');
const actionYml = await fs.readFile('action.yml', 'utf8');
const config = (await prettier.resolveConfig('README.md')) ?? {};
const tools: ReadmeTools = {
  parseYaml: (text) => yaml.load(text),
  format: (text) => prettier.format(text, { ...config, filepath: 'README.md' }),
};
const action = yaml.load(actionYml) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};

describe('README.md', () => {
  it('is what `npm run docs` writes (run it after changing flags, variables or action.yml)', async () => {
    expect(await updateReadme(readme, actionYml, tools)).toBe(readme);
  });

  it('names every command, flag, environment variable, action input and output in its Reference', () => {
    const reference = readme.slice(readme.indexOf('<!-- reference:start -->'));
    const names = [
      ...COMMANDS.map((c) => `\`strava-lakehouse ${c}`),
      ...(CLI_OPTIONS as readonly CliOption[]).flatMap((o) => [
        ...(o.flag ? [`--${o.flag}`] : []),
        ...(o.env ? [`\`${o.env}\``] : []),
      ]),
      ...Object.keys(action.inputs).map((i) => `| \`${i}\``),
      ...Object.keys(action.outputs).map((o) => `| \`${o}\``),
    ];
    expect(names.filter((n) => !reference.includes(n))).toEqual([]);
  });

  it("shows, as its example, exactly the file init writes for the example's arguments", async () => {
    const { main } = await import('../../../src/cli/main.js');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = path.join(
      await fs.mkdtemp(path.join(os.tmpdir(), 'sl-readme-')),
      INIT_EXAMPLE.repository,
    );
    try {
      const out = process.stdout.write;
      process.stdout.write = () => true;
      try {
        expect(await main(['init', '--dir', dir, ...INIT_EXAMPLE.args], {})).toBe(0);
      } finally {
        process.stdout.write = out;
      }
      const written = await fs.readFile(
        path.join(dir, '.github/workflows/strava-lakehouse.yml'),
        'utf8',
      );
      expect(readme).toContain(`\`\`\`yaml\n${written}\`\`\``);
      expect(written).toContain(`- cron: '${pickMinute(INIT_EXAMPLE.repository)} 6 2 * *'`);
      expect(written).not.toContain('actions/checkout');
    } finally {
      await fs.rm(path.dirname(dir), { recursive: true, force: true });
    }
  });

  it('finds a flag added to the table but not to the README', () => {
    const table = CLI_OPTIONS as readonly CliOption[];
    const extra: CliOption = {
      flag: 'lookback',
      type: 'string',
      value: 'N',
      commands: ['run'],
      help: 'Also re-check the N months before.',
      default: '2',
    };
    (table as CliOption[]).push(extra);
    try {
      const fresh = splice(readme, 'reference', renderReference(actionYml, tools));
      expect(fresh).toContain('`--lookback N`');
      expect(fresh).not.toBe(readme);
    } finally {
      (table as CliOption[]).pop();
    }
  });
});
