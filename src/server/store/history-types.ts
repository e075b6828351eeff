import type { Outcome } from '../../model/index.js';
import type { CheckAtPoint, ReadinessPoint } from '../http/api-contract.js';

export type { CheckAtPoint };

/**
 * What the server keeps besides spans and runs: readiness over time (one point per window each time
 * it was recomputed, with every check's outcome), the alert engine's state and history, and the
 * verifiers' answers. Part of the ServeStore interface, so another backend stores them too.
 */
export interface HistoryStore {
  /**
   * What a window's audit depends on in the store, as one comparable text: the runs that started in
   * it and when each was last closed (a late span, a label or a verifier's answer closes it again).
   */
  windowFingerprint(window: { readonly fromMs: number; readonly toMs: number }): Promise<string>;
  putReadinessPoint(point: StoredReadinessPoint): Promise<void>;
  /** The newest `limit` points of a window, oldest first. */
  readinessPoints(window: string, limit: number): Promise<readonly StoredReadinessPoint[]>;
  /** Every check's outcome at each point since `fromMs` (inclusive), oldest first. */
  checkHistory(window: string, fromMs: number): Promise<readonly CheckOutcomeAt[]>;
  /** The alert engine's state (plain JSON text), undefined before the first save. */
  loadAlertState(): Promise<string | undefined>;
  saveAlertState(stateJson: string): Promise<void>;
  appendAlertHistory(entries: readonly { readonly atMs: number; readonly json: string }[]): Promise<void>;
  /** The newest `limit` entries, oldest first (as JSON text). */
  alertHistory(limit: number): Promise<readonly string[]>;
  putVerification(verification: StoredVerification): Promise<void>;
  /** The newest `limit` verifications, newest first. */
  verifications(limit: number): Promise<readonly StoredVerification[]>;
}

export interface StoredReadinessPoint {
  readonly point: ReadinessPoint;
  /** The window's store fingerprint and evidence digest when the point was computed. */
  readonly fingerprint: string;
  readonly checks: readonly CheckAtPoint[];
}

export interface CheckOutcomeAt {
  readonly atMs: number;
  readonly checkId: string;
  readonly outcome: Outcome;
}

/** What a verifier did with one run: answered, or why not (never counted as a success). */
export const VERIFICATION_STATUSES = ['answered', 'timeout', 'bad-answer', 'failed'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

export interface StoredVerification {
  readonly atMs: number;
  readonly verifier: string;
  readonly runId: string;
  readonly traceId: string;
  readonly status: VerificationStatus;
  /** Only for `answered`. */
  readonly outcome?: 'success' | 'failure';
  /** The verifier's reason, or what was wrong with its answer. */
  readonly reason: string;
  readonly durationMs: number;
}
