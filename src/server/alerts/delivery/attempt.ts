import type { AlertNotification } from '../types.js';

/** What one try of one delivery came to. */
export type AttemptResult =
  | { readonly outcome: 'delivered' }
  /** Worth trying again (network error, timeout, 408, 429, 5xx, a command's non-zero exit); `retryAfterMs` when the receiver said when. */
  | { readonly outcome: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  /** Trying again cannot help (4xx other than 408/429, a command that does not exist). */
  | { readonly outcome: 'give-up'; readonly reason: string };

/** Where notifications go. `name` appears in logs, so it never holds a secret. */
export interface DeliveryTarget {
  readonly name: string;
  send(notification: AlertNotification, signal: AbortSignal): Promise<AttemptResult>;
}

export interface RetryPolicy {
  /** Tries per notification, the first included. */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the doubled delay is fixed, half random, so
 * retries of many notifications spread out but never collapse to zero. `retry` counts from 1.
 */
export function retryDelayMs(retry: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(retry - 1, 30));
  const jittered = exponential / 2 + (exponential / 2) * random();
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
}
