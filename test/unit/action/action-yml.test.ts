/**
 * action.yml and the workflows against the code: the inputs and outputs the action declares are
 * exactly those main.ts reads and sets, and the sample workflow passes only declared inputs.
 * js-yaml comes with eslint; it is loaded through require as it ships no types here.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WAREHOUSE } from '../../../src/config.js';
import { DEFAULT_REFRESH_TOKEN_SECRET, Inputs, Outputs, SECRET_INPUTS } from '../../../src/main.js';

const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface ActionYml {
  runs: { using: string; main: string };
  inputs: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description?: string }>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
}

const action = yaml.load(fs.readFileSync('action.yml', 'utf8')) as ActionYml;
const workflow = yaml.load(
  fs.readFileSync('.github/workflows/strava-lakehouse.yml', 'utf8'),
) as Workflow;

describe('action.yml', () => {
  it('runs dist/index.js on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('declares exactly the inputs main.ts reads, each described', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Inputs).sort());
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toBeTruthy();
    }
  });

  it('marks the Strava credentials required and gives every other input a default', () => {
    const required = Object.entries(action.inputs).filter(([, i]) => i.required);
    expect(required.map(([n]) => n).sort()).toEqual(
      [Inputs.StravaClientId, Inputs.StravaClientSecret, Inputs.StravaRefreshToken].sort(),
    );
    for (const [name, input] of Object.entries(action.inputs)) {
      if (!input.required) expect(input.default, name).toBeDefined();
    }
  });

  it('has the defaults the code falls back to', () => {
    expect(action.inputs[Inputs.Warehouse]!.default).toBe(DEFAULT_WAREHOUSE);
    // Empty Strava URLs leave the hosts to the run's date (src/strava/hosts.ts).
    for (const name of [Inputs.StravaApiUrl, Inputs.StravaApiBase, Inputs.StravaOAuthUrl]) {
      expect(action.inputs[name]!.default, name).toBe('');
    }
    expect(action.inputs[Inputs.RefreshTokenSecretName]!.default).toBe(
      DEFAULT_REFRESH_TOKEN_SECRET,
    );
    expect(action.inputs[Inputs.GitHubToken]!.default).toBe('${{ github.token }}');
    expect(action.inputs[Inputs.Engine]!.default).toBe('embedded');
  });

  it('gives no secret input a default other than the workflow token', () => {
    for (const name of SECRET_INPUTS) {
      if (name !== Inputs.GitHubToken) expect(action.inputs[name]!.default ?? '', name).toBe('');
    }
  });

  it('declares exactly the outputs main.ts sets, each described', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Outputs).sort());
    for (const [name, output] of Object.entries(action.outputs)) {
      expect(output.description, name).toBeTruthy();
    }
  });
});

describe('the sample workflow', () => {
  const step = Object.values(workflow.jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.uses === './')!;

  it('passes only inputs the action declares, and every required one', () => {
    const passed = Object.keys(step.with ?? {});
    for (const name of passed) expect(Object.keys(action.inputs), name).toContain(name);
    for (const [name, input] of Object.entries(action.inputs)) {
      if (input.required) expect(passed, name).toContain(name);
    }
  });

  it('runs monthly off the hour and on demand, with least privilege and no cancelling', () => {
    const [cron] = (workflow.on.schedule as { cron: string }[]).map((s) => s.cron);
    const [minute, , day] = cron!.split(' ');
    expect(Number(minute)).not.toBe(0);
    expect(Number(day)).toBeGreaterThanOrEqual(2); // the month is over in every time zone
    expect(Object.keys(workflow.on.workflow_dispatch as object)).toEqual(['inputs']);
    // contents: the checkout of this action; id-token: an AWS role through OIDC.
    expect(workflow.permissions).toEqual({
      contents: 'read',
      actions: 'read',
      'id-token': 'write',
    });
    expect(workflow.concurrency['cancel-in-progress']).toBe(false);
    expect(workflow.concurrency.group).toContain('inputs.month');
  });
});
