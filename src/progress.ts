/**
 * Progress on stderr (the CLI) or the action log (core.info). Long work reports pages fetched,
 * months written and rate-limit countdowns through this, never through console.log, so that
 * `--json` keeps stdout for the run record alone.
 */
export interface Progress {
  /** A plain line. */
  info(message: string): void;
  /** A warning worth a user's attention (the action shows it as an annotation). */
  warn(message: string): void;
  /** A line that replaces the previous `update` on a terminal; a plain line elsewhere. */
  update(message: string): void;
  /** Groups the lines of one stage (the action folds them). */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** A secret just learned (a token from Strava): the action masks it in the log from now on. */
  mask?(secret: string): void;
}

/** Discards everything: for tests and library use. */
export const silentProgress: Progress = {
  info: () => {},
  warn: () => {},
  update: () => {},
  group: (_name, fn) => fn(),
};

/** Lines on a stream; on a TTY, `update` rewrites the current line. */
export function streamProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const live = Boolean(stream.isTTY) && !process.env.CI;
  let pending = false;
  const endLive = () => {
    if (pending) stream.write('\n');
    pending = false;
  };
  return {
    info(message) {
      endLive();
      stream.write(`${message}\n`);
    },
    warn(message) {
      endLive();
      stream.write(`warning: ${message}\n`);
    },
    update(message) {
      if (live) {
        stream.write(`\r\x1b[2K${message}`);
        pending = true;
      } else {
        stream.write(`${message}\n`);
      }
    },
    async group(name, fn) {
      endLive();
      stream.write(`== ${name}\n`);
      try {
        return await fn();
      } finally {
        endLive();
      }
    },
  };
}
