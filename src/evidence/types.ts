import type { Attestation, EvidenceSource, Run } from '../model/index.js';

/**
 * Trace evidence: the agent's own recorded runs. Readers that fill it arrive with trace support;
 * the slot exists now so checks can already declare and type their trace evaluators.
 */
export interface TraceEvidence {
  readonly runs: readonly Run[];
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
