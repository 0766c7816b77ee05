import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  StoreError
} from "./chunk-06F01416.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-B9CF76D1.js";

// builtin-require:src/landing/open.ts imports path
var require_open = __commonJS({
  "builtin-require:src/landing/open.ts imports path"(exports, module) {
    module.exports = __require("node:path");
  }
});

// builtin-require:src/landing/folder.ts imports crypto
var require_folder = __commonJS({
  "builtin-require:src/landing/folder.ts imports crypto"(exports, module) {
    module.exports = __require("node:crypto");
  }
});

// builtin-require:src/landing/folder.ts imports fs/promises
var require_promises = __commonJS({
  "builtin-require:src/landing/folder.ts imports fs/promises"(exports, module) {
    module.exports = __require("node:fs/promises");
  }
});

// builtin-require:src/landing/folder.ts imports path
var require_folder2 = __commonJS({
  "builtin-require:src/landing/folder.ts imports path"(exports, module) {
    module.exports = __require("node:path");
  }
});

// src/landing/open.ts
var import_node_path2 = __toESM(require_open(), 1);

// src/landing/folder.ts
var import_node_crypto = __toESM(require_folder(), 1);
var import_promises = __toESM(require_promises(), 1);
var import_node_path = __toESM(require_folder2(), 1);
var TEMP_FILE = /^\..+\.[0-9a-f]{16}\.tmp$/;
var FolderStore = class {
  root;
  constructor(root) {
    if (!import_node_path.default.isAbsolute(root)) {
      throw new StoreError(
        `Folder store root "${root}" is not an absolute path.`,
        "Resolve the warehouse folder before opening it."
      );
    }
    this.root = import_node_path.default.normalize(root);
  }
  uri(key) {
    return this.pathOf(key);
  }
  async get(key) {
    const file = this.pathOf(key);
    try {
      const data = await import_promises.default.readFile(file);
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } catch (err) {
      if (isMissing(err)) return void 0;
      throw storeError("read", file, err);
    }
  }
  async put(key, body) {
    const file = this.pathOf(key);
    const temp = await this.writeTemp(file, body);
    try {
      await import_promises.default.rename(temp, file);
    } catch (err) {
      await removeQuietly(temp);
      throw storeError("write", file, err);
    }
  }
  async putIfAbsent(key, body) {
    const file = this.pathOf(key);
    const temp = await this.writeTemp(file, body);
    try {
      await import_promises.default.link(temp, file);
      return true;
    } catch (err) {
      if (err.code === "EEXIST") return false;
      throw storeError("create", file, err);
    } finally {
      await removeQuietly(temp);
    }
  }
  async head(key) {
    const file = this.pathOf(key);
    try {
      const stat = await import_promises.default.stat(file);
      if (!stat.isFile()) return void 0;
      return { key, size: stat.size, lastModified: stat.mtime };
    } catch (err) {
      if (isMissing(err)) return void 0;
      throw storeError("stat", file, err);
    }
  }
  async list(prefix) {
    const dirKey = prefix.slice(0, prefix.lastIndexOf("/") + 1);
    const found = [];
    await this.walk(dirKey, prefix, found);
    return found.sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  }
  async delete(key) {
    const file = this.pathOf(key);
    try {
      await import_promises.default.rm(file, { force: true });
    } catch (err) {
      throw storeError("delete", file, err);
    }
  }
  async walk(dirKey, prefix, found) {
    const dir = dirKey ? this.pathOf(dirKey.slice(0, -1)) : this.root;
    let entries;
    try {
      entries = await import_promises.default.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw storeError("list", dir, err);
    }
    await Promise.all(
      entries.map(async (entry) => {
        const key = dirKey + entry.name;
        if (entry.isDirectory()) {
          if ((key + "/").startsWith(prefix)) {
            await this.walk(key + "/", prefix, found);
          }
        } else if (entry.isFile() && key.startsWith(prefix) && !TEMP_FILE.test(entry.name)) {
          const info = await this.head(key);
          if (info) found.push(info);
        }
      })
    );
  }
  async writeTemp(file, body) {
    const temp = import_node_path.default.join(
      import_node_path.default.dirname(file),
      `.${import_node_path.default.basename(file)}.${(0, import_node_crypto.randomBytes)(8).toString("hex")}.tmp`
    );
    try {
      await createFile(temp, body);
      return temp;
    } catch (err) {
      await removeQuietly(temp);
      throw storeError("write", file, err);
    }
  }
  pathOf(key) {
    const segments = key.split("/");
    if (!key || segments.some((s) => s === "" || s === "." || s === "..")) {
      throw new StoreError(
        `Object key "${key}" is not a relative path under ${this.root}.`,
        'Keys are "/"-separated paths without empty, "." or ".." segments.'
      );
    }
    return import_node_path.default.join(this.root, ...segments);
  }
};
async function createFile(file, body) {
  try {
    await import_promises.default.writeFile(file, body, { flag: "wx" });
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
    await import_promises.default.mkdir(import_node_path.default.dirname(file), { recursive: true });
    await import_promises.default.writeFile(file, body, { flag: "wx" });
  }
}
function isMissing(err) {
  const code = err.code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}
async function removeQuietly(file) {
  await import_promises.default.rm(file, { force: true }).catch(() => void 0);
}
var HINTS = {
  EACCES: "Check that this user may read and write the warehouse folder.",
  EPERM: "Check that this user may read and write the warehouse folder.",
  ENOSPC: "Free some disk space and re-run.",
  EROFS: "The warehouse folder is on a read-only file system; choose another --warehouse.",
  EXDEV: "The warehouse folder spans file systems; choose a folder on one disk."
};
function storeError(op, file, err) {
  const e = err;
  return new StoreError(
    `Folder ${op} ${file} failed: ${e.message}`,
    HINTS[e.code ?? ""] ?? "Check the warehouse folder and re-run.",
    { cause: err }
  );
}

// src/landing/open.ts
async function openStore(warehouse, s3 = {}) {
  if (warehouse.startsWith("s3://")) {
    const { S3Store } = await import("./s3-2B3F8752.js");
    return new S3Store(warehouse, s3);
  }
  return new FolderStore(import_node_path2.default.resolve(warehouse));
}

export {
  openStore
};
