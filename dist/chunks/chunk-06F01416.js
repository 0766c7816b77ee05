import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);

// src/errors.ts
var AppError = class extends Error {
  hint;
  constructor(message, hint, options) {
    super(redactUrlCredentials(message), options);
    this.name = new.target.name;
    this.hint = hint === void 0 ? void 0 : redactUrlCredentials(hint);
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
var RequestCapError = class extends RateLimitError {
  cap;
  constructor(cap, call, resumeAt) {
    super(
      `${call} was not sent: the run has made its ${cap} Strava request${cap === 1 ? "" : "s"} allowed by --max-requests (max-requests).`,
      resumeAt,
      "What was fetched is kept; run again (or raise --max-requests) to continue."
    );
    this.cap = cap;
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
var OtherEngineError = class extends DeltaProtocolError {
  constructor(message, hint, writer) {
    super(message, hint);
    this.writer = writer;
  }
  writer;
};
var QualityError = class extends AppError {
};
var DatabricksError = class extends AppError {
};
var ArchiveError = class extends AppError {
};
var GitHubError = class extends AppError {
};
function errorLine(err) {
  if (err instanceof AppError) return err.line;
  return redactUrlCredentials(err instanceof Error ? err.message : String(err));
}
function redactUrlCredentials(text) {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, "$1***@");
}

export {
  AppError,
  ConfigError,
  StravaAuthError,
  StravaApiError,
  RateLimitError,
  RequestCapError,
  SchemaError,
  StoreError,
  DeltaConflictError,
  DeltaProtocolError,
  OtherEngineError,
  QualityError,
  DatabricksError,
  ArchiveError,
  GitHubError,
  errorLine
};
