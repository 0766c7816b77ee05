/**
 * The entry of `npm run smoke:databricks` (built by test/smoke/build.mjs): the smoke test with
 * the real driver and S3, its lines on stdout, its verdict as the exit code.
 */
import { redactSecrets, runSmoke } from './databricks.js';

const print = (line: string) => process.stdout.write(`${redactSecrets(line, process.env)}\n`);
try {
  process.exitCode = await runSmoke({ env: process.env, print });
} catch (err) {
  // runSmoke reports its own failures; this is one it did not expect.
  print(`smoke: FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
