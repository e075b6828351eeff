import type { RunRef } from './types.js';

export interface ContractAnalysis {
  /** Tool calls whose tool has a declared input schema in the trace. */
  readonly callsWithSchema: number;
  readonly argumentViolations: { readonly count: number; readonly examples: readonly RunRef[] };
  readonly results: { readonly structured: number; readonly freeText: number };
  /** Tool results that violated the declared output schema, and how many of those the agent acted on anyway. */
  readonly malformedResults: { readonly count: number; readonly actedOn: number; readonly examples: readonly RunRef[] };
}
