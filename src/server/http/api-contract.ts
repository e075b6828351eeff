import type { RunRef } from '../../analysis/types.js';
import type { AlertFigure, NoDataPolicy } from '../../config/alerts.js';
import type { Answer, Area, EvidenceKind, Outcome, Verdict } from '../../model/index.js';
import type { AuditDiff } from '../../report/diff.js';
import type { AlertHistoryEntry, SeriesState } from '../alerts/types.js';

/**
 * The JSON the server's API answers for readiness over time, checks, audits, probes, alerts and the
 * checklist: one place the handlers and the web UI both type against, so neither can drift from the
 * other without the typecheck saying so. (Health, runs, traces, figures, tools and labels are typed
 * where they are answered, in api-routes.ts.)
 *
 *   GET  /api/readiness?window=1h|24h|7d&limit=N   ReadinessHistory
 *   GET  /api/checks?window=…                        ChecksNow
 *   GET  /api/audits                                 AuditList
 *   POST /api/audits            (body: a report JSON) AuditStored
 *   GET  /api/audits/<id>                            the stored report JSON, as `mimir audit --format json` wrote it
 *   GET  /api/audits/diff?from=<id>&to=<id>          AuditDiffReply
 *   GET  /api/probes                                 ProbesNow
 *   GET  /api/alerts?limit=N                         AlertsNow
 *   GET  /api/verifications?limit=N                  VerificationsNow
 *   GET  /api/checklist                              Checklist
 *   PUT  /api/checklist/<check id>  (body: ChecklistAnswerBody)  Checklist (after the write)
 * Times are ISO 8601 strings.
 */

/** Readiness of one window at one moment: the audit of the window, as `mimir audit` would give it. */
export interface ReadinessPoint {
  readonly at: string;
  /** The window as named (`1h`, `24h`, `7d`, or a custom duration from mimir.yaml). */
  readonly window: string;
  readonly score: number;
  readonly verdict: Verdict;
  readonly areas: readonly { readonly area: Area; readonly score: number | null }[];
  /** Runs in the window when it was computed. */
  readonly runs: number;
  /** What moved the verdict or score since the previous point: the checks that changed and runs behind them. */
  readonly changes: readonly ReadinessChange[];
}

export interface ReadinessChange {
  readonly checkId: string;
  readonly from: Outcome | 'absent';
  readonly to: Outcome | 'absent';
  readonly runs: readonly RunRef[];
}

export interface ReadinessHistory {
  readonly window: string;
  /** Oldest first. */
  readonly points: readonly ReadinessPoint[];
  /** When the next point is due. */
  readonly nextAt: string | undefined;
}

/** One check as a window's audit found it (stored with each readiness point). */
export interface CheckAtPoint {
  readonly id: string;
  readonly area: Area;
  readonly title: string;
  readonly outcome: Outcome;
  readonly evidence: EvidenceKind | undefined;
  readonly summary: string;
  /** The runs behind the outcome (the finding's references that name runs). */
  readonly runs: readonly RunRef[];
}

/** One check now, and its outcome in the earlier points of the window's history. */
export interface CheckNow extends CheckAtPoint {
  /** Oldest first. */
  readonly history: readonly { readonly at: string; readonly outcome: Outcome }[];
}

export interface ChecksNow {
  readonly window: string;
  readonly at: string | undefined;
  readonly checks: readonly CheckNow[];
}

export interface AuditSummary {
  readonly id: string;
  readonly receivedAt: string;
  /** The audit's own time (its stamp). */
  readonly auditedAt: string;
  readonly system: string;
  readonly score: number;
  readonly verdict: Verdict;
  /** Where it came from: `mimir audit --server` or the server's own window audit. */
  readonly source: 'pushed' | 'window';
}

export interface AuditList {
  /** Newest first. */
  readonly audits: readonly AuditSummary[];
}

export interface AuditStored {
  readonly id: string;
  readonly url: string;
}

export interface AuditDiffReply {
  readonly from: AuditSummary;
  readonly to: AuditSummary;
  readonly diff: AuditDiff;
}

/** The latest probe results the server knows (the probe results file mimir.yaml points at). */
export interface ProbesNow {
  readonly source: string | undefined;
  readonly ranAt: string | undefined;
  /** Stale: made with another probes section, tools list or scenarios file, so the audit does not count them. */
  readonly stale: boolean;
  /** Why the results are stale (what changed since they were made, and what to run). */
  readonly staleReason?: string;
  readonly probes: readonly {
    readonly id: string;
    readonly family: string;
    readonly tool: string | undefined;
    readonly passRate: number | null;
    readonly trials: number;
    readonly passed: number;
    readonly summary: string;
  }[];
}

export interface AlertRuleView {
  readonly name: string;
  readonly kind: 'window' | 'instant';
  readonly figure?: AlertFigure;
  readonly event?: string;
  readonly window?: string;
  readonly threshold?: string;
  readonly minSamples?: number;
  readonly for?: string;
  readonly noData?: NoDataPolicy;
}

export interface AlertsNow {
  readonly rules: readonly AlertRuleView[];
  /** Every series with its state (firing and pending first). */
  readonly series: readonly SeriesState[];
  /** Newest first. */
  readonly history: readonly AlertHistoryEntry[];
  readonly delivery: string;
}

/** The verifiers of `serve.verifiers`: their counters, and their latest verifications (newest first). */
export interface VerificationsNow {
  readonly verifiers: readonly VerifierCounters[];
  readonly verifications: readonly VerificationView[];
}

export interface VerifierCounters {
  readonly name: string;
  readonly queued: number;
  readonly running: number;
  readonly answered: number;
  /** Timed out, failed or answered in another shape: recorded, grading nothing. */
  readonly unanswered: number;
  /** Left out by the sample rate. */
  readonly sampledOut: number;
  /** Skipped because the verifier's queue was full. */
  readonly dropped: number;
}

export interface VerificationView {
  readonly at: string;
  readonly verifier: string;
  readonly runId: string;
  readonly traceId: string;
  readonly status: 'answered' | 'timeout' | 'bad-answer' | 'failed';
  /** Only when answered. */
  readonly outcome?: 'success' | 'failure';
  readonly reason: string;
  readonly durationMs: number;
}

/** The seed checklist as `mimir walk` asks it, with the answers file's answers and the score they give. */
export interface Checklist {
  readonly answersFile: string;
  readonly areas: readonly {
    readonly area: Area;
    readonly title: string;
    readonly questions: readonly ChecklistQuestion[];
  }[];
  /** The audit score with the current answers (and the trace evidence and probes the server has). */
  readonly score: number;
  readonly verdict: Verdict;
}

export interface ChecklistQuestion {
  readonly checkId: string;
  readonly question: string;
  readonly why: string;
  readonly options: readonly Answer[];
  readonly answer: { readonly value: Answer; readonly by: string; readonly at: string; readonly note?: string; readonly expired: boolean } | undefined;
  /** Measured evidence outranks the answer for this check: the answer only counts when it is missing. */
  readonly measuredBy: readonly EvidenceKind[];
}

export interface ChecklistAnswerBody {
  readonly answer: Answer;
  readonly by: string;
  readonly note?: string;
}

