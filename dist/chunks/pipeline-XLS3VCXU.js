import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  ROWS_IN_MEMORY,
  batchesOf,
  newRunId,
  runPipeline
} from "./chunk-K5ETCSKP.js";
import "./chunk-IOMDVFXJ.js";
import "./chunk-CHYRP7KP.js";
import "./chunk-KICJA4KV.js";
import "./chunk-QVSLCEHM.js";
import "./chunk-U3H53K4M.js";
import "./chunk-PJUA2Z2Q.js";
import "./chunk-UR6RVPZA.js";
import "./chunk-GAELMTOD.js";
export {
  ROWS_IN_MEMORY,
  batchesOf,
  newRunId,
  runPipeline
};
