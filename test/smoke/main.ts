/**
 * The entry of `npm run smoke:databricks` (built by test/smoke/build.mjs): the smoke test with
 * the real driver and S3, its lines on stdout, its verdict as the exit code.
 */
import { runSmoke } from './databricks.js';

process.exitCode = await runSmoke({
  env: process.env,
  print: (line) => process.stdout.write(`${line}\n`),
});
