/**
 * Time limits an agent can know. `probes.agent.timeoutMs` is the agent's limit: it is told it
 * (`MIMIR_TIMEOUT_MS`) and should end by itself, with a claim, within it. mimir's own deadline, at
 * which it stops the agent, is later by a headroom, so that a loaded machine (slow starts, late
 * timers) does not turn a well-built agent's own timeouts into mimir's:
 *
 *   deadline = timeoutMs + max(5 s, timeoutMs / 2)
 *
 * A run stopped at the deadline is judged by what it was doing then (verify-trial.ts): a call reached
 * the proxy or an answer left it within the last `progressWindowMs` = min(headroom, timeoutMs) →
 * still working, mimir's time pressure, inconclusive; idle longer than that (waiting on a hung
 * call, or on nothing) → it did not end by itself, fail. The window is never longer than the limit:
 * an agent that respects its own limit never waits on one call longer than its whole limit.
 */
export const MIN_HEADROOM_MS = 5000;

export function deadlineHeadroomMs(timeoutMs: number): number {
  return Math.max(MIN_HEADROOM_MS, Math.round(timeoutMs / 2));
}

export function probeDeadlineMs(timeoutMs: number): number {
  return timeoutMs + deadlineHeadroomMs(timeoutMs);
}

export function progressWindowMs(timeoutMs: number): number {
  return Math.min(deadlineHeadroomMs(timeoutMs), timeoutMs);
}
