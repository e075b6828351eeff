import type { RunRef } from './types.js';

export interface OversightAnalysis {
  readonly highRiskCalls: number;
  readonly approvedBefore: number;
  readonly unapproved: { readonly count: number; readonly byTool: Readonly<Record<string, number>>; readonly examples: readonly RunRef[] };
  readonly denials: number;
  readonly executedAfterDenial: { readonly count: number; readonly examples: readonly RunRef[] };
  readonly approvals: { readonly total: number; readonly withActor: number; readonly withToolCallId: number; readonly examples: readonly RunRef[] };
  /** llm outputs with a recorded confidence, by confidence in hundredths → outputs and how many were followed by a review step. */
  readonly confidence: Readonly<Record<number, { readonly outputs: number; readonly reviewed: number }>>;
  readonly escalatedRuns: number;
  /** Tools called in the traces with no risk class from mimir.yaml or `mimir.tool.risk`. */
  readonly unclassifiedTools: readonly string[];
  readonly calledTools: number;
}
