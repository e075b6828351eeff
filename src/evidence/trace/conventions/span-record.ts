import type { ClaimedStatus, Step, ToolDefinition, VerifiedOutcome } from '../../../model/index.js';
import type { SourcePosition } from '../span.js';

/**
 * A span after the conventions have read it: its step, whatever it says about the run, and the
 * bare structure the assembler needs. The raw attributes are gone by now, so a trace in flight
 * holds only what the Run will keep.
 */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly startMs: number | undefined;
  readonly endMs: number | undefined;
  /** The span as a step. Its parentId is set by the assembler, which knows the trace's shape. */
  readonly step: Step;
  /** Steps carried by the span's events (approvals, checkpoints), children of the span. */
  readonly eventSteps: readonly TimedStep[] | undefined;
  /** Run-level attributes, read from root spans (and from any span naming the run). */
  readonly run: RunAttributes | undefined;
  readonly outcome: OutcomeRecord | undefined;
  readonly conversationId: string | undefined;
  readonly toolDefinitions: readonly ToolDefinition[] | undefined;
  readonly position: SourcePosition;
  readonly damaged: boolean;
  readonly approxBytes: number;
}

export interface TimedStep {
  readonly step: Step;
  readonly startMs: number | undefined;
}

export interface RunAttributes {
  readonly runId?: string;
  readonly taskId?: string;
  readonly trial?: number;
  readonly claimedStatus?: ClaimedStatus;
  readonly resumedFrom?: string;
  readonly infrastructureError?: string;
  readonly timing?: 'recorded' | 'synthetic' | 'derived';
}

/** A gen_ai.evaluation.result event named `outcome`. */
export interface OutcomeRecord {
  readonly status: VerifiedOutcome;
  readonly score?: number;
  readonly timeMs: number | undefined;
}
