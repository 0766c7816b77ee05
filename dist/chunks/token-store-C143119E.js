import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  prepareTokenDir,
  readRefreshToken,
  writeRefreshToken
} from "./chunk-8D30EC4A.js";
import "./chunk-B9CF76D1.js";
export {
  prepareTokenDir,
  readRefreshToken,
  writeRefreshToken
};
