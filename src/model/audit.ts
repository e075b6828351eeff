import type { Area } from './area.js';
import type { EvidenceSource, TraceSummary } from './evidence.js';
import type { Finding, Outcome } from './finding.js';
import type { Policy } from './policy.js';
import type { ProbeSummary } from './probe.js';

export const VERDICTS = ['green', 'yellow', 'red'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A finding with what it earned. `counted` is false for not-applicable findings (out of the denominator). */
export interface ScoredFinding extends Finding {
  readonly weight: number;
  /** Credit after the evidence discount. */
  readonly effectiveCredit: number;
  /** True when the attestation discount lowered this finding's credit. */
  readonly discounted: boolean;
  readonly counted: boolean;
}

export interface AreaScore {
  readonly area: Area;
  /** 0..100, or 0 when the area has no counted check (unanswered is not ready). */
  readonly score: number;
  readonly earned: number;
  readonly possible: number;
  readonly outcomes: Readonly<Record<Outcome, number>>;
}

export type VerdictReasonCode =
  | 'overall-below-red'
  | 'area-below-red'
  | 'critical-check-failed'
  | 'overall-below-green'
  | 'area-below-green'
  | 'critical-check-not-passed';

export interface VerdictReason {
  readonly code: VerdictReasonCode;
  readonly message: string;
  readonly area?: Area;
  readonly checkId?: string;
}

export interface Score {
  readonly overall: number;
  readonly areas: readonly AreaScore[];
  readonly verdict: Verdict;
  /** Every rule that kept the verdict from being better; empty for green. */
  readonly reasons: readonly VerdictReason[];
}

export interface AuditStamp {
  readonly mimirVersion: string;
  readonly catalogueVersion: string;
  /** Digest of every check's id, area, severity and evidence kinds: changes when scoring inputs change. */
  readonly catalogueDigest: string;
  readonly configPath: string;
  readonly configHash: string;
  readonly evidence: readonly EvidenceSource[];
  readonly generatedAt: string;
}

export interface Audit {
  /** Only in a JSON report written with `--no-redact`: it may hold secrets from traces and probes. */
  readonly unredacted?: true;
  readonly schemaVersion: 1;
  readonly system: { readonly name: string; readonly description?: string };
  readonly stamp: AuditStamp;
  readonly policy: Policy;
  readonly findings: readonly ScoredFinding[];
  readonly score: Score;
  /** Present when the audit read traces: how many runs and spans, and what was wrong with them. */
  readonly traces?: TraceSummary;
  /** Present when the audit used probe results. */
  readonly probes?: ProbeSummary;
}
