import type { Run } from '../model/index.js';
import type { RunView } from './basics.js';
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
  /** Absent when left to the folding thread (see precomputeRun). */
  readonly context?: RunFigures;
  readonly isolation: RunValues;
}

/**
 * The isolation values alone. This module loads no tokenizer (context.ts does, statically), so the
 * reading worker imports it to take on this part: a second copy of the tokenizer's tables would
 * cost it ≈60 MB and ≈0.3 s of CPU. precomputeRun (index.ts) works out both parts.
 */
export function precomputeValues(run: Run, view: RunView = viewRun(run)): RunPrecomputed {
  return { isolation: followRunValues(run, view) };
}
