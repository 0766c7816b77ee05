/**
 * The refresh-token file. Strava rotates refresh tokens and kills the old one at once, so the
 * newest token must survive the run that received it: it is written here every time, owner-only
 * (0600 in a 0700 folder), atomically (a temp file in the same folder, then rename) so a crash
 * never leaves half a token. The file holds the token alone, on one line.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The saved refresh token, or undefined when there is no file (or it is empty). */
export async function readRefreshToken(file: string): Promise<string | undefined> {
  try {
    const token = (await fs.readFile(file, 'utf8')).trim();
    return token || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Creates the token file's folder (0700) if needed: done before asking Strava for a new token. */
export async function prepareTokenDir(file: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
}

export async function writeRefreshToken(file: string, token: string): Promise<void> {
  await prepareTokenDir(file);
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await fs.writeFile(tmp, `${token}\n`, { mode: 0o600, flag: 'wx' });
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
