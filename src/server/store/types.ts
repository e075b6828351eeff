import type { ClaimedStatus, Run, RunOutcome, Verdict } from '../../model/index.js';
import type { DurableBatch, StoredEvent, StoredSpan } from '../ingest/batch.js';
import type { HistoryStore } from './history-types.js';

/**
 * The one interface between `mimir serve` and its database. Everything the server keeps goes
 * through it, and every query it asks is written so that a ClickHouse backend could answer it too:
 * one wide span table ordered by (service, start, trace), runs as rows of per-run facts, plain
 * aggregates with a time predicate, no engine-specific functions in the windows' SQL.
 *
 * The store is fed only from the durable ingest log (`segment-log.ts`): a batch is applied with the
 * log sequence it came from, in one transaction, so after a crash the server replays exactly the
 * batches the store has not applied.
 */
export interface ServeStore extends HistoryStore {
  /** The sequence of the last batch applied (0 for a new store): replay starts after it. */
  appliedSequence(): Promise<number>;
  /** Applies batches (spans, log events, damage marks) and records the last one's sequence, atomically. */
  applyBatches(batches: readonly DurableBatch[]): Promise<void>;
  /** Every span and log event of one trace, in arrival order: what a run is assembled from. */
  traceContents(traceId: string): Promise<TraceContents>;
  /** The same for many traces in one pass over the span table (closing runs under load). */
  tracesContents(traceIds: readonly string[]): Promise<ReadonlyMap<string, TraceContents>>;
  /** Traces with spans no stored run has seen yet (on start, they are assembled again). */
  tracesToAssemble(): Promise<readonly OpenTrace[]>;
  /** Stores (or replaces) runs' facts and the runs themselves, in one transaction. */
  putRuns(runs: readonly StoredRun[]): Promise<void>;
  findRuns(filter: RunFilter): Promise<readonly RunFacts[]>;
  /** One run by run id or trace id. */
  getRun(id: string): Promise<StoredRun | undefined>;
  /** The runs that started within a window, oldest first, each once (for the analyses). */
  runsInWindow(window: TimeWindow): AsyncIterable<Run>;
  /** Tool calls and their errors per tool within a window, from the span table. */
  toolErrorRates(window: TimeWindow): Promise<readonly ToolErrorRate[]>;
  putLabel(label: StoredLabel): Promise<void>;
  /** Every label stored under any of these keys (run ids, trace ids, conversation ids) or naming one as an alias. */
  labelsNaming(keys: readonly string[]): Promise<readonly StoredLabel[]>;
  /** Trace ids of runs that any of these keys names (to re-assess them when a label arrives). */
  tracesNamedBy(keys: readonly string[]): Promise<readonly string[]>;
  counts(): Promise<{ readonly spans: number; readonly runs: number }>;
  /** Keeps an audit report (`mimir audit --server`); one with the same id is replaced. */
  putAudit(audit: StoredAudit): Promise<void>;
  /** The audits kept, newest received first, without their reports. */
  listAudits(limit: number): Promise<readonly AuditRecord[]>;
  /** One audit with its report JSON as kept. */
  getAudit(id: string): Promise<StoredAudit | undefined>;
  close(): Promise<void>;
}

/** What the audit list shows of a kept audit report. */
export interface AuditRecord {
  readonly id: string;
  readonly receivedAtMs: number;
  /** The audit's own time, its stamp's `generatedAt`, as written. */
  readonly auditedAt: string;
  readonly system: string;
  readonly score: number;
  readonly verdict: Verdict;
  readonly source: 'pushed' | 'window';
}

export interface StoredAudit extends AuditRecord {
  /** The report JSON, as `mimir audit --format json` writes it (redacted by the server unless `--no-redact`). */
  readonly reportJson: string;
}

export interface TraceContents {
  readonly spans: readonly StoredSpan[];
  readonly events: readonly StoredEvent[];
  /** A span of this trace was rejected at ingest: the run is incomplete. */
  readonly damaged: boolean;
  /** The highest ingest sequence among them: a run assembled from these has seen up to here. */
  readonly lastSequence: number;
}

export interface OpenTrace {
  readonly traceId: string;
  readonly rootEnded: boolean;
}

/** Half-open window [fromMs, toMs) in Unix milliseconds. */
export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** The per-run facts the run list filters on; the run itself is stored beside them. */
export interface RunFacts {
  readonly runId: string;
  readonly traceId: string;
  readonly service: string;
  readonly startedAtMs: number | undefined;
  readonly endedAtMs: number | undefined;
  readonly taskId: string | undefined;
  readonly claimedStatus: ClaimedStatus;
  readonly outcomeStatus: RunOutcome['status'];
  readonly outcomeSource: string | undefined;
  readonly steps: number;
  readonly failedSteps: number;
  /** Tools called, and those that failed at least once. */
  readonly tools: readonly string[];
  readonly failedTools: readonly string[];
  readonly damaged: boolean;
  /** When the run was (last) closed, Unix ms. */
  readonly closedAtMs: number;
  /** The highest ingest sequence the run was assembled from. */
  readonly lastSequence: number;
}

export interface StoredRun {
  readonly facts: RunFacts;
  readonly run: Run;
}

export interface RunFilter {
  readonly claimed?: ClaimedStatus;
  readonly outcome?: RunOutcome['status'];
  readonly tool?: string;
  /** `step`: some step failed; `silent`: claimed success, verified failure. */
  readonly failure?: 'step' | 'silent';
  readonly window?: TimeWindow;
  readonly limit: number;
}

export interface ToolErrorRate {
  readonly tool: string;
  readonly calls: number;
  readonly errors: number;
}

export interface StoredLabel {
  readonly key: string;
  /** Extra names the label was given (trace id, conversation id). */
  readonly aliases: readonly string[];
  readonly outcome: 'success' | 'failure';
  readonly score?: number;
  readonly receivedAtMs: number;
  /** Who graded the run: absent for the labels API, `verifier:<name>` for a verifier's answer. */
  readonly source?: string;
}
