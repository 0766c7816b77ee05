/** The action's entry point (action.yml `main: dist/index.js`): everything else is in main.ts. */
import { run } from './main.js';

await run();
