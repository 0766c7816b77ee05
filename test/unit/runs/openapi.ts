/**
 * GitHub's published OpenAPI 3.0 description (from @octokit/openapi) and a checker for the parts
 * of its schemas the fake's bodies use: $ref, type with nullable, required, properties,
 * additionalProperties: false, items, enum, pattern and the combinators.
 */
import { createRequire } from 'node:module';

export type Schema = Record<string, unknown>;

interface Operation {
  parameters?: Schema[];
  responses: Record<string, Schema>;
  requestBody?: Schema;
}

export interface Spec {
  paths: Record<string, Record<string, Operation>>;
}

export function loadGitHubSpec(): Spec {
  return createRequire(import.meta.url)('@octokit/openapi/generated/api.github.com.json') as Spec;
}

export function resolve(spec: Spec, node: Schema): Schema {
  let n = node;
  while (typeof n.$ref === 'string') {
    n = n.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], spec) as Schema;
  }
  return n;
}

/** The declared names of an operation's query parameters. */
export function queryParameters(spec: Spec, op: Operation): string[] {
  return (op.parameters ?? [])
    .map((p) => resolve(spec, p))
    .filter((p) => p.in === 'query')
    .map((p) => p.name as string);
}

/** The JSON schema of a response, or undefined when the spec gives it no JSON body. */
export function responseSchema(spec: Spec, op: Operation, status: number): Schema | undefined {
  const response = op.responses[String(status)];
  if (!response) throw new Error(`status ${status} is not a documented response`);
  const content = resolve(spec, response).content as Record<string, { schema: Schema }> | undefined;
  return content?.['application/json']?.schema;
}

export function requestSchema(spec: Spec, op: Operation): Schema {
  const body = resolve(spec, op.requestBody ?? {});
  return (body.content as Record<string, { schema: Schema }>)['application/json']!.schema;
}

/** Every way `value` breaks `schema`, as `path: problem` lines; empty when it conforms. */
export function violations(spec: Spec, schema: Schema, value: unknown, at = '$'): string[] {
  const s = resolve(spec, schema);
  if (value === null) return s.nullable === true ? [] : [`${at}: null is not allowed`];
  for (const [key, some] of [
    ['anyOf', true],
    ['oneOf', true],
    ['allOf', false],
  ] as const) {
    const alternatives = s[key] as Schema[] | undefined;
    if (!alternatives) continue;
    const results = alternatives.map((alt) => violations(spec, alt, value, at));
    const ok = some ? results.some((r) => !r.length) : results.every((r) => !r.length);
    if (!ok) return [`${at}: does not match ${key}`, ...results.flat()];
  }
  const out: string[] = [];
  if (typeof s.type === 'string' && !hasType(value, s.type)) {
    return [`${at}: ${JSON.stringify(value)} is not of type ${s.type}`];
  }
  if (Array.isArray(s.enum) && !s.enum.includes(value)) out.push(`${at}: not one of ${s.enum}`);
  if (
    typeof s.pattern === 'string' &&
    typeof value === 'string' &&
    !new RegExp(s.pattern).test(value)
  ) {
    out.push(`${at}: does not match ${s.pattern}`);
  }
  if (Array.isArray(value) && s.items) {
    value.forEach((v, i) => out.push(...violations(spec, s.items as Schema, v, `${at}[${i}]`)));
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const r of (s.required ?? []) as string[]) {
      if (!(r in obj)) out.push(`${at}.${r}: required but missing`);
    }
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) out.push(...violations(spec, props[k], v, `${at}.${k}`));
      else if (s.additionalProperties === false) out.push(`${at}.${k}: not allowed`);
    }
  }
  return out;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return typeof value === type;
  }
}
