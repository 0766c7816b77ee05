import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  inspectWarehouse,
  readGoldSummary
} from "./chunk-K3A73QFD.js";
import "./chunk-IOMDVFXJ.js";
import "./chunk-KICJA4KV.js";
import "./chunk-U3H53K4M.js";
import "./chunk-PJUA2Z2Q.js";
import "./chunk-UR6RVPZA.js";
import "./chunk-GAELMTOD.js";
export {
  inspectWarehouse,
  readGoldSummary
};
