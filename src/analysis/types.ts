import type { Run } from '../model/index.js';
import type { ReliabilityAnalysis } from './reliability.js';
import type { OutcomeAnalysis } from './outcomes.js';
import type { PassKAnalysis } from './pass-k.js';
import type { CompoundingAnalysis } from './compounding.js';
import type { RetryAnalysis } from './retries.js';
import type { LoopAnalysis } from './loops.js';
import type { CascadeAnalysis } from './cascades.js';
import type { BudgetAnalysis } from './budgets.js';
import type { ContextAnalysis } from './context.js';
import type { OversightAnalysis } from './oversight.js';
import type { CheckpointAnalysis } from './checkpoints.js';
import type { ContractAnalysis } from './contracts.js';
import type { StateWriteAnalysis } from './state-writes.js';
import type { AssemblyAnalysis } from './assembly.js';
import type { MemoryAnalysis } from './memory.js';
import type { IsolationAnalysis } from './isolation.js';

export type { ReliabilityAnalysis } from './reliability.js';
export type { OutcomeAnalysis } from './outcomes.js';
export type { PassKAnalysis } from './pass-k.js';
export type { CompoundingAnalysis } from './compounding.js';
export type { RetryAnalysis } from './retries.js';
export type { LoopAnalysis } from './loops.js';
export type { CascadeAnalysis } from './cascades.js';
export type { BudgetAnalysis } from './budgets.js';
export type { ContextAnalysis } from './context.js';
export type { OversightAnalysis } from './oversight.js';
export type { CheckpointAnalysis } from './checkpoints.js';
export type { ContractAnalysis } from './contracts.js';
export type { StateWriteAnalysis } from './state-writes.js';
export type { AssemblyAnalysis } from './assembly.js';
export type { MemoryAnalysis } from './memory.js';
export type { IsolationAnalysis, LeakExample } from './isolation.js';

/**
 * Measured analyses of trace evidence. Each is computed by a streaming analyzer that sees one
 * completed run at a time and keeps only aggregates plus a bounded list of example references, so
 * memory stays flat however large the corpus. Results carry raw figures (counts, histograms), not
 * verdicts: checks apply their own thresholds (per-check options) to them.
 */
export interface RunAnalyzer<Result> {
  add(run: Run): void;
  finish(): Result;
}

/** At most this many example references per figure: enough to follow, bounded in memory. */
export const MAX_EXAMPLES = 10;

/** A pointer to the proof: a run (and a span in it) a reader can open. */
export interface RunRef {
  readonly runId: string;
  readonly spanId?: string;
  readonly file?: string;
  readonly line?: number;
  /** Why this run is an example, in a few words ("claimed success; graded failure"). */
  readonly note?: string;
}

/** A proportion with its Wilson 95% interval; `rate` and `interval` are null when there are no trials. */
export interface Rate {
  readonly successes: number;
  readonly trials: number;
  readonly rate: number | null;
  readonly interval: readonly [number, number] | null;
}

/** count of items by an integer key (e.g. retries per failing call → number of calls). */
export type Histogram = Readonly<Record<number, number>>;

export interface TraceAnalyses {
  readonly runs: number;
  readonly steps: number;
  readonly reliability: ReliabilityAnalysis;
  readonly outcomes: OutcomeAnalysis;
  readonly passK: PassKAnalysis;
  readonly compounding: CompoundingAnalysis;
  readonly retries: RetryAnalysis;
  readonly loops: LoopAnalysis;
  readonly cascades: CascadeAnalysis;
  readonly budgets: BudgetAnalysis;
  readonly context: ContextAnalysis;
  readonly oversight: OversightAnalysis;
  readonly checkpoints: CheckpointAnalysis;
  readonly contracts: ContractAnalysis;
  readonly stateWrites: StateWriteAnalysis;
  readonly assembly: AssemblyAnalysis;
  readonly memory: MemoryAnalysis;
  readonly isolation: IsolationAnalysis;
}
