import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  ROWS_IN_MEMORY,
  batchesOf,
  newRunId,
  runPipeline
} from "./chunk-A7EBDE5D.js";
import "./chunk-D6532F9D.js";
import "./chunk-D697A921.js";
import "./chunk-CA8E37C7.js";
import "./chunk-2A3800A9.js";
import "./chunk-531649C7.js";
import "./chunk-8D30EC4A.js";
import "./chunk-CFBA4AA7.js";
import "./chunk-8DD25B0D.js";
import "./chunk-328A68CB.js";
import "./chunk-06F01416.js";
import "./chunk-BA800F3B.js";
import "./chunk-B9CF76D1.js";
export {
  ROWS_IN_MEMORY,
  batchesOf,
  newRunId,
  runPipeline
};
