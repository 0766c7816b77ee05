import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  inspectWarehouse,
  readGoldSummary
} from "./chunk-55XMZ6DM.js";
import "./chunk-DTQA56N4.js";
import "./chunk-LF7XDVHJ.js";
import "./chunk-KICJA4KV.js";
import "./chunk-LFOA3MQD.js";
import "./chunk-SEOTHIOV.js";
import "./chunk-GAELMTOD.js";
export {
  inspectWarehouse,
  readGoldSummary
};
