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
  /** Absent when left to the folding thread (see precomputeRun). */
  readonly context?: RunFigures;
  readonly isolation: RunValues;
}

/**
 * `context: false` leaves the context figures out: they need the tokenizer, whose tables cost a
 * thread ≈60 MB and ≈0.3 s of CPU to load, so the reading worker leaves them to the main thread.
 */
export function precomputeRun(run: Run, view: RunView = viewRun(run), { context = true }: { readonly context?: boolean } = {}): RunPrecomputed {
  const isolation = followRunValues(run, view);
  return context ? { context: contextFiguresOf(run, view), isolation } : { isolation };
}
