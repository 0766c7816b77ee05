/**
 * Strava's rate-limit bookkeeping, per application: a read budget and an overall budget, each
 * "15-minute,daily". Windows are multiples of `windowMs` since the epoch (for 15 minutes: :00,
 * :15, :30, :45 UTC); days end at midnight UTC. A request over a budget is refused with 429 and
 * still counts against the day.
 */
export type Pair = [number, number];

export interface UsageSnapshot {
  read: Pair;
  overall: Pair;
}

const DAY_MS = 86_400_000;

export class Usage {
  private window = -1;
  private day = -1;
  private read: Pair = [0, 0];
  private overall: Pair = [0, 0];

  constructor(
    private readonly limits: { read: Pair; overall: Pair },
    private readonly windowMs: number,
    private readonly now: () => Date,
  ) {}

  /** Counts one read request; false when it is over a budget (then it counted for the day only). */
  admit(): boolean {
    this.roll();
    const over = (used: Pair, limit: Pair) => used[0] >= limit[0] || used[1] >= limit[1];
    if (over(this.read, this.limits.read) || over(this.overall, this.limits.overall)) {
      this.read[1]++;
      this.overall[1]++;
      return false;
    }
    this.read = [this.read[0] + 1, this.read[1] + 1];
    this.overall = [this.overall[0] + 1, this.overall[1] + 1];
    return true;
  }

  snapshot(): UsageSnapshot {
    this.roll();
    return { read: [...this.read], overall: [...this.overall] };
  }

  /** The four headers every counted API response carries, formatted like Strava's. */
  headers(): Record<string, string> {
    const { read, overall } = this.snapshot();
    return {
      'x-ratelimit-limit': this.limits.overall.join(','),
      'x-ratelimit-usage': overall.join(','),
      'x-readratelimit-limit': this.limits.read.join(','),
      'x-readratelimit-usage': read.join(','),
    };
  }

  private roll(): void {
    const ms = this.now().getTime();
    const day = Math.floor(ms / DAY_MS);
    const window = Math.floor(ms / this.windowMs);
    if (day !== this.day) {
      this.day = day;
      this.read = [0, 0];
      this.overall = [0, 0];
    }
    if (window !== this.window) {
      this.window = window;
      this.read[0] = 0;
      this.overall[0] = 0;
    }
  }
}
