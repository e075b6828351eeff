import type { ClaimedStatus } from './run.js';

/** The built-in probe battery's families (one per failure mode), plus `custom` for user scenarios. */
export const PROBE_FAMILIES = [
  'persistent-failure',
  'permanent-failure',
  'transient-failure',
  'hang',
  'malformed-output',
  'prompt-injection',
  'high-risk-approval',
  'approval-denied',
  'cascade',
  'kill-resume',
  'long-output',
  'task-isolation',
  'custom',
] as const;
export type ProbeFamily = (typeof PROBE_FAMILIES)[number];

export const TRIAL_VERDICTS = ['pass', 'fail', 'inconclusive', 'error'] as const;
/**
 * `inconclusive`: the declared fault never fired (the agent never called the tool), so the trial
 * says nothing about the behaviour under test; never counted as passed.
 * `error`: infrastructure failure (the agent could not start, the upstream server died): excluded and counted.
 */
export type TrialVerdict = (typeof TRIAL_VERDICTS)[number];

/**
 * The expectations a probe scenario can declare (its `expect:` keys), by the name the verifier's
 * observations carry; checks name the ones that decide them.
 */
export const PROBE_EXPECTATIONS = [
  'claimIn',
  'honestClaim',
  'maxIdenticalCalls',
  'maxCalls',
  'approvalBeforeHighRisk',
  'respectDenials',
  'endsBeforeTimeout',
  'haltWithinCalls',
  'noRepeatedSideEffects',
  'recovers',
  'noHighRiskAfterFault',
  'resumesWhereItStopped',
  'upstream',
  'ignoresInjection',
  'completesTask',
  'noLeakedValues',
] as const;
export type ProbeExpectation = (typeof PROBE_EXPECTATIONS)[number];

/**
 * The approval tool mimir's proxy adds to the agent's tool list during probes (the agent contract's
 * `request_approval`); the system does not offer it, so it needs no risk class.
 */
export const APPROVAL_TOOL_NAME = 'request_approval';

/** One expectation of a scenario as the verifier judged it. */
export interface VerifierObservation {
  /**
   * The expectation's name, e.g. `claimIn`, `approvalBeforeHighRisk`: a `ProbeExpectation` when this
   * mimir judged it, any name in results read back from a file.
   */
  readonly expectation: string;
  readonly ok: boolean;
  /** What the verifier saw, in a sentence ("refund_order called at #4 with no approval before it"). */
  readonly detail: string;
  /** Ledger sequence numbers behind the observation. */
  readonly ledgerSeqs?: readonly number[];
}

/** One trial of a probe scenario, as reports and checks see it. */
export interface ProbeTrialSummary {
  readonly runId: string;
  readonly trial: number;
  readonly verdict: TrialVerdict;
  /** Whether the scenario's declared fault fired at least once. */
  readonly faultFired: boolean;
  /** What the agent claimed at the end. */
  readonly claimedStatus: ClaimedStatus;
  /** The summary the agent gave with its claim, when it gave one. */
  readonly claimSummary?: string;
  /** What the agent did, in a few sentences. */
  readonly behaviour: readonly string[];
  /** What the verifier saw, expectation by expectation. */
  readonly observations: readonly VerifierObservation[];
  /** Why the verdict is `error` or `inconclusive`. */
  readonly reason?: string;
  /** Why a trial that did not pass or fail on a planned fault is inconclusive or errored (every such trial has one). */
  readonly inconclusiveReason?: string;
  /** Set when mimir itself cost the trial (not a planned fault, not the agent). */
  readonly harnessCause?: HarnessCause;
}

/**
 * What of mimir's own cost a trial: `simulation` — the agent rejected a simulated answer and the
 * failure followed from it; `proxy` — the proxy failed a call no fault was planned on; `runner` —
 * the agent could not be started or restarted, or the world could not be read.
 */
export const HARNESS_CAUSES = ['simulation', 'proxy', 'runner'] as const;
export type HarnessCause = (typeof HARNESS_CAUSES)[number];

/**
 * One agent process of a probe session, as its traces are filed: mimir gives each process its own
 * OTLP endpoint, so every span is known to come from this life of this trial. A kill-resume trial
 * has two lives (`first`, killed on purpose, and `resume`), a task-isolation trial a `follow-up`.
 */
export interface ProbeTraceLife {
  readonly runId: string;
  readonly scenarioId: string;
  /** The scenario's family, or `baseline` for the fault-free run that finds a task's tools. */
  readonly family: ProbeFamily | 'baseline';
  readonly trial: number;
  readonly life: 'first' | 'resume' | 'follow-up' | 'baseline';
  /** The task this life worked on (its id in mimir.yaml), when known. */
  readonly taskId?: string;
  /** Files the life's exports were stored in, relative to the traces directory. */
  readonly files: readonly string[];
  /** `itself`: the agent exited on its own; otherwise mimir stopped it (planned kill, deadline) or it never started. */
  readonly endedBy: 'itself' | 'planned-kill' | 'deadline' | 'not-started';
  /** A fault fired, or an approval was denied or timed out, in this life. */
  readonly interfered: boolean;
  /** The task's outcome in the world, where the probe could see it, and on what basis. */
  readonly outcome?: { readonly status: 'success' | 'failure'; readonly basis: string };
}

/** What an audit says about its probe evidence: where it came from and how the trials went. */
export interface ProbeSummary {
  /** `run`: probes ran as part of this audit; `file`: results of an earlier `mimir probe` were read. */
  readonly source: 'run' | 'file';
  readonly resultsPath: string;
  readonly ledgerPath?: string;
  readonly generatedAt: string;
  readonly scenarios: number;
  readonly trials: number;
  readonly passed: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly errored: number;
  /** Inconclusive or errored trials that mimir itself cost (a rejected simulated answer, a proxy or runner failure). */
  readonly lostToHarness?: number;
  /** Families the built-in battery could not generate, and why. */
  readonly skipped: readonly { readonly family: ProbeFamily; readonly reason: string }[];
}
