import type { Run } from '../model/index.js';
import type { RunView } from './basics.js';
import { contextFiguresOf } from './context.js';
import type { RunFigures } from './context-run.js';
import { followRunValues, type RunValues } from './isolation.js';
import { viewRun } from './run-view.js';

/**
 * The costly half of analysing a run, split from the cheap one: the context figures (token counts,
 * whitespace normalization, goal and error search) and the values isolation follows depend on the
 * run alone, so they can be worked out on any thread, while folding them into the aggregates
 * (`createTraceAnalyzer`) stays on one thread in run order. A run analysed with or without its
 * precomputed figures gives the same result, byte for byte: the same functions compute them.
 * Plain data, so it crosses a `postMessage` as it is.
 */
export interface RunPrecomputed {
  readonly context: RunFigures;
  readonly isolation: RunValues;
}

export function precomputeRun(run: Run, view: RunView = viewRun(run)): RunPrecomputed {
  return { context: contextFiguresOf(run, view), isolation: followRunValues(run, view) };
}
