import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  newRunId,
  runPipeline
} from "./chunk-FZT4LYFY.js";
import "./chunk-DTQA56N4.js";
import "./chunk-CHYRP7KP.js";
import "./chunk-LF7XDVHJ.js";
import "./chunk-KICJA4KV.js";
import "./chunk-AYQSB4YD.js";
import "./chunk-LFOA3MQD.js";
import "./chunk-SEOTHIOV.js";
import "./chunk-GAELMTOD.js";
export {
  newRunId,
  runPipeline
};
