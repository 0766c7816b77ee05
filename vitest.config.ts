import { defineConfig } from 'vitest/config';

// Five suites: `unit` needs Node only (npm test); `s3`, `faults` and `interop` need the Python
// test oracles that scripts/setup-oracles.sh installs into .oracles/ (run by .ci/run); `browser`
// needs Debian's chromium, which scripts/setup-browser.sh installs (npm run test:browser).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
          // Hooks that bundle the CLI take seconds on a busy machine; one that timed out would
          // leave its temporary folder behind.
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 's3',
          include: ['test/s3/**/*.test.ts'],
          globalSetup: ['test/support/moto-global.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          globalSetup: ['test/support/moto-global.ts'],
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'interop',
          include: ['test/interop/**/*.test.ts'],
          globalSetup: ['test/support/moto-global.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One Chromium at a time on a small machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
