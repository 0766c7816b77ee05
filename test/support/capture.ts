/**
 * What the CLI writes, captured for the tests of a file: stdout and stderr go to two arrays
 * (emptied before each test) instead of the terminal; the spies are restored after each test.
 * Call once at the top of a file or a describe block.
 */
import { afterEach, beforeEach, vi } from 'vitest';

export function captureCli(): { stdout: string[]; stderr: string[] } {
  const out = { stdout: [] as string[], stderr: [] as string[] };
  const into = (lines: string[]) => (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  beforeEach(() => {
    out.stdout.length = 0;
    out.stderr.length = 0;
    vi.spyOn(process.stdout, 'write').mockImplementation(into(out.stdout));
    vi.spyOn(process.stderr, 'write').mockImplementation(into(out.stderr));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return out;
}
