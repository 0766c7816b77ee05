#!/usr/bin/env node
// The CLI's entry: everything else is in src/cli/main.ts.
import { main } from './cli/main.js';

process.exitCode = await main(process.argv.slice(2));
