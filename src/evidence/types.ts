import type { Attestation, EvidenceSource, TraceProblemSummary } from '../model/index.js';

export { TRACE_PROBLEM_CODES, type TraceProblem, type TraceProblemCode, type TraceProblemSummary } from '../model/index.js';
import type { TraceAnalyses } from '../analysis/types.js';

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
