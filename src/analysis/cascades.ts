import type { RunRef } from './types.js';

export interface CascadeAnalysis {
  /** By a run's longest streak of consecutive failing steps: what the run did after it. */
  readonly byLongestStreak: Readonly<Record<number, { readonly runs: number; readonly halted: number; readonly escalated: number; readonly continued: number }>>;
  readonly examples: readonly RunRef[];
}
