import type { RunRef } from './types.js';

export interface CheckpointAnalysis {
  readonly runs: number;
  readonly runsWithCheckpoints: number;
  readonly resumedRuns: number;
  /** Side-effecting calls (tool + arguments) repeated in a resumed run after being done before the resume. */
  readonly repeatedSideEffects: { readonly count: number; readonly examples: readonly RunRef[] };
}
