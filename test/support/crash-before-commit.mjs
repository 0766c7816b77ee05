// Test-only preload for the spawned CLI (node --import): a hard crash at a chosen point.
// When the process is about to write an object under CRASH_BEFORE_COMMIT (e.g.
// 'silver/activities/_delta_log/'), it kills itself with SIGKILL instead: that transaction's
// data files are on storage, its commit is not, and nothing gets to clean up.
// A folder warehouse writes a log entry with an exclusive hard link (FolderStore.putIfAbsent);
// an S3 warehouse with a PUT over node:http (moto's endpoint is plain http), which the AWS SDK
// looks up on the module object when it first sends.
import http from 'node:http';
import fs from 'node:fs/promises';

const target = process.env.CRASH_BEFORE_COMMIT;
if (target) {
  const crashIf = (hit) => {
    if (hit) process.kill(process.pid, 'SIGKILL');
  };
  const link = fs.link;
  fs.link = (existing, newPath) => {
    crashIf(String(newPath).includes(target));
    return link(existing, newPath);
  };
  const request = http.request;
  http.request = (...args) => {
    const options = args.find((a) => a && typeof a === 'object' && 'method' in a);
    crashIf(options?.method === 'PUT' && String(options.path).includes(target));
    return request(...args);
  };
}
