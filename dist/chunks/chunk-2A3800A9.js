import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);

// src/runs/record.ts
function runRecordKey(month, runId) {
  return `_runs/month=${month}/${runId}.json`;
}

export {
  runRecordKey
};
