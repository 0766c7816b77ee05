import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  ConfigError
} from "./chunk-06F01416.js";

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
  parseMonth,
  previousMonth,
  addMonths,
  monthRange,
  monthOf,
  queryWindow
};
