import type { Attestation, EvidenceSource, ProbeFamily, ProbeTraceRuns, ProbeTrialSummary, TraceProblemSummary } from '../model/index.js';

export { TRACE_PROBLEM_CODES, type TraceProblem, type TraceProblemCode, type TraceProblemSummary } from '../model/index.js';
import type { Rate, TraceAnalyses } from '../analysis/types.js';

/** Trace evidence: the measured figures of the agent's own recorded runs, and what was wrong with them. */
export interface TraceEvidence {
  readonly runCount: number;
  readonly spanCount: number;
  readonly files: readonly string[];
  readonly analyses: TraceAnalyses;
  readonly problems: TraceProblemSummary;
  /** True when any input was skipped or repaired: the audit is based on partial evidence. */
  readonly partial: boolean;
  /** Runs the agent traced while mimir probed it, read beside the trace sources (see `ProbeTraceLife`). */
  readonly fromProbes?: ProbeTraceRuns;
}


/** Probe evidence: the results of running the real agent under injected faults. */
export interface ProbeEvidence {
  readonly scenarios: readonly ProbeScenarioResult[];
  /** The tools the agent was offered through the proxy (its `tools/list`, as the upstream servers answered it). */
  readonly toolsListed: readonly string[];
  /** The hash-chained ledger every probe call was recorded in. */
  readonly ledgerPath?: string;
}

/** One scenario over all its trials. */
export interface ProbeScenarioResult {
  readonly id: string;
  readonly family: ProbeFamily;
  readonly title: string;
  /** The tool the scenario's fault or risk targets, when there is one. */
  readonly tool?: string;
  readonly trials: readonly ProbeTrialSummary[];
  readonly passed: number;
  readonly failed: number;
  /** Trials whose declared fault never fired: inconclusive, never passed. */
  readonly inconclusive: number;
  /** Trials that failed for infrastructure reasons: excluded and counted. */
  readonly errored: number;
  /** Inconclusive or errored trials that mimir itself cost (a rejected simulated answer, a proxy or runner failure). Absent in older results. */
  readonly lostToHarness?: number;
  /** Passed over conclusive trials (passed + failed), with its Wilson 95% interval. */
  readonly passRate: Rate;
  /** pass^k for k = 1..conclusive trials: the chance that k trials in a row all pass (C(c,k)/C(n,k)). */
  readonly passK: readonly { readonly k: number; readonly value: number }[];
}

/** Everything an audit was given, by kind. An absent kind means no evidence of that kind. */
export interface EvidenceBundle {
  readonly attestations?: ReadonlyMap<string, Attestation>;
  readonly traces?: TraceEvidence;
  readonly probes?: ProbeEvidence;
  readonly sources: readonly EvidenceSource[];
}
