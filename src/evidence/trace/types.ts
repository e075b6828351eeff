import type { Run, ToolDeclaration } from '../../model/index.js';
import type { TraceProblem } from '../types.js';

/**
 * The contract every trace reader implements: bytes of one source in, normalized Runs out, one at
 * a time (never a whole corpus in memory), every problem reported to the sink with its location.
 */
export type TraceFormat = 'otlp-json' | 'otlp-protobuf' | 'openai-agents' | 'langsmith';

/** A team's own attribute names mapped onto mimir's vocabulary (the `traces.mapping` section of mimir.yaml). */
export interface AttributeMapping {
  readonly taskId?: readonly string[];
  readonly claimedStatus?: readonly string[];
  readonly approvalDecision?: readonly string[];
  readonly approvalToolCallId?: readonly string[];
  readonly approvalActor?: readonly string[];
  readonly checkpointId?: readonly string[];
  readonly confidence?: readonly string[];
  readonly toolRisk?: readonly string[];
  readonly runId?: readonly string[];
  readonly trial?: readonly string[];
  readonly resumedFrom?: readonly string[];
  readonly infrastructureError?: readonly string[];
  readonly stepKind?: readonly string[];
  readonly memoryOperation?: readonly string[];
  readonly memoryScope?: readonly string[];
  readonly memoryKey?: readonly string[];
  readonly memoryContent?: readonly string[];
  readonly stateKey?: readonly string[];
  readonly stateBaseVersion?: readonly string[];
  readonly stateVersion?: readonly string[];
  readonly stateMerge?: readonly string[];
}

export interface TraceReadOptions {
  /** Tools and their risk classes from mimir.yaml: tool steps get a `risk` from them. */
  readonly tools: readonly ToolDeclaration[];
  readonly mapping: AttributeMapping;
  /** Regular expressions (source text): a tool result matching one is a failed step, whatever the span status says. */
  readonly errorResultPatterns: readonly string[];
  /** Context window by model name (exact or wildcard), for utilization. */
  readonly contextWindows: Readonly<Record<string, number>>;
  /** Largest attribute value kept, in bytes; larger ones are truncated and reported. */
  readonly maxAttributeBytes: number;
  /**
   * Tools through which the agent asks a person's approval: a call of one is an approval record
   * (default: the agent contract's `request_approval`; `probes.approvalTool` adds the agent's own).
   */
  readonly approvalTools?: readonly string[];
}

export interface ProblemSink {
  report(problem: TraceProblem): void;
  /** A run the reader dropped or repaired. */
  damagedRun(runId: string): void;
  /** A record (line, document, span) skipped entirely. */
  skipped(): void;
}

export interface ReadProgress {
  readonly file: string;
  readonly bytesRead: number;
  readonly totalBytes: number | undefined;
  readonly spans: number;
  readonly runs: number;
}

export interface TraceReader {
  readonly format: TraceFormat;
  /** Reads one file and yields each run once it is complete. */
  read(path: string, options: TraceReadOptions, sink: ProblemSink, onProgress?: (progress: ReadProgress) => void): AsyncIterable<Run>;
}
