import type { Rate, RunRef } from './types.js';

export interface ReliabilityAnalysis {
  /** Tool and llm steps that did not fail (an error status or an error-looking tool result is a failure). */
  readonly steps: Rate;
  readonly toolSteps: Rate;
  readonly llmSteps: Rate;
  readonly byTool: Readonly<Record<string, Rate>>;
  readonly failedStepExamples: readonly RunRef[];
}
