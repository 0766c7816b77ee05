/**
 * A leak scan: everything a test produced (stdout, stderr, action logs, summaries, run records,
 * artifacts, token-free files, every object of a warehouse, and the decoded rows of every
 * Parquet file in it, since compressed pages would hide a token from a byte search) is collected
 * as text, and checked at the end against every secret the test handed out or was handed: the
 * client secret and every refresh and access token Strava issued.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ObjectStore } from '../../src/landing/store.js';
import { readParquet } from '../../src/lakehouse/delta/parquet.js';

export class LeakScan {
  private readonly secrets = new Set<string>();
  private readonly sources: { where: string; text: string }[] = [];

  /** Values that must appear nowhere. */
  secret(...values: (string | undefined)[]): void {
    for (const v of values) if (v) this.secrets.add(v);
  }

  text(where: string, text: string): void {
    this.sources.push({ where, text });
  }

  /**
   * An action's stdout: `::add-mask::<value>` is how a step tells the runner what to hide, so
   * those lines are the one place a secret may be; everything else is scanned.
   */
  actionLog(where: string, text: string): void {
    this.text(
      where,
      text
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    );
  }

  /** Every file under `dir` (recursively), if it exists, but those `except` names. */
  async folder(dir: string, except: string[] = []): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const file = path.join(e.parentPath, e.name);
      if (!e.isFile() || except.includes(file)) continue;
      this.bytes(file, await fs.readFile(file));
    }
  }

  /** Every object of a store (a folder or S3 warehouse), Parquet files decoded as well. */
  async store(store: ObjectStore): Promise<void> {
    for (const { key } of await store.list('')) {
      const body = await store.get(key);
      if (body) this.bytes(store.uri(key), body);
    }
  }

  /** How many texts were collected: a scan that saw nothing proves nothing. */
  get collected(): number {
    return this.sources.length;
  }

  /** Where each secret was found, as `<where>: <first 6 characters>…`. */
  hits(): string[] {
    const found: string[] = [];
    for (const { where, text } of this.sources) {
      for (const s of this.secrets) if (text.includes(s)) found.push(`${where}: ${s.slice(0, 6)}…`);
    }
    return found;
  }

  private bytes(where: string, body: Uint8Array): void {
    this.text(where, Buffer.from(body).toString('latin1'));
    if (where.endsWith('.parquet')) {
      const rows = readParquet(body)
        .toArray()
        .map((r) => r.toJSON() as unknown);
      this.text(
        `${where} (decoded)`,
        JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
      );
    }
  }
}
