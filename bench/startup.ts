/**
 * The action's start-up: `node dist/index.js` with no inputs (it stops at the first missing
 * input) against `node -e 0`, spawned alternately so both see the same load; medians.
 */
import { load, median, round, runNode } from './measure.js';
import { ACTION } from './paths.js';

export interface StartupFigure {
  runs: number;
  actionMs: number;
  nodeMs: number;
  ratio: number;
  /** The action's exit code and first error line: it must fail on the missing input. */
  actionExit: number | null;
  actionSays: string;
  load: number;
}

export async function startupFigure(runs: number): Promise<StartupFigure> {
  // No INPUT_* variables and no GitHub runner settings: as bare as a step can start.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const before = load();
  const action: number[] = [];
  const node: number[] = [];
  let last = { code: null as number | null, says: '' };
  for (let i = 0; i < runs; i++) {
    const a = await runNode([ACTION], { env });
    const n = await runNode(['-e', '0'], { env });
    action.push(a.ms);
    node.push(n.ms);
    last = { code: a.code, says: `${a.stdout}${a.stderr}`.trim().split('\n')[0] ?? '' };
  }
  if (last.code === 0) throw new Error(`${ACTION} exited 0 without inputs: "${last.says}"`);
  const actionMs = median(action);
  const nodeMs = median(node);
  return {
    runs,
    actionMs: round(actionMs, 1),
    nodeMs: round(nodeMs, 1),
    ratio: round(actionMs / nodeMs, 2),
    actionExit: last.code,
    actionSays: last.says,
    load: before,
  };
}
