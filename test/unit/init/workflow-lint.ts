/**
 * An offline structural lint of a GitHub Actions workflow, for the unit suite (Node only): the
 * keys GitHub accepts where they stand, cron fields in range, dispatch inputs typed, permission
 * scopes and levels, one of `uses`/`run` per step, action references, and every `${{ }}`
 * expression naming only contexts available where it stands (docs.github.com, "Workflow syntax"
 * and "Contexts": context availability), dispatch inputs that exist and earlier step ids.
 * actionlint (.ci/run, the lint-actions job) is the full check; this one runs with `npm test`.
 * js-yaml comes with eslint; it is loaded through require as it ships no types here.
 */
import { createRequire } from 'node:module';

const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const WORKFLOW_KEYS = [
  'name',
  'run-name',
  'on',
  'permissions',
  'env',
  'defaults',
  'concurrency',
  'jobs',
];
const JOB_KEYS = [
  'name',
  'needs',
  'permissions',
  'runs-on',
  'environment',
  'concurrency',
  'outputs',
  'env',
  'defaults',
  'if',
  'steps',
  'timeout-minutes',
  'strategy',
  'continue-on-error',
  'container',
  'services',
];
const STEP_KEYS = [
  'id',
  'if',
  'name',
  'uses',
  'run',
  'shell',
  'with',
  'env',
  'continue-on-error',
  'timeout-minutes',
  'working-directory',
];
const PERMISSION_SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
];
const INPUT_TYPES = ['string', 'boolean', 'choice', 'number', 'environment'];
/** Contexts each place may use. */
const CONCURRENCY_CONTEXTS = ['github', 'inputs', 'vars'];
const STEP_CONTEXTS = [
  'github',
  'needs',
  'strategy',
  'matrix',
  'job',
  'runner',
  'env',
  'vars',
  'secrets',
  'steps',
  'inputs',
];
const CRON_RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];
const ACTION_REF = /^([A-Za-z0-9-]+\/[A-Za-z0-9_.-]+(\/[^@\s]+)?@[^\s@]+|\.\/\S*|docker:\/\/\S+)$/;

export function parseWorkflow(text: string): Obj {
  const doc = yaml.load(text);
  if (!isObj(doc)) throw new Error('the workflow is not a mapping');
  return doc;
}

/** The problems found, as lines; empty when the workflow is sound. */
export function lintWorkflow(text: string): string[] {
  const problems: string[] = [];
  let wf: Obj;
  try {
    wf = parseWorkflow(text);
  } catch (err) {
    return [`YAML: ${(err as Error).message}`];
  }
  const unknownKeys = (where: string, obj: Obj, allowed: string[]) => {
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) problems.push(`${where}: unknown key "${k}"`);
    }
  };
  unknownKeys('workflow', wf, WORKFLOW_KEYS);

  const on = wf.on;
  const inputs = new Set<string>();
  if (!isObj(on)) problems.push('on: must be a mapping of events');
  else {
    for (const [i, entry] of ((on.schedule as unknown[]) ?? []).entries()) {
      const cron = isObj(entry) ? entry.cron : undefined;
      if (typeof cron !== 'string') {
        problems.push(`on.schedule[${i}]: no cron`);
        continue;
      }
      const fields = cron.trim().split(/\s+/);
      if (fields.length !== 5) problems.push(`on.schedule[${i}]: "${cron}" needs 5 fields`);
      fields.forEach((f, j) => {
        const range = CRON_RANGES[j];
        if (!range || f === '*') return;
        // A number or a range of numbers (`3-9`), each within the field's range.
        const parts = /^\d+-\d+$/.test(f) ? f.split('-').map(Number) : [Number(f)];
        const inRange = (n: number) => Number.isInteger(n) && n >= range[0] && n <= range[1];
        if (!parts.every(inRange) || (parts.length === 2 && parts[0]! > parts[1]!)) {
          problems.push(`on.schedule[${i}]: field ${j + 1} "${f}" is out of range`);
        }
      });
    }
    const dispatch = on.workflow_dispatch;
    if (isObj(dispatch) && isObj(dispatch.inputs)) {
      for (const [name, spec] of Object.entries(dispatch.inputs)) {
        inputs.add(name);
        if (!isObj(spec)) {
          problems.push(`workflow_dispatch input ${name}: not a mapping`);
          continue;
        }
        unknownKeys(`workflow_dispatch input ${name}`, spec, [
          'description',
          'required',
          'type',
          'default',
          'options',
        ]);
        if (!INPUT_TYPES.includes(spec.type as string)) {
          problems.push(`workflow_dispatch input ${name}: type "${String(spec.type)}"`);
        }
        if (spec.type === 'boolean' && 'default' in spec && typeof spec.default !== 'boolean') {
          problems.push(`workflow_dispatch input ${name}: a boolean's default must be a boolean`);
        }
      }
    }
  }

  const checkPermissions = (where: string, perms: unknown) => {
    if (perms === undefined || perms === 'read-all' || perms === 'write-all') return;
    if (!isObj(perms)) return problems.push(`${where}: permissions must be a mapping`);
    for (const [scope, level] of Object.entries(perms)) {
      if (!PERMISSION_SCOPES.includes(scope)) problems.push(`${where}: unknown scope "${scope}"`);
      const levels = scope === 'id-token' ? ['write', 'none'] : ['read', 'write', 'none'];
      if (!levels.includes(level as string)) {
        problems.push(`${where}: ${scope} cannot be "${String(level)}"`);
      }
    }
  };
  checkPermissions('permissions', wf.permissions);

  const checkExpressions = (where: string, value: unknown, contexts: string[], steps: string[]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
    for (const [, body] of text.matchAll(/\$\{\{(.*?)\}\}/g)) {
      const code = body!.replace(/'(?:[^']|'')*'/g, "''");
      for (const [ref] of code.matchAll(/[A-Za-z_][\w-]*(?:\.[A-Za-z_*][\w-]*)*/g)) {
        const [head, name] = ref.split('.');
        if (['true', 'false', 'null'].includes(ref)) continue;
        if (!contexts.includes(head!)) {
          problems.push(`${where}: context "${head}" is not available here (${ref})`);
        } else if (head === 'inputs' && !inputs.has(name!)) {
          problems.push(`${where}: ${ref} is not a declared input`);
        } else if (head === 'steps' && !steps.includes(name!)) {
          problems.push(`${where}: ${ref} is not an earlier step`);
        } else if (head === 'secrets' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name ?? '')) {
          problems.push(`${where}: ${ref} is not a valid secret name`);
        }
      }
    }
  };
  if (wf.concurrency !== undefined) {
    if (!isObj(wf.concurrency) || typeof wf.concurrency.group !== 'string') {
      problems.push('concurrency: needs a group');
    } else {
      unknownKeys('concurrency', wf.concurrency, ['group', 'cancel-in-progress']);
      checkExpressions('concurrency', wf.concurrency.group, CONCURRENCY_CONTEXTS, []);
      const cancel = wf.concurrency['cancel-in-progress'];
      if (cancel !== undefined && typeof cancel !== 'boolean') {
        problems.push('concurrency: cancel-in-progress must be a boolean');
      }
    }
  }

  if (!isObj(wf.jobs) || !Object.keys(wf.jobs).length) problems.push('jobs: none');
  for (const [id, job] of Object.entries(isObj(wf.jobs) ? wf.jobs : {})) {
    const where = `jobs.${id}`;
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(id)) problems.push(`${where}: bad job id`);
    if (!isObj(job)) {
      problems.push(`${where}: not a mapping`);
      continue;
    }
    unknownKeys(where, job, JOB_KEYS);
    checkPermissions(`${where}.permissions`, job.permissions);
    if (!job['runs-on']) problems.push(`${where}: no runs-on`);
    if (job['timeout-minutes'] !== undefined && typeof job['timeout-minutes'] !== 'number') {
      problems.push(`${where}: timeout-minutes must be a number`);
    }
    const steps = Array.isArray(job.steps) ? job.steps : [];
    if (!steps.length) problems.push(`${where}: no steps`);
    const ids: string[] = [];
    for (const [i, step] of steps.entries()) {
      const at = `${where}.steps[${i}]`;
      if (!isObj(step)) {
        problems.push(`${at}: not a mapping`);
        continue;
      }
      unknownKeys(at, step, STEP_KEYS);
      if ('uses' in step === 'run' in step) problems.push(`${at}: needs exactly one of uses, run`);
      if ('uses' in step && !ACTION_REF.test(String(step.uses))) {
        problems.push(`${at}: "${String(step.uses)}" is not an action reference`);
      }
      if ('with' in step && !('uses' in step)) problems.push(`${at}: with without uses`);
      if (step.with !== undefined) {
        if (!isObj(step.with)) problems.push(`${at}: with must be a mapping`);
        for (const [k, v] of Object.entries(isObj(step.with) ? step.with : {})) {
          if (isObj(v) || Array.isArray(v)) problems.push(`${at}.with.${k}: must be a scalar`);
          checkExpressions(`${at}.with.${k}`, v, STEP_CONTEXTS, ids);
        }
      }
      for (const key of ['if', 'env', 'run'] as const) {
        if (step[key] !== undefined)
          checkExpressions(`${at}.${key}`, step[key], STEP_CONTEXTS, ids);
      }
      if (typeof step.id === 'string') {
        if (ids.includes(step.id)) problems.push(`${at}: duplicate id "${step.id}"`);
        ids.push(step.id);
      }
    }
  }
  return problems;
}
