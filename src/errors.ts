/**
 * Errors are values a user can act on. Every family has its own class; `message` says what
 * went wrong and names the input or the remote call, `hint` says what to do. The doors (CLI,
 * action) print `message` and `hint` on one line and exit non-zero.
 */
export class AppError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(redactUrlCredentials(message), options);
    this.name = new.target.name;
    this.hint = hint === undefined ? undefined : redactUrlCredentials(hint);
  }

  /** The one line a user sees. */
  get line(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

/** Bad input: a flag, an action input, an environment variable. Names the input and the fix. */
export class ConfigError extends AppError {}

/** The OAuth exchange with Strava failed for a reason retrying will not fix. */
export class StravaAuthError extends AppError {}

/** A Strava API call failed permanently (4xx other than rate limits, or retries exhausted). */
export class StravaApiError extends AppError {
  readonly status: number | undefined;
  constructor(message: string, hint?: string, options?: { cause?: unknown; status?: number }) {
    super(message, hint, options);
    this.status = options?.status;
  }
}

/** Strava's daily budget is spent: stop cleanly, say when to resume. */
export class RateLimitError extends AppError {
  readonly resumeAt: Date;
  constructor(message: string, resumeAt: Date, hint?: string) {
    super(message, hint);
    this.resumeAt = resumeAt;
  }
}

/**
 * The run's `--max-requests` cap would be crossed by the next request: nothing more is sent.
 * A RateLimitError, so the run stops early as it does on a spent daily budget, keeping what it
 * fetched; it may resume at once (`resumeAt` is when the cap was reached).
 */
export class RequestCapError extends RateLimitError {
  readonly cap: number;
  constructor(cap: number, call: string, resumeAt: Date) {
    super(
      `${call} was not sent: the run has made its ${cap} Strava request${cap === 1 ? '' : 's'} allowed by --max-requests (max-requests).`,
      resumeAt,
      'What was fetched is kept; run again (or raise --max-requests) to continue.',
    );
    this.cap = cap;
  }
}

/** A record from Strava does not match the activity schema. */
export class SchemaError extends AppError {}

/** An object-store call (folder or S3) failed. Names the call and the key. */
export class StoreError extends AppError {}

/** Someone else committed the Delta version we wanted, and retries ran out. */
export class DeltaConflictError extends AppError {}

/** The table uses a protocol or feature this writer must not touch. */
export class DeltaProtocolError extends AppError {}

/** A table whose engine property names another engine: `writer` is that engine. */
export class OtherEngineError extends DeltaProtocolError {
  constructor(
    message: string,
    hint: string,
    readonly writer: string,
  ) {
    super(message, hint);
  }
}

/** Data broke a quality rule that would corrupt a table. */
export class QualityError extends AppError {}

/** A Databricks SQL statement or connection failed. */
export class DatabricksError extends AppError {}

/**
 * Strava's account export (the .zip or its unpacked folder) cannot be read as one: not an
 * export, a damaged zip or entry, a refused zip bomb, an activities.csv layout not known.
 */
export class ArchiveError extends AppError {}

/** A GitHub API call (artifacts, secrets) failed. */
export class GitHubError extends AppError {}

export function errorLine(err: unknown): string {
  if (err instanceof AppError) return err.line;
  return redactUrlCredentials(err instanceof Error ? err.message : String(err));
}

/** `scheme://user:password@host` becomes `scheme://***@host`: a URL's credentials never reach a message. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, '$1***@');
}
