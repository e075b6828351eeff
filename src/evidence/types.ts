import type { Attestation, EvidenceSource } from '../model/index.js';
import type { TraceAnalyses } from '../analysis/types.js';

/** What can be wrong with trace input. Every problem is counted and located; none is silent. */
export const TRACE_PROBLEM_CODES = [
  'unreadable',
  'unknown-format',
  'invalid-utf8',
  'invalid-json',
  'truncated',
  'invalid-document',
  'oversized-value',
  'wrong-attribute-type',
  'missing-parent',
  'parent-cycle',
  'duplicate-span-id',
  'unended-span',
  'clock-skew',
  'no-root',
  'multiple-roots',
  'invalid-label',
  'unmatched-label',
] as const;
export type TraceProblemCode = (typeof TRACE_PROBLEM_CODES)[number];

export interface TraceProblem {
  readonly code: TraceProblemCode;
  readonly message: string;
  readonly file: string;
  /** 1-based line for text formats; byte offset for binary ones or when lines are unknown. */
  readonly line?: number;
  readonly byteOffset?: number;
  readonly runId?: string;
  readonly spanId?: string;
}

export interface TraceProblemSummary {
  readonly total: number;
  readonly byCode: Readonly<Partial<Record<TraceProblemCode, number>>>;
  /** The first problems of each code, bounded so a corrupt corpus cannot exhaust memory. */
  readonly examples: readonly TraceProblem[];
  /** Runs the readers had to drop or repair: never counted as successes. */
  readonly damagedRuns: number;
  /** Spans or documents skipped entirely. */
  readonly skippedRecords: number;
}

/** Trace evidence: the measured figures of the agent's own recorded runs, and what was wrong with them. */
export interface TraceEvidence {
  readonly runCount: number;
  readonly spanCount: number;
  readonly files: readonly string[];
  readonly analyses: TraceAnalyses;
  readonly problems: TraceProblemSummary;
  /** True when any input was skipped or repaired: the audit is based on partial evidence. */
  readonly partial: boolean;
}

/** Probe evidence: the results of running the real agent under injected faults (arrives with probes). */
export interface ProbeEvidence {
  readonly scenarios: readonly ProbeScenarioResult[];
}

export interface ProbeScenarioResult {
  readonly id: string;
  readonly family: string;
  readonly trials: number;
  readonly passed: number;
  /** Trials whose declared fault never fired: inconclusive, never passed. */
  readonly inconclusive: number;
  readonly runIds: readonly string[];
}

/** Everything an audit was given, by kind. An absent kind means no evidence of that kind. */
export interface EvidenceBundle {
  readonly attestations?: ReadonlyMap<string, Attestation>;
  readonly traces?: TraceEvidence;
  readonly probes?: ProbeEvidence;
  readonly sources: readonly EvidenceSource[];
}
