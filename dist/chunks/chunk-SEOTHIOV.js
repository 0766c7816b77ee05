import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);

// src/errors.ts
var AppError = class extends Error {
  hint;
  constructor(message, hint, options) {
    super(message, options);
    this.name = new.target.name;
    this.hint = hint;
  }
  /** The one line a user sees. */
  get line() {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
};
var ConfigError = class extends AppError {
};
var StravaAuthError = class extends AppError {
};
var StravaApiError = class extends AppError {
  status;
  constructor(message, hint, options) {
    super(message, hint, options);
    this.status = options?.status;
  }
};
var RateLimitError = class extends AppError {
  resumeAt;
  constructor(message, resumeAt, hint) {
    super(message, hint);
    this.resumeAt = resumeAt;
  }
};
var SchemaError = class extends AppError {
};
var StoreError = class extends AppError {
};
var DeltaConflictError = class extends AppError {
};
var DeltaProtocolError = class extends AppError {
};
var QualityError = class extends AppError {
};
var DatabricksError = class extends AppError {
};
var GitHubError = class extends AppError {
};
function errorLine(err) {
  if (err instanceof AppError) return err.line;
  if (err instanceof Error) return err.message;
  return String(err);
}

// src/strava/months.ts
var MONTH_RE = /^(\d{4})-(\d{2})$/;
var WIDEN_SECONDS = 14 * 3600;
function parseMonth(value, input = "--month", now = /* @__PURE__ */ new Date()) {
  const m = MONTH_RE.exec(value.trim());
  const fix = `Give a month as YYYY-MM, for example ${previousMonth(now)}.`;
  if (!m) throw new ConfigError(`${input} "${value}" is not a month in YYYY-MM form.`, fix);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  if (mon < 1 || mon > 12 || year < 2e3) {
    throw new ConfigError(`${input} "${value}" is not a real month.`, fix);
  }
  const month = value.trim();
  if (month > currentMonth(now)) {
    throw new ConfigError(`${input} "${value}" is in the future.`, fix);
  }
  return month;
}
function currentMonth(now = /* @__PURE__ */ new Date()) {
  return now.toISOString().slice(0, 7);
}
function previousMonth(now = /* @__PURE__ */ new Date()) {
  return addMonths(currentMonth(now), -1);
}
function addMonths(month, n) {
  const [y, m] = month.split("-").map(Number);
  const idx = y * 12 + (m - 1) + n;
  const yy = Math.floor(idx / 12);
  const mm = idx % 12 + 1;
  return `${String(yy).padStart(4, "0")}-${String(mm).padStart(2, "0")}`;
}
function monthRange(from, to) {
  const out = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}
function monthOf(startDateLocal) {
  return startDateLocal.slice(0, 7);
}
function monthStartUtc(month) {
  const [y, m] = month.split("-").map(Number);
  return Date.UTC(y, m - 1, 1) / 1e3;
}
function queryWindow(from, to = from) {
  return {
    // -1: an activity at 00:00:00 local in UTC+14 starts exactly on the widened edge, and
    // Strava's `after` may be exclusive.
    after: monthStartUtc(from) - WIDEN_SECONDS - 1,
    before: monthStartUtc(addMonths(to, 1)) + WIDEN_SECONDS
  };
}

export {
  AppError,
  ConfigError,
  StravaAuthError,
  StravaApiError,
  RateLimitError,
  SchemaError,
  StoreError,
  DeltaConflictError,
  DeltaProtocolError,
  QualityError,
  DatabricksError,
  GitHubError,
  errorLine,
  parseMonth,
  previousMonth,
  addMonths,
  monthRange,
  monthOf,
  queryWindow
};
