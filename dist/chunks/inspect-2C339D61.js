import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  inspectWarehouse,
  readGoldSummary,
  readPublishedSummary
} from "./chunk-9A370967.js";
import "./chunk-D6532F9D.js";
import "./chunk-CA8E37C7.js";
import "./chunk-531649C7.js";
import "./chunk-8DD25B0D.js";
import "./chunk-328A68CB.js";
import "./chunk-06F01416.js";
import "./chunk-BA800F3B.js";
import "./chunk-B9CF76D1.js";
export {
  inspectWarehouse,
  readGoldSummary,
  readPublishedSummary
};
