// Preloaded into a benchmarked child (node --import): when it exits, writes its peak resident
// set size in kB to the file named by BENCH_MAX_RSS_FILE.
import fs from 'node:fs';

process.on('exit', () => {
  fs.writeFileSync(process.env.BENCH_MAX_RSS_FILE, String(process.resourceUsage().maxRSS));
});
