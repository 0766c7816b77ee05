/**
 * What the runner does to a step's `with:` before the action starts: each `${{ }}` expression is
 * evaluated against the contexts, and the result, as text, becomes INPUT_<NAME> (upper case,
 * hyphens kept), with action.yml's defaults for the inputs not given. Only the expression forms
 * the generated workflow uses are understood: context properties, literals and `||`.
 */
type Value = string | number | boolean | null;
export type Contexts = Record<string, Record<string, Value>>;

/** GitHub's falsy values: false, 0, '' and null. */
const truthy = (v: Value) => v !== false && v !== 0 && v !== '' && v !== null;

function operand(text: string, contexts: Contexts): Value {
  const quoted = /^'((?:[^']|'')*)'$/.exec(text);
  if (quoted) return quoted[1]!.replace(/''/g, "'");
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const ref = /^([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)$/.exec(text);
  if (!ref) throw new Error(`expression form not understood here: ${text}`);
  // A missing context property is null, as on GitHub.
  return contexts[ref[1]!]?.[ref[2]!] ?? null;
}

function evaluateExpression(body: string, contexts: Contexts): Value {
  const parts = body.split('||').map((p) => operand(p.trim(), contexts));
  return parts.find(truthy) ?? parts[parts.length - 1]!;
}

const text = (v: Value) => (v === null ? '' : String(v));

export function evaluate(value: unknown, contexts: Contexts): string {
  return String(value).replace(/\$\{\{(.*?)\}\}/g, (_, body: string) =>
    text(evaluateExpression(body, contexts)),
  );
}

/** The INPUT_* variables the runner would set for a step. */
export function inputEnv(
  given: Record<string, unknown>,
  declared: Record<string, { default?: string }>,
  contexts: Contexts,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, input] of Object.entries(declared)) {
    const value = name in given ? given[name] : input.default;
    if (value !== undefined) env[`INPUT_${name.toUpperCase()}`] = evaluate(value, contexts);
  }
  return env;
}
