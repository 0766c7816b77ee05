/**
 * Pacing against Strava's rate limits. Strava sends no Retry-After; every API response carries
 * `X-RateLimit-Limit/Usage` (overall) and `X-ReadRateLimit-Limit/Usage` (reads), each
 * "15-minute,daily", e.g. "100,1000" and "70,303". The 15-minute windows reset at :00, :15, :30
 * and :45 UTC (multiples of 15 minutes since the epoch) and the daily one at midnight UTC.
 * Before each request the pacer checks the last usage it saw: a spent 15-minute budget means
 * waiting for the next window (with a countdown); a spent daily budget ends the sweep with a
 * RateLimitError that says when to resume.
 */
import { RateLimitError } from '../errors.js';
import type { Progress } from '../progress.js';

export const FIFTEEN_MINUTES_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
const COUNTDOWN_TICK_MS = 30_000;

/** Limits and usage as "15-minute,daily" pairs. */
export interface Budget {
  limit: [number, number];
  usage: [number, number];
}

/** Parses one limit/usage header pair; undefined if either is missing or malformed. */
export function parseBudget(limit: string | null, usage: string | null): Budget | undefined {
  const l = parsePair(limit);
  const u = parsePair(usage);
  return l && u ? { limit: l, usage: u } : undefined;
}

function parsePair(value: string | null): [number, number] | undefined {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(value ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The read and overall budgets a response reports (either may be absent). */
function budgetsOf(headers: Headers): { name: string; budget: Budget }[] {
  const out: { name: string; budget: Budget }[] = [];
  const read = parseBudget(
    headers.get('x-readratelimit-limit'),
    headers.get('x-readratelimit-usage'),
  );
  if (read) out.push({ name: 'read', budget: read });
  const overall = parseBudget(headers.get('x-ratelimit-limit'), headers.get('x-ratelimit-usage'));
  if (overall) out.push({ name: 'overall', budget: overall });
  return out;
}

/** Start of the window after the one holding `ms`. */
export function nextWindowStart(ms: number, windowMs = FIFTEEN_MINUTES_MS): number {
  return (Math.floor(ms / windowMs) + 1) * windowMs;
}

export function nextUtcMidnight(ms: number): number {
  return nextWindowStart(ms, DAY_MS);
}

export interface PacerOptions {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  progress: Progress;
  /** Strava's 15 minutes; a simulator with a shorter window is paced by passing the same. */
  windowMs?: number;
}

export class RatePacer {
  private readonly windowMs: number;
  private budgets: { name: string; budget: Budget }[] = [];
  private seenAt = 0;
  /** The daily read limit last reported. */
  private readLimit: number | undefined;

  constructor(private readonly opts: PacerOptions) {
    this.windowMs = opts.windowMs ?? FIFTEEN_MINUTES_MS;
  }

  /** Records the usage a response reports, as of now. */
  observe(headers: Headers): void {
    const seen = budgetsOf(headers);
    if (seen.length === 0) return;
    this.budgets = seen;
    this.seenAt = this.nowMs();
    const read = seen.find((b) => b.name === 'read');
    if (read) this.readLimit = read.budget.limit[1];
  }

  /**
   * Waits until one more request fits the 15-minute budgets, or throws RateLimitError when a
   * daily budget is spent. Then counts the request, so failures that bring no headers (a
   * timeout) still count until Strava's next numbers replace the estimate.
   */
  async beforeRequest(): Promise<void> {
    this.throwIfDaySpent();
    const full = this.current().find((b) => b.budget.usage[0] + 1 > b.budget.limit[0]);
    if (full) await this.waitForNextWindow(full.name, full.budget);
    for (const { budget } of this.current()) {
      budget.usage = [budget.usage[0] + 1, budget.usage[1] + 1];
    }
  }

  /**
   * The daily read budget left by the last headers seen (limit - usage, this client's requests
   * since then counted), the full limit once the day has turned; undefined before any response.
   */
  remainingToday(): number | undefined {
    if (!this.readLimit) return undefined;
    const read = this.current().find((b) => b.name === 'read');
    if (!read) return this.readLimit;
    return Math.max(0, read.budget.limit[1] - read.budget.usage[1]);
  }

  /** True when the next request would first have to wait for a new 15-minute window. */
  wouldWait(): boolean {
    return this.current().some((b) => b.budget.usage[0] + 1 > b.budget.limit[0]);
  }

  /** True when the daily budget is spent: the next request would throw RateLimitError. */
  daySpent(): boolean {
    return this.current().some((b) => b.budget.usage[1] >= b.budget.limit[1]);
  }

  /** A 429: the 15-minute budget is spent (and the request counted against the day). */
  async afterTooManyRequests(headers: Headers): Promise<void> {
    this.observe(headers);
    this.throwIfDaySpent();
    const shown = this.current()[0];
    await this.waitForNextWindow(shown?.name ?? 'read', shown?.budget);
  }

  /** Budgets still meaningful now: 15-minute usage from an earlier window has reset. */
  private current(): { name: string; budget: Budget }[] {
    const now = this.nowMs();
    if (this.budgets.length === 0) return [];
    if (Math.floor(now / DAY_MS) !== Math.floor(this.seenAt / DAY_MS)) {
      this.budgets = [];
      return [];
    }
    if (Math.floor(now / this.windowMs) !== Math.floor(this.seenAt / this.windowMs)) {
      for (const b of this.budgets) b.budget.usage = [0, b.budget.usage[1]];
      this.seenAt = now;
    }
    return this.budgets;
  }

  private throwIfDaySpent(): void {
    const spent = this.current().find((b) => b.budget.usage[1] >= b.budget.limit[1]);
    if (!spent) return;
    const resumeAt = new Date(nextUtcMidnight(this.nowMs()));
    const [, used] = spent.budget.usage;
    const [, limit] = spent.budget.limit;
    throw new RateLimitError(
      `Strava's daily ${spent.name} budget is spent (${used} of ${limit} requests today); it resets at ${resumeAt.toISOString()} (midnight UTC).`,
      resumeAt,
      'Re-run after that time; what was fetched before the stop is kept.',
    );
  }

  private async waitForNextWindow(name: string, budget: Budget | undefined): Promise<void> {
    // A little past the boundary: room for the difference between our clock and Strava's.
    const target = nextWindowStart(this.nowMs(), this.windowMs) + this.windowMs / 450;
    const used = budget ? `${budget.usage[0]} of ${budget.limit[0]} ` : '';
    for (let left = target - this.nowMs(); left > 0; left = target - this.nowMs()) {
      this.opts.progress.update(
        `Strava ${name} rate limit: ${used}requests used in this window; resuming in ${clock(left)}`,
      );
      await this.opts.sleep(Math.min(left, COUNTDOWN_TICK_MS));
    }
  }

  private nowMs(): number {
    return this.opts.now().getTime();
  }
}

function clock(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
