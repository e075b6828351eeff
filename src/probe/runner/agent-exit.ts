import type { AgentExit, AgentInvocation } from '../types.js';

/** Limits of one agent run, resolved. */
export interface ResolvedLimits {
  readonly maxStdoutBytes: number;
  readonly killGraceMs: number;
}

export const STDERR_TAIL_BYTES = 4096;

/** setTimeout fires at once for delays past 2^31 − 1 ms; no trial is that long. */
export function timerDelay(ms: number): number {
  return Math.min(Math.max(0, ms), 2 ** 31 - 1);
}

/**
 * Calls `stop` when mimir's deadline for the run passes or its signal aborts (the planned kill), whichever
 * comes first; the returned function disarms both. Shared by command and HTTP agents.
 */
export function armStop(invocation: Pick<AgentInvocation, 'timeoutMs' | 'deadlineMs' | 'signal'>, stop: (why: 'timeout' | 'abort') => void): () => void {
  const timer = setTimeout(() => {
    stop('timeout');
  }, timerDelay(invocation.deadlineMs ?? invocation.timeoutMs));
  const onAbort = (): void => {
    stop('abort');
  };
  invocation.signal?.addEventListener('abort', onAbort, { once: true });
  return () => {
    clearTimeout(timer);
    invocation.signal?.removeEventListener('abort', onAbort);
  };
}

/** The agent could not be started: an infrastructure failure, never a verdict on the agent. */
export function failedStart(startError: string, durationMs: number): AgentExit {
  return { ...nothingRan(durationMs), startError };
}

/** Stopped before it started (the abort signal had already fired): a planned kill, nothing ran. */
export function stoppedBeforeStart(): AgentExit {
  return { ...nothingRan(0), killed: true };
}

/** The agent produced nothing: the base of the exits above, and of a request stopped before any answer. */
export function nothingRan(durationMs: number): AgentExit {
  return {
    claim: { status: 'unknown' },
    exitCode: null,
    signal: null,
    timedOut: false,
    killed: false,
    durationMs,
    stdoutBytes: 0,
    stderrTail: '',
    outputTruncated: false,
  };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
