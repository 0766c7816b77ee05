import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  ConfigError
} from "./chunk-06F01416.js";

// src/lakehouse/databricks/sql-text.ts
function segments(sql) {
  const out = [];
  let start = 0;
  let i = 0;
  const push = (code, end) => {
    if (end > start) out.push({ code, text: sql.slice(start, end) });
    start = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    let end = -1;
    if (c === "-" && next === "-") {
      const nl = sql.indexOf("\n", i);
      end = nl === -1 ? sql.length : nl;
    } else if (c === "/" && next === "*") {
      const close = sql.indexOf("*/", i + 2);
      end = close === -1 ? sql.length : close + 2;
    } else if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      while (j < sql.length && sql[j] !== c) j += c !== "`" && sql[j] === "\\" ? 2 : 1;
      end = Math.min(j + 1, sql.length);
    }
    if (end === -1) {
      i++;
      continue;
    }
    push(true, i);
    push(false, end);
    i = end;
  }
  push(true, sql.length);
  return out;
}
var MARKER = /(?<![:\w]):([A-Za-z_]\w*)/g;
var PLACEHOLDER = /\$\{(\w+)\}/g;
function parameterNames(sql) {
  const names = /* @__PURE__ */ new Set();
  for (const s of segments(sql)) {
    if (s.code) for (const m of s.text.matchAll(MARKER)) names.add(m[1]);
  }
  return [...names];
}
function placeholderNames(sql) {
  const names = /* @__PURE__ */ new Set();
  for (const s of segments(sql)) {
    if (s.code) for (const m of s.text.matchAll(PLACEHOLDER)) names.add(m[1]);
  }
  return [...names];
}
function fillPlaceholders(sql, values) {
  return segments(sql).map(
    (s) => s.code ? s.text.replace(PLACEHOLDER, (_all, name) => {
      const v = values[name];
      if (v === void 0) throw new Error(`No value for the SQL placeholder \${${name}}.`);
      if (/[\r\n]/.test(v)) throw new Error(`The value for \${${name}} spans lines.`);
      return v;
    }) : s.text
  ).join("");
}
function firstCodeLine(sql) {
  let offset = 0;
  for (const s of segments(sql)) {
    const at = s.code ? s.text.search(/\S/) : -1;
    if (at !== -1) return sql.slice(0, offset + at).split("\n").length;
    offset += s.text.length;
  }
  return 1;
}
var SAFE_LOCATION = /^[A-Za-z0-9_./:=+-]+$/;
function isSqlSafeLocation(location) {
  return SAFE_LOCATION.test(location);
}
function locationLiteral(location) {
  if (!isSqlSafeLocation(location)) {
    throw new ConfigError(
      `The warehouse location "${location}" has characters that cannot go into a Databricks SQL statement.`,
      "Use only letters, digits and / . _ - = + : in the warehouse path."
    );
  }
  return `'${location}'`;
}
var MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
function monthLiteral(month) {
  if (!MONTH.test(month)) throw new Error(`"${month}" is not a month (YYYY-MM).`);
  return `'${month}'`;
}
var RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
function runIdLiteral(runId) {
  if (!RUN_ID.test(runId)) {
    throw new Error(`The run id "${runId}" has characters that cannot go into a SQL literal.`);
  }
  return `'${runId}'`;
}
var NAME = /^[A-Za-z0-9_-]{1,255}$/;
function quotedIdentifier(name) {
  if (!NAME.test(name)) {
    throw new ConfigError(
      `The Databricks name "${name}" has characters that cannot go into a SQL identifier.`,
      "Use only letters, digits, underscores and hyphens in the catalog and schema names."
    );
  }
  return `\`${name}\``;
}

export {
  parameterNames,
  placeholderNames,
  fillPlaceholders,
  firstCodeLine,
  isSqlSafeLocation,
  locationLiteral,
  monthLiteral,
  runIdLiteral,
  quotedIdentifier
};
