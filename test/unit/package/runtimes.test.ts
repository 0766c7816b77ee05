/**
 * The Node versions stay in step: the ones scripts/setup-node.sh unpacks for .ci/run are the ones
 * the GitHub workflows set up, and `engines` admits both. Also the release workflow's trigger and
 * the Marketplace branding. js-yaml comes with eslint; loaded through require (no types here).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
}
const workflow = (name: string) =>
  yaml.load(fs.readFileSync(`.github/workflows/${name}`, 'utf8')) as Workflow;

const script = fs.readFileSync('scripts/setup-node.sh', 'utf8');
const pinned = (major: number) => new RegExp(`^NODE_${major}=(\\S+)$`, 'm').exec(script)?.[1];

/** Each job's setup-node version. */
function nodeVersions(wf: Workflow): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [job, { steps }] of Object.entries(wf.jobs)) {
    const setup = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    if (setup) out[job] = String(setup.with?.['node-version']);
  }
  return out;
}

const atLeast = (version: string, min: string) => {
  const [a, b] = [version, min].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if ((a![i] ?? 0) !== (b![i] ?? 0)) return a![i]! > b![i]!;
  return true;
};

describe('Node versions', () => {
  const node24 = pinned(24)!;
  const node22 = pinned(22)!;

  it('setup-node.sh pins a 24.x and a 22.x', () => {
    expect(node24).toMatch(/^24\.\d+\.\d+$/);
    expect(node22).toMatch(/^22\.\d+\.\d+$/);
  });

  it('CI runs every job on that Node 24 but the smoke job, on that Node 22', () => {
    const versions = nodeVersions(workflow('ci.yml'));
    expect(versions.node22).toBe(node22);
    const { node22: _smoke, ...rest } = versions;
    expect(Object.keys(rest).length).toBeGreaterThan(0);
    for (const [job, version] of Object.entries(rest)) expect(version, job).toBe(node24);
    expect(nodeVersions(workflow('release.yml'))).toEqual({ release: node24 });
  });

  it('engines admits both, and the 22.x is not below its lower bound', () => {
    const engines = (
      JSON.parse(fs.readFileSync('package.json', 'utf8')) as { engines: { node: string } }
    ).engines.node;
    const min = /^>=(\d+(?:\.\d+){0,2})$/.exec(engines)?.[1];
    expect(min, engines).toBeDefined();
    expect(min!.split('.')[0]).toBe('22');
    expect(atLeast(node22, min!)).toBe(true);
    expect(atLeast(node24, min!)).toBe(true);
  });
});

describe('releases', () => {
  it('run on vX.Y.Z tags only', () => {
    expect(workflow('release.yml').on).toEqual({
      push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] },
    });
  });

  it('action.yml carries Marketplace branding: a Feather icon name and one of the allowed colors', () => {
    const { branding } = yaml.load(fs.readFileSync('action.yml', 'utf8')) as {
      branding?: { icon?: string; color?: string };
    };
    expect(branding?.icon).toMatch(/^[a-z][a-z0-9-]*$/);
    expect([
      'white',
      'black',
      'yellow',
      'blue',
      'green',
      'orange',
      'red',
      'purple',
      'gray-dark',
    ]).toContain(branding?.color);
  });
});
