/** What a command prints, captured: progress lines (stderr) and the output stream (stdout). */
import { Writable } from 'node:stream';
import type { Progress } from '../../../src/progress.js';

export interface Captured {
  progress: Progress;
  /** Every line, warnings prefixed with "warning: " as on a terminal. */
  lines: string[];
  /** The first printed text matching `re`, as soon as it is printed. */
  waitFor(re: RegExp): Promise<string>;
}

export function captureProgress(): Captured {
  const lines: string[] = [];
  const waiting: { re: RegExp; resolve: (match: string) => void }[] = [];
  const add = (line: string) => {
    lines.push(line);
    for (const w of [...waiting]) {
      const m = w.re.exec(line);
      if (m) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(m[0]);
      }
    }
  };
  return {
    lines,
    progress: {
      info: add,
      warn: (m) => add(`warning: ${m}`),
      update: add,
      group: (name, fn) => {
        add(`== ${name}`);
        return fn();
      },
    },
    waitFor(re) {
      for (const line of lines) {
        const m = re.exec(line);
        if (m) return Promise.resolve(m[0]);
      }
      return new Promise((resolve) => waiting.push({ re, resolve }));
    },
  };
}

export function captureOutput(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}
