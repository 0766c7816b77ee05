import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-B9CF76D1.js";

// builtin-require:src/strava/token-store.ts imports crypto
var require_token_store = __commonJS({
  "builtin-require:src/strava/token-store.ts imports crypto"(exports, module) {
    module.exports = __require("node:crypto");
  }
});

// builtin-require:src/strava/token-store.ts imports fs/promises
var require_promises = __commonJS({
  "builtin-require:src/strava/token-store.ts imports fs/promises"(exports, module) {
    module.exports = __require("node:fs/promises");
  }
});

// builtin-require:src/strava/token-store.ts imports path
var require_token_store2 = __commonJS({
  "builtin-require:src/strava/token-store.ts imports path"(exports, module) {
    module.exports = __require("node:path");
  }
});

// src/strava/token-store.ts
var import_node_crypto = __toESM(require_token_store(), 1);
var import_promises = __toESM(require_promises(), 1);
var import_node_path = __toESM(require_token_store2(), 1);
async function readRefreshToken(file) {
  try {
    const token = (await import_promises.default.readFile(file, "utf8")).trim();
    return token || void 0;
  } catch (err) {
    if (err.code === "ENOENT") return void 0;
    throw err;
  }
}
async function prepareTokenDir(file) {
  await import_promises.default.mkdir(import_node_path.default.dirname(file), { recursive: true, mode: 448 });
}
async function writeRefreshToken(file, token) {
  await prepareTokenDir(file);
  const tmp = import_node_path.default.join(
    import_node_path.default.dirname(file),
    `.${import_node_path.default.basename(file)}.${process.pid}.${(0, import_node_crypto.randomBytes)(4).toString("hex")}.tmp`
  );
  try {
    await import_promises.default.writeFile(tmp, `${token}
`, { mode: 384, flag: "wx" });
    await import_promises.default.rename(tmp, file);
  } catch (err) {
    await import_promises.default.rm(tmp, { force: true });
    throw err;
  }
}

export {
  readRefreshToken,
  prepareTokenDir,
  writeRefreshToken
};
