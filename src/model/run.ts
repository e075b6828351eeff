import type { RiskClass } from './system.js';

/**
 * The normalized model every evidence adapter produces and every measured check reads.
 * Unknown stays unknown: a field an adapter could not fill is absent, never guessed.
 */

export const CLAIMED_STATUSES = ['success', 'failure', 'escalated', 'unknown'] as const;
export type ClaimedStatus = (typeof CLAIMED_STATUSES)[number];
export type VerifiedOutcome = 'success' | 'failure' | 'unknown';

export interface RunOutcome {
  readonly status: VerifiedOutcome;
  /** 0..1 when the grader gives a score. */
  readonly score?: number;
  /** Who said so: an evaluation event, a labels file, a probe verifier. */
  readonly source: string;
}

/** Where a run was read from, so reports can link to it. */
export interface RunSource {
  readonly file: string;
  /** Line of the JSON Lines document (or first line) that carried the run's root. */
  readonly line?: number;
  readonly traceId?: string;
}

/** A tool as the trace declared it to the model (e.g. `gen_ai.tool.definitions`). */
export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  /** JSON Schema of the arguments. */
  readonly inputSchema?: unknown;
  /** JSON Schema of the result, when declared. */
  readonly outputSchema?: unknown;
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
  /**
   * Set when the run failed for infrastructure reasons (the harness, not the agent): such runs are
   * excluded from pass^k and success rates, and counted.
   */
  readonly infrastructureError?: string;
  /** `gen_ai.conversation.id`, when recorded: a labels file may name runs by it. */
  readonly conversationId?: string;
  readonly toolDefinitions?: readonly ToolDefinition[];
  readonly source?: RunSource;
  /**
   * True when the reader had to drop or repair part of this run (a damaged line, a missing parent):
   * analyses may use what is there, but a damaged run never counts as a success.
   */
  readonly damaged?: boolean;
  /** How the run was recorded, where it limits what can be read from it (detected by the reader). */
  readonly recording?: RunRecording;
  /** Set on a run the agent traced while mimir probed it: which scenario, and whether mimir interfered. */
  readonly probe?: ProbedRun;
}

/**
 * A traced run of a probe trial. `interfered` is true when mimir's plan changed what the run could
 * do (a fault fired, an approval was denied or timed out): such runs show behaviour under failure,
 * but they are not samples of normal operation, so the reliability figures (per-step reliability,
 * observed end-to-end success, pass^k) leave them out.
 */
export interface ProbedRun {
  readonly scenarioId: string;
  readonly family: string;
  readonly interfered: boolean;
}

/**
 * Properties of a run's recording that decide what its traces can support: message inputs recorded
 * in full or as per-call deltas; timestamps recorded or made up by a converter.
 */
export interface RunRecording {
  readonly messages?: 'full' | 'delta';
  /** `synthetic`: invented by a converter; `derived`: interpolated from other times. Neither measures a duration. */
  readonly timing?: 'recorded' | 'synthetic' | 'derived';
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
  /** The model's context window in tokens, when the trace or mimir.yaml says. */
  readonly contextWindow?: number;
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
  /** Set when the call reads or changes long-term memory and the trace says so (`mimir.memory.*`). */
  readonly memory?: MemoryAccess;
  /** Set when the call writes shared state and the trace names the key (`mimir.state.*`). */
  readonly stateWrite?: StateWrite;
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
  /** What a `memory` step (or any step the trace marks) did to long-term memory (`mimir.memory.*`). */
  readonly memory?: MemoryAccess;
  /** A write to shared state the trace names the key of (`mimir.state.*`). */
  readonly stateWrite?: StateWrite;
}

export type MemoryOperation = 'read' | 'write' | 'delete';

/**
 * One access to long-term memory (a store that outlives the run), as the trace records it. Every
 * field but the operation is optional: a missing scope is recorded as missing, never guessed.
 */
export interface MemoryAccess {
  readonly operation: MemoryOperation;
  /** The user, tenant or task the entry belongs to, or the filter a read applied. */
  readonly scope?: string;
  /** The entry written, read or deleted (its id or key). */
  readonly key?: string;
  /** The content written, or what a read returned. */
  readonly content?: string;
}

/**
 * One write to shared state (the agent's state object, a blackboard, a record the agent edits),
 * with what makes it explicit: the version it was based on, the version it produced, or the merge
 * that combines it with concurrent writes.
 */
export interface StateWrite {
  /** Which key, field or record the write changes. */
  readonly key: string;
  /** The version of the key the write read and was based on (compare-and-set). */
  readonly baseVersion?: string;
  /** The version the write produced. */
  readonly version?: string;
  /** The merge that combines it with concurrent writes (a reducer, a CRDT), when it is not an overwrite. */
  readonly merge?: string;
}

export type Step = LlmStep | ToolStep | ApprovalStep | OtherStep;
