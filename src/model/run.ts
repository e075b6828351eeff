import type { RiskClass } from './system.js';

/**
 * The normalized model every evidence adapter produces and every measured check reads.
 * Unknown stays unknown: a field an adapter could not fill is absent, never guessed.
 */

export type ClaimedStatus = 'success' | 'failure' | 'escalated' | 'unknown';
export type VerifiedOutcome = 'success' | 'failure' | 'unknown';

export interface RunOutcome {
  readonly status: VerifiedOutcome;
  /** 0..1 when the grader gives a score. */
  readonly score?: number;
  /** Who said so: an evaluation event, a labels file, a probe verifier. */
  readonly source: string;
}

export interface Run {
  readonly id: string;
  /** Groups repeated trials of the same task (pass^k). */
  readonly taskId?: string;
  readonly trial?: number;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly steps: readonly Step[];
  /** What the agent said about its own run. */
  readonly claimedStatus: ClaimedStatus;
  /** What verification says. */
  readonly outcome: RunOutcome;
  /** The checkpoint this run resumed from, if it was a resume. */
  readonly resumedFrom?: string;
}

export type StepKind = 'llm' | 'tool' | 'approval' | 'checkpoint' | 'review' | 'handoff' | 'guardrail' | 'memory' | 'other';

export interface StepError {
  readonly type: string;
  readonly message?: string;
}

export interface Message {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string;
}

interface StepBase {
  readonly id: string;
  readonly parentId?: string;
  readonly name: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly status: 'ok' | 'error';
  readonly error?: StepError;
}

export interface LlmStep extends StepBase {
  readonly kind: 'llm';
  readonly model?: string;
  readonly inputMessages?: readonly Message[];
  readonly outputMessages?: readonly Message[];
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly confidence?: number;
}

export interface ToolStep extends StepBase {
  readonly kind: 'tool';
  readonly toolName: string;
  readonly callId?: string;
  readonly arguments?: unknown;
  readonly result?: unknown;
  readonly risk?: RiskClass;
}

export type ApprovalDecision = 'approved' | 'denied' | 'modified' | 'timeout';

export interface ApprovalStep extends StepBase {
  readonly kind: 'approval';
  readonly decision: ApprovalDecision;
  /** The tool call this approval authorizes. */
  readonly toolCallId?: string;
  readonly actor?: string;
}

export interface OtherStep extends StepBase {
  readonly kind: 'checkpoint' | 'review' | 'handoff' | 'guardrail' | 'memory' | 'other';
}

export type Step = LlmStep | ToolStep | ApprovalStep | OtherStep;
