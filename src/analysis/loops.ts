import type { RunRef, Histogram } from './types.js';

export interface LoopAnalysis {
  /** Per run, the most consecutive identical calls (same tool, same arguments) → number of runs. */
  readonly maxIdenticalCallsPerRun: Histogram;
  readonly examples: readonly RunRef[];
}
