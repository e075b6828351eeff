import type { Rate } from './types.js';

export interface CompoundingAnalysis {
  readonly perStep: Rate;
  readonly stepCounts: { readonly runs: number; readonly mean: number; readonly median: number; readonly p90: number; readonly max: number } | null;
  readonly observed: Rate;
  /** p^n at the median step count. */
  readonly projectedAtMedian: number | null;
  /** Projected p^n beside the observed success of runs with about n steps. */
  readonly curve: readonly { readonly steps: number; readonly projected: number; readonly observed: Rate | null }[];
  /** The smallest step count at which p^n falls below 50%. */
  readonly stepsBelowHalf: number | null;
}
