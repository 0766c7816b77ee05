/** Medians, the machine's load, and child processes timed from spawn to exit. */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MAX_RSS_PRELOAD } from './paths.js';

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The 1-minute load average: other work on the machine shows up in every figure. */
export const load = (): number => Math.round(os.loadavg()[0]! * 100) / 100;

export const round = (x: number, digits = 0): number => Number(x.toFixed(digits));

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  /** Peak resident set size in MB, when asked for. */
  maxRssMb?: number;
  stdout: string;
  stderr: string;
  /** Each `== name` progress line on stderr and when it arrived (ms from spawn). */
  groups: { name: string; atMs: number }[];
}

/**
 * Runs `node ...args` and times it from spawn to exit. With `maxRss`, a preload reports the
 * child's own peak RSS (process.resourceUsage().maxRSS) as it exits.
 */
export async function runNode(
  args: readonly string[],
  opts: { env: NodeJS.ProcessEnv; maxRss?: boolean },
): Promise<ChildResult> {
  const rssDir = opts.maxRss ? await fs.mkdtemp(path.join(os.tmpdir(), 'sl-bench-rss-')) : '';
  const rssFile = path.join(rssDir, 'max-rss');
  const nodeArgs = opts.maxRss ? ['--import', MAX_RSS_PRELOAD] : [];
  const env = opts.maxRss ? { ...opts.env, BENCH_MAX_RSS_FILE: rssFile } : opts.env;
  const start = performance.now();
  const result = await new Promise<Omit<ChildResult, 'maxRssMb'>>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...args], { env });
    let stdout = '';
    let stderr = '';
    const groups: { name: string; atMs: number }[] = [];
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      const atMs = performance.now() - start;
      const text = c.toString();
      for (const m of text.matchAll(/^== (.+)$/gm)) groups.push({ name: m[1]!, atMs });
      stderr += text;
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, ms: performance.now() - start, stdout, stderr, groups }),
    );
  });
  if (!opts.maxRss) return result;
  const kb = Number(await fs.readFile(rssFile, 'utf8').catch(() => NaN));
  await fs.rm(rssDir, { recursive: true, force: true });
  return { ...result, maxRssMb: round(kb / 1024) };
}

/** The end of a failed child's stderr, for an error message. */
export const tail = (text: string): string => text.trim().split('\n').slice(-5).join('\n');
