import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);

// src/runs/record.ts
function runRecordKey(month, runId) {
  return `_runs/month=${month}/${runId}.json`;
}

// src/strava/token-store.ts
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
async function readRefreshToken(file) {
  try {
    const token = (await fs.readFile(file, "utf8")).trim();
    return token || void 0;
  } catch (err) {
    if (err.code === "ENOENT") return void 0;
    throw err;
  }
}
async function prepareTokenDir(file) {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 448 });
}
async function writeRefreshToken(file, token) {
  await prepareTokenDir(file);
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`
  );
  try {
    await fs.writeFile(tmp, `${token}
`, { mode: 384, flag: "wx" });
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

export {
  readRefreshToken,
  prepareTokenDir,
  writeRefreshToken,
  runRecordKey
};
