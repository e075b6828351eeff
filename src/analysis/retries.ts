import type { RunRef, Histogram } from './types.js';

export interface RetryAnalysis {
  /** Distinct failing calls (a tool call that failed, with the retries of the same tool and arguments after it). */
  readonly failingCalls: number;
  /** Retries per failing call → how many failing calls. */
  readonly retriesPerFailingCall: Histogram;
  /** Sequences with at least two retries, and among them those whose gaps grew (backoff). */
  readonly retrySequences: number;
  readonly sequencesWithBackoff: number;
  readonly examples: readonly RunRef[];
}
