/** Run records on stdout: one line a month, or JSON with --json. */
import type { RunRecord } from '../runs/record.js';

export function printRecords(
  records: RunRecord[],
  json: boolean,
  out: NodeJS.WritableStream,
): void {
  if (json) {
    out.write(`${JSON.stringify(records.length === 1 ? records[0] : records, null, 2)}\n`);
    return;
  }
  for (const r of records) {
    const warn = r.qualityWarnings.length ? `, ${r.qualityWarnings.length} warning(s)` : '';
    out.write(
      `${r.month}  ${r.status.padEnd(9)}  ${String(r.activities).padStart(4)} activities  ${r.landing.key}${warn}\n`,
    );
  }
  const d = records[records.length - 1]?.details;
  if (d) {
    const queued = d.queued
      ? `${d.queued} queued (${d.queuedRequests} requests, about ${d.runsToFinish} more run(s))`
      : 'none queued';
    out.write(
      `details: ${d.withDetails} activities have them, ${d.fetched} fetched in ${d.requests} requests, ${queued}\n`,
    );
  }
}
