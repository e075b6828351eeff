import type { DurableBatch } from '../ingest/batch.js';
import type { Run } from '../../model/index.js';
import type { ServeStore, StoredLabel, StoredRun } from '../store/types.js';
import { labelKeys, labelled, runFacts, type RunAssembler } from './assemble-run.js';

/**
 * Runs assembled live. A trace is open while spans keep arriving; it closes when its root span has
 * ended and nothing more has arrived for the quiet period (or, root or not, after `maxOpenMs` of
 * silence). Closing assembles the run from the store, grades it with the latest label, stores its
 * facts and hands it to every `onRunClosed` hook: the place later work plugs in (verifiers sample
 * closed runs, alert rules evaluate them, readiness windows are recomputed from them).
 *
 * A span that arrives after its run closed opens the trace again; the run is assembled anew from
 * all its spans and replaces the stored one. Nothing here is the only copy: open traces are found
 * again in the store on start (`restore`), so a restart loses no run.
 */
export interface LiveRunOptions {
  /** Silence after the root span ends before the run closes. */
  readonly quietMs: number;
  /** Silence after which a trace closes even without an ended root (its run is then incomplete). */
  readonly maxOpenMs: number;
  /** Open traces kept at most; past it the longest-silent closes early (bounded memory). */
  readonly maxOpenTraces: number;
  readonly now?: () => number;
  /** A run could not be closed (the store failed): it stays open and is tried again. */
  readonly onError?: (error: unknown) => void;
}

/** Traces closed together: one read of the span table and one transaction per chunk. */
const CLOSE_CHUNK = 200;

export type RunClosedHook = (run: StoredRun) => void | Promise<void>;

interface OpenTrace {
  lastArrivalMs: number;
  rootEnded: boolean;
  /** Close at the next tick, whatever the quiet period says (a label arrived for a closed run). */
  due: boolean;
}

export class LiveRuns {
  private readonly open = new Map<string, OpenTrace>();
  /**
   * Traces closed lately whose root had ended, oldest first: a late span of one reopens it knowing
   * its root is done, so it closes after the quiet period again. Bounded; a span later than that
   * waits for `maxOpenMs` instead.
   */
  private readonly closedWithRoot = new Set<string>();
  private readonly hooks: RunClosedHook[] = [];
  /**
   * Names labels were stored under while a close was between reading labels and storing its runs.
   * Such a label is missed twice: the close read the labels before it, and looking up the runs it
   * names (`tracesNamedBy`) finds none, as they are not stored yet. The close checks these names
   * once its runs are stored and grades those runs again.
   */
  private labelledDuringClose: Set<string> | undefined;
  private closing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closedCount = 0;
  private stopping = false;
  private readonly now: () => number;

  constructor(
    private readonly store: ServeStore,
    private readonly assembler: RunAssembler,
    private readonly options: LiveRunOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  onRunClosed(hook: RunClosedHook): void {
    this.hooks.push(hook);
  }

  get openCount(): number {
    return this.open.size;
  }

  get closed(): number {
    return this.closedCount;
  }

  /** Traces the store holds spans of that no stored run has seen: open again, as if just arrived. */
  async restore(): Promise<void> {
    for (const trace of await this.store.tracesToAssemble()) this.open.set(trace.traceId, { lastArrivalMs: this.now(), rootEnded: trace.rootEnded, due: false });
  }

  /** A batch is in the store: its traces are open (again), their clocks restarted. */
  noteBatch(batch: DurableBatch): void {
    const now = this.now();
    const touch = (traceId: string, rootEnded: boolean): void => {
      const trace = this.open.get(traceId);
      if (trace) {
        trace.lastArrivalMs = now;
        trace.rootEnded ||= rootEnded;
      } else {
        this.open.set(traceId, { lastArrivalMs: now, rootEnded: rootEnded || this.closedWithRoot.has(traceId), due: false });
      }
    };
    for (const { span } of batch.spans) touch(span.traceId, span.parentSpanId === undefined && span.endMs !== undefined);
    for (const event of batch.events) touch(event.traceId, false);
    for (const traceId of batch.damagedTraces) touch(traceId, false);
  }

  /**
   * A label is in the store under these names, and these traces' stored runs are the ones it names:
   * they are graded again at the next tick, and so is a run being closed right now that it names.
   */
  labelStored(names: readonly string[], storedTraceIds: readonly string[]): void {
    if (this.labelledDuringClose) for (const name of names) this.labelledDuringClose.add(name);
    this.reassess(storedTraceIds);
  }

  /** Assesses these traces' runs again at the next tick. */
  private reassess(traceIds: readonly string[]): void {
    for (const traceId of traceIds) {
      const trace = this.open.get(traceId);
      if (trace) trace.due = true;
      else this.open.set(traceId, { lastArrivalMs: this.now(), rootEnded: true, due: true });
    }
  }

  start(): void {
    const every = Math.max(20, Math.min(250, Math.floor(this.options.quietMs / 2)));
    this.timer = setInterval(() => {
      void this.closeDue();
    }, every);
    this.timer.unref();
  }

  /** Closes every trace that is due; one pass at a time. */
  closeDue(): Promise<void> {
    this.closing ??= this.closePass().finally(() => {
      this.closing = undefined;
    });
    return this.closing;
  }

  /** Stops closing runs; the traces still open stay in the store and are found again on start. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.closing;
  }

  private async closePass(): Promise<void> {
    const now = this.now();
    const due: string[] = [];
    for (const [traceId, trace] of this.open) {
      const silent = now - trace.lastArrivalMs;
      if (trace.due || (trace.rootEnded && silent >= this.options.quietMs) || silent >= this.options.maxOpenMs) due.push(traceId);
    }
    // Past the bound, the longest-silent traces close now (Map order is first arrival; good enough as "oldest").
    const excess = this.open.size - due.length - this.options.maxOpenTraces;
    if (excess > 0) {
      // A set: with tens of thousands open, `due.includes` per trace was quadratic.
      const dueNow = new Set(due);
      for (const traceId of [...this.open.keys()].filter((id) => !dueNow.has(id)).slice(0, excess)) due.push(traceId);
    }
    for (let start = 0; start < due.length && !this.stopping; start += CLOSE_CHUNK) {
      const chunk = due.slice(start, start + CLOSE_CHUNK);
      const closing = chunk.map((traceId) => [traceId, this.open.get(traceId)] as const);
      for (const [traceId, trace] of closing) {
        this.open.delete(traceId);
        if (trace?.rootEnded === true) this.rememberClosed(traceId);
      }
      try {
        await this.closeTraces(chunk);
      } catch (error) {
        this.options.onError?.(error);
        // The store refused (it is failing): open again, tried at a later tick.
        for (const traceId of chunk) this.open.set(traceId, { lastArrivalMs: this.now(), rootEnded: true, due: false });
      }
    }
  }

  /** Many traces at once: one read of their spans, one transaction for their runs. */
  private async closeTraces(traceIds: readonly string[]): Promise<void> {
    const contents = await this.store.tracesContents(traceIds);
    const assembled: { traceId: string; service: string; lastSequence: number; run: Run }[] = [];
    for (const [traceId, trace] of contents) {
      if (trace.spans.length === 0) continue;
      const service = trace.spans.find((stored) => stored.span.parentSpanId === undefined)?.service ?? trace.spans[0]?.service ?? '';
      for (const run of this.assembler.assemble(trace).runs) assembled.push({ traceId, service, lastSequence: trace.lastSequence, run });
    }
    const labelledMeanwhile = new Set<string>();
    this.labelledDuringClose = labelledMeanwhile;
    let stored: StoredRun[];
    try {
      const labels = await this.store.labelsNaming([...new Set(assembled.flatMap(({ run }) => labelKeys(run)))]);
      stored = assembled.map(({ traceId, service, lastSequence, run }): StoredRun => {
        const graded = labelled(run, latestLabelFor(run, labels));
        return { facts: runFacts(graded, traceId, service, lastSequence, this.now()), run: graded };
      });
      await this.store.putRuns(stored);
    } finally {
      this.labelledDuringClose = undefined;
    }
    this.reassess([...new Set(assembled.filter(({ run }) => labelKeys(run).some((key) => labelledMeanwhile.has(key))).map(({ traceId }) => traceId))]);
    this.closedCount += stored.length;
    for (const run of stored) for (const hook of this.hooks) await hook(run);
  }

  private rememberClosed(traceId: string): void {
    this.closedWithRoot.delete(traceId);
    this.closedWithRoot.add(traceId);
    if (this.closedWithRoot.size > this.options.maxOpenTraces) {
      const oldest = this.closedWithRoot.values().next().value;
      if (oldest !== undefined) this.closedWithRoot.delete(oldest);
    }
  }
}

/** The latest label naming the run by any of its keys (a correction replaces an earlier label). */
function latestLabelFor(run: Run, labels: readonly StoredLabel[]): StoredLabel | undefined {
  const keys = new Set(labelKeys(run));
  let latest: StoredLabel | undefined;
  for (const label of labels) {
    if (!keys.has(label.key) && !label.aliases.some((alias) => keys.has(alias))) continue;
    if (latest === undefined || label.receivedAtMs >= latest.receivedAtMs) latest = label;
  }
  return latest;
}
