import type { RunRef } from './types.js';

export interface BudgetAnalysis {
  readonly runs: number;
  readonly steps: { readonly max: number; readonly p95: number } | null;
  readonly tokens: { readonly max: number; readonly p95: number } | null;
  readonly durationSeconds: { readonly max: number; readonly p95: number } | null;
  readonly largestRuns: readonly RunRef[];
}
