import type { Rate, RunRef, Histogram } from './types.js';

export interface ContextAnalysis {
  /** llm calls whose input messages were captured (needed for everything below). */
  readonly callsWithContent: number;
  readonly runsWithContent: number;
  /** Share of input tokens that is the agent's own earlier output and tool results, by step index (0-based llm call index). */
  readonly selfShareByStep: readonly { readonly index: number; readonly calls: number; readonly mean: number; readonly p90: number }[];
  /** Mean self-share at the last llm call minus at the first, over runs with two or more calls. */
  readonly selfShareGrowth: number | null;
  /** Runs whose last llm input still contains the user's original request. */
  readonly goalRetention: Rate;
  readonly errorEcho: { readonly runsWithErrors: number; readonly runsEchoing: number; readonly examples: readonly RunRef[] };
  /** Input tokens / context window, in hundredths (0..100+) → llm calls; only calls with a known window. */
  readonly utilizationPercent: Histogram;
  readonly goalLossExamples: readonly RunRef[];
  readonly bleedExamples: readonly RunRef[];
  /** Runs where a memory strategy visibly ran (a `memory` step, or input shrinking between calls). */
  readonly memoryStrategy: { readonly longRuns: number; readonly runsWhereItRan: number };
  /** Tool results entering the context, by size in tokens (bucketed to 100s) → count. */
  readonly toolResultTokens: Histogram;
}
