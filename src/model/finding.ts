import type { Area, Severity } from './area.js';
import type { EvidenceKind, MeasuredValue, Reference } from './evidence.js';

export const OUTCOMES = ['pass', 'partial', 'fail', 'insufficient-evidence', 'not-applicable', 'error'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Why an evidence kind did or did not answer a check, so the report can say what decided it. */
export interface EvidenceConsideration {
  readonly kind: EvidenceKind;
  readonly answered: boolean;
  /** For an unanswered kind: why not (no evaluator yet, no data, expired answer …). */
  readonly reason?: string;
}

/** How long a fix typically takes a team that already runs the agent in production. */
export type RemediationEffort = 'hours' | 'days' | 'weeks';

export interface Remediation {
  readonly text: string;
  readonly effort: RemediationEffort;
}

/**
 * A check's result. It carries no score: scoring turns findings into numbers. The check's texts are
 * copied in so a saved report reads (and diffs) on its own, whatever catalogue version reads it later.
 */
export interface Finding {
  readonly checkId: string;
  readonly title: string;
  readonly question: string;
  readonly rationale: string;
  readonly remediation: Remediation;
  readonly area: Area;
  readonly severity: Severity;
  /** The evidence kinds that can answer this check (copied from the check, so a finding scores on its own). */
  readonly answerableBy: readonly EvidenceKind[];
  readonly outcome: Outcome;
  /** 0..1 before any evidence discount: pass 1, partial the measured fraction, everything else 0. */
  readonly credit: number;
  /** The kind that decided the outcome; null when no kind could answer. */
  readonly evidenceKind: EvidenceKind | null;
  readonly messageId: string;
  readonly message: string;
  readonly measured: readonly MeasuredValue[];
  readonly references: readonly Reference[];
  readonly considered: readonly EvidenceConsideration[];
  /** For not-applicable: the written reason (without one, the finding is insufficient-evidence). */
  readonly notApplicableReason?: string;
  /** For insufficient-evidence: what to capture or answer so the check can be decided. */
  readonly toCapture?: string;
  /** Set for outcome `error`: the failure inside the check, so it can be reported as a bug. */
  readonly errorDetail?: string;
}
