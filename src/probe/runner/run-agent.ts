import type { AgentExit, AgentInvocation, AgentTarget } from '../types.js';
import { runCommandAgent } from './command-agent.js';
import { runHttpAgent } from './http-agent.js';

export interface RunLimits {
  /**
   * Most stdout (or HTTP body) held at once: the longest line read for a claim. Every byte is
   * counted; a longer line is dropped unread, and output past this total sets `outputTruncated`.
   * Default 1 MiB.
   */
  readonly maxStdoutBytes?: number;
  /** Between SIGTERM to the agent's process group and SIGKILL. Default 2000 ms. */
  readonly killGraceMs?: number;
}

export const DEFAULT_MAX_STDOUT_BYTES = 1024 * 1024;
export const DEFAULT_KILL_GRACE_MS = 2000;

/**
 * Runs the agent under test once, under the agent contract (DESIGN.md), and reports what the
 * process did. Never throws for the agent's sake: a command that cannot start, or an endpoint that
 * refuses the connection, is an exit with `startError`. Resolves only once the agent (and, for a
 * command, every process of its group) has ended.
 */
export function runAgent(target: AgentTarget, invocation: AgentInvocation, limits: RunLimits = {}): Promise<AgentExit> {
  const resolved = {
    maxStdoutBytes: Math.max(1, limits.maxStdoutBytes ?? DEFAULT_MAX_STDOUT_BYTES),
    killGraceMs: Math.max(0, limits.killGraceMs ?? DEFAULT_KILL_GRACE_MS),
  };
  switch (target.kind) {
    case 'command':
      return runCommandAgent(target, invocation, resolved);
    case 'http':
      return runHttpAgent(target, invocation, resolved);
  }
}
