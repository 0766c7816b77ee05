/**
 * One HTTP exchange with Strava, retried while the failure is transient: a network error, a
 * timeout (the whole exchange, body included, runs under AbortSignal.timeout), a 5xx, or a
 * success whose body is not JSON (a cut-off response). Waits grow exponentially with full jitter
 * so that many clients failing together do not retry together. Everything else (4xx, 429) is
 * returned for the caller to judge.
 */
import { AppError, StravaApiError } from '../errors.js';

export interface StravaResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body; null when an error response carried none or not JSON. */
  body: unknown;
}

export interface RetryOptions {
  /** Retries after the first try. */
  maxRetries: number;
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  /** Runs before every try (the rate-limit pacer waits here). */
  beforeAttempt?: () => Promise<void>;
  /** Sees the headers of every response, failed ones included (rate-limit usage). */
  onResponse?: (headers: Headers) => void;
  onRetry?: (reason: string, delayMs: number) => void;
}

export const DEFAULT_MAX_RETRIES = 4;
export const DEFAULT_TIMEOUT_MS = 30_000;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

/** Full jitter: a uniform wait between 0 and min(cap, base * 2^retry). */
export function backoffDelay(retry: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** retry));
}

/**
 * Sends `send` until it gives a response that is not transiently broken. `call` names the
 * request in errors, e.g. `GET /api/v3/athlete/activities page 3`.
 */
export async function sendWithRetry(
  call: string,
  send: (signal: AbortSignal) => Promise<Response>,
  opts: RetryOptions,
): Promise<StravaResponse> {
  let reason = '';
  let lastStatus: number | undefined;
  for (let attempt = 0; attempt <= opts.maxRetries; attempt++) {
    if (attempt > 0) {
      const delay = backoffDelay(attempt - 1, opts.random);
      opts.onRetry?.(reason, delay);
      await opts.sleep(delay);
    }
    await opts.beforeAttempt?.();
    const signal = AbortSignal.timeout(opts.timeoutMs);
    try {
      const res = await send(signal);
      opts.onResponse?.(res.headers);
      const text = await res.text();
      lastStatus = res.status;
      if (res.status >= 500) {
        reason = `Strava answered ${res.status}`;
        continue;
      }
      const body = parseJson(text);
      if (body === undefined && res.ok) {
        reason = 'the response was not complete JSON';
        continue;
      }
      return { status: res.status, headers: res.headers, body: body ?? null };
    } catch (err) {
      // A refusal of ours (a redirect off the origin) is final, not network trouble.
      if (err instanceof AppError) throw err;
      reason = describeFailure(err, opts.timeoutMs);
    }
  }
  const tries = opts.maxRetries + 1;
  throw new StravaApiError(
    `${call} failed ${tries} time${tries === 1 ? '' : 's'}; last: ${reason}.`,
    'Strava or the network is having trouble (see https://status.strava.com); re-run later.',
    { status: lastStatus },
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      return `no complete answer within ${timeoutMs / 1000} s`;
    }
    const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
    const detail = cause?.code ?? cause?.message;
    return detail ? `${err.message} (${String(detail)})` : err.message;
  }
  return String(err);
}
