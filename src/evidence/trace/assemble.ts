// Over 400 lines on purpose: the trace lifecycle (held, complete, flushed, straggler) and the integrity checks of a finished trace are one documented state machine.
import type { Run, RunOutcome, Step, ToolDefinition } from '../../model/index.js';
import type { FileProblems } from './problems.js';
import { readApprovalRequests } from './conventions/approval-requests.js';
import type { SpanRecord } from './conventions/span-record.js';

/**
 * Assembling spans into Runs with bounded memory.
 *
 * Spans of one trace may arrive across many documents (the Collector's file exporter writes one
 * batch per line, and a batch holds whatever spans ended in that interval), interleaved with other
 * traces. Only traces in flight are held. A trace is complete when it has a root, every span seen
 * has ended, and no span waits for a parent not yet seen; it is then held for a few more records
 * (`graceRecords`), because a span that ends after its root (a fire-and-forget child) is exported
 * in a later batch. Then it becomes a Run and is let go. Its trace id is remembered for
 * `stragglerRecords` more records: a span of it arriving in that window is a straggler, reported
 * and dropped (the run, already emitted, is counted damaged) rather than made into a second,
 * rootless run. After the window the id is forgotten: a span bearing it starts a new trace (a
 * reused trace id; a truly late fragment then shows up as a rootless, damaged run).
 *
 * Flush policy: when more than `maxTracesInFlight` traces, or more than `maxBytesInFlight` bytes of
 * spans, are held, the least recently touched trace is flushed early: a complete one normally,
 * an incomplete one exactly as at the end of the input (its missing root, unended spans and missing
 * parents reported, the run marked damaged). A corpus that never completes its traces therefore
 * costs reports, not memory.
 *
 * Integrity problems, all located at the span concerned: missing parents (the span is attached to
 * the run's root), parent cycles (broken at the span where the cycle closes), duplicate span ids
 * (the first is kept), unended spans, no root (the earliest top-level span stands in), multiple roots
 * (the earliest is the root, the others its top-level steps), and clock skew. Every one but clock
 * skew marks the run damaged; skew only makes timings approximate, so it is reported, not damaging
 * (but a root that ends before it starts leaves the run without times at all: that is damage).
 *
 * Lost records (a line that does not parse, a span without ids): the traces they name are damaged,
 * now or when they appear. A loss that cannot be attributed (the line was cut, or not every span's
 * trace id survived) damages every trace in flight and every trace first seen within the next
 * `stragglerRecords` records: over-counting damage is the price of never passing a run that lost
 * a span. What no reader can see is a record missing without a trace (a deleted line).
 */

export interface AssemblyLimits {
  readonly maxTracesInFlight: number;
  readonly maxBytesInFlight: number;
  /** Records (documents, lines) a complete trace waits for stragglers before it is emitted. */
  readonly graceRecords: number;
  /** Records after its emission during which a span of an emitted trace counts as a straggler. */
  readonly stragglerRecords: number;
  /** Emitted traces remembered at most (within the straggler window), and trace ids marked damaged ahead. */
  readonly rememberEmitted: number;
}

export const DEFAULT_ASSEMBLY_LIMITS: AssemblyLimits = {
  maxTracesInFlight: 10_000,
  maxBytesInFlight: 256 * 1024 * 1024,
  graceRecords: 4,
  stragglerRecords: 64,
  rememberEmitted: 50_000,
};

/** How far a child may start before, or end after, its parent before the clocks count as skewed. */
export const CLOCK_SKEW_TOLERANCE_MS = 1000;

/** Tool definitions kept per run: enough for any real agent, bounded for a hostile trace. */
const MAX_TOOL_DEFINITIONS = 512;

type Finalization = 'complete' | 'end-of-input' | 'flushed';

interface TraceState {
  readonly traceId: string;
  /** Span id → position in `records`. */
  readonly index: Map<string, number>;
  /** The spans in arrival order. */
  readonly records: SpanRecord[];
  roots: number;
  unended: number;
  /** Spans whose parent has not been seen: parent id → how many wait for it. */
  waiting: Map<string, number> | undefined;
  waitingCount: number;
  damaged: boolean;
  bytes: number;
  touchedAt: number;
  completeAt: number | undefined;
}

interface StepEntry {
  readonly step: Step;
  readonly startMs: number | undefined;
  readonly sequence: number;
}

export class TraceAssembler {
  private readonly traces = new Map<string, TraceState>();
  private readonly completing = new Set<TraceState>();
  /** Recently emitted traces: trace id → run id and the record it was emitted at, oldest first. */
  private readonly emitted = new Map<string, { readonly runId: string; readonly record: number }>();
  private readonly damagedAhead = new Set<string>();
  private ready: Run[] = [];
  private record = 0;
  /** New traces up to this record are damaged: an unattributable loss came shortly before them. */
  private uncertainUntil = -1;
  private bytesInFlight = 0;
  private runCount = 0;

  constructor(
    private readonly problems: FileProblems,
    private readonly limits: AssemblyLimits = DEFAULT_ASSEMBLY_LIMITS,
    private readonly approvalTools?: readonly string[],
  ) {}

  get inFlight(): number {
    return this.traces.size;
  }

  get runsEmitted(): number {
    return this.runCount;
  }

  add(span: SpanRecord): void {
    let state = this.traces.get(span.traceId);
    if (!state) {
      const emittedAs = this.emitted.get(span.traceId)?.runId;
      if (emittedAs !== undefined) {
        this.problems.report(
          'missing-parent',
          `span ${span.spanId} (${span.name}) of trace ${span.traceId} arrived after run ${emittedAs} had been completed and emitted: dropped, and the run counted as damaged`,
          { ...span.position, spanId: span.spanId, runId: emittedAs },
        );
        this.problems.skipped();
        this.problems.damagedRun(emittedAs);
        return;
      }
      state = {
        traceId: span.traceId,
        index: new Map(),
        records: [],
        roots: 0,
        unended: 0,
        waiting: undefined,
        waitingCount: 0,
        damaged: this.damagedAhead.delete(span.traceId) || this.record <= this.uncertainUntil,
        bytes: 0,
        touchedAt: this.record,
        completeAt: undefined,
      };
      this.traces.set(span.traceId, state);
    } else if (state.touchedAt !== this.record) {
      // Re-insert so the Map's order is least-recently-touched first (once per record, not per span).
      this.traces.delete(span.traceId);
      this.traces.set(span.traceId, state);
      state.touchedAt = this.record;
    }

    const firstAt = state.index.get(span.spanId);
    if (firstAt !== undefined) {
      const first = state.records[firstAt] as SpanRecord;
      const at = first.position.line !== undefined ? ` (first seen at line ${first.position.line})` : '';
      this.problems.report('duplicate-span-id', `span id ${span.spanId} appears again in trace ${span.traceId}${at}: the first is kept`, {
        ...span.position,
        spanId: span.spanId,
      });
      this.problems.skipped();
      state.damaged = true;
      return;
    }
    state.index.set(span.spanId, state.records.length);
    state.records.push(span);
    if (span.damaged) state.damaged = true;
    state.bytes += span.approxBytes;
    this.bytesInFlight += span.approxBytes;
    if (span.parentSpanId === undefined) state.roots++;
    if (span.endMs === undefined) state.unended++;
    if (span.parentSpanId !== undefined && !state.index.has(span.parentSpanId)) {
      state.waiting ??= new Map();
      state.waiting.set(span.parentSpanId, (state.waiting.get(span.parentSpanId) ?? 0) + 1);
      state.waitingCount++;
    }
    const waiters = state.waiting?.get(span.spanId);
    if (waiters !== undefined) {
      state.waitingCount -= waiters;
      state.waiting?.delete(span.spanId);
    }
    if (state.roots > 0 && state.unended === 0 && state.waitingCount === 0) {
      // (Re)start the grace period: a straggler just arrived, more may follow.
      state.completeAt = this.record;
      this.completing.add(state);
    } else if (state.completeAt !== undefined) {
      state.completeAt = undefined;
      this.completing.delete(state);
    }
  }

  /** A record (document, line) is done: returns the runs now ready. */
  endRecord(): Run[] {
    for (const state of this.completing) {
      if (state.completeAt !== undefined && this.record - state.completeAt >= this.limits.graceRecords) this.emit(state, 'complete');
    }
    this.record++;
    this.forgetEmitted();
    while (this.traces.size > this.limits.maxTracesInFlight || (this.bytesInFlight > this.limits.maxBytesInFlight && this.traces.size > 0)) {
      const oldest = this.traces.values().next().value as TraceState;
      this.emit(oldest, oldest.completeAt !== undefined ? 'complete' : 'flushed');
    }
    return this.takeReady();
  }

  /** The input is over: every trace in flight becomes a run, incomplete ones reported and damaged. */
  finish(): Run[] {
    for (const state of [...this.traces.values()]) this.emit(state, state.completeAt !== undefined ? 'complete' : 'end-of-input');
    return this.takeReady();
  }

  /** Spans of this trace were lost (a damaged line named it): its run, whenever it comes, is damaged. */
  markDamaged(traceId: string): void {
    const state = this.traces.get(traceId);
    if (state) {
      state.damaged = true;
      return;
    }
    const emittedAs = this.emitted.get(traceId);
    if (emittedAs !== undefined) {
      this.problems.damagedRun(emittedAs.runId);
      return;
    }
    if (this.damagedAhead.size >= this.limits.rememberEmitted) this.damagedAhead.delete(this.damagedAhead.values().next().value as string);
    this.damagedAhead.add(traceId);
  }

  /** The input was cut: every trace in flight may be missing spans. */
  markAllInFlightDamaged(): void {
    for (const state of this.traces.values()) state.damaged = true;
  }

  /**
   * Something was lost whose trace cannot be known. It may have held spans of any trace in flight,
   * or the first spans of a trace not seen yet: every trace in flight is damaged, and so is every
   * trace that first appears within the next `stragglerRecords` records. Over-counting damage is
   * the price of never passing a run that lost a span.
   */
  markUncertain(): void {
    this.markAllInFlightDamaged();
    this.uncertainUntil = this.record + this.limits.stragglerRecords;
  }

  /** Drops emitted traces older than the straggler window (the Map is in emission order). */
  private forgetEmitted(): void {
    const horizon = this.record - this.limits.stragglerRecords;
    for (const [traceId, emitted] of this.emitted) {
      if (emitted.record >= horizon) break;
      this.emitted.delete(traceId);
    }
  }

  private takeReady(): Run[] {
    if (this.ready.length === 0) return NO_RUNS;
    const ready = this.ready;
    this.ready = [];
    return ready;
  }

  private emit(state: TraceState, how: Finalization): void {
    this.traces.delete(state.traceId);
    this.completing.delete(state);
    this.bytesInFlight -= state.bytes;
    const run = this.build(state, how);
    // Let go of the spans now, not when the state is collected: a state that lived long enough to
    // reach the old generation keeps whatever it points to alive through every young-generation
    // collection until the next full one, and a trace's spans are most of what the reader allocates.
    // Without this, nearly every span was promoted and the collector took twice as long.
    state.records.length = 0;
    state.index.clear();
    state.waiting = undefined;
    if (this.emitted.size >= this.limits.rememberEmitted) this.emitted.delete(this.emitted.keys().next().value as string);
    // Delete first so the Map's order stays emission order (a reused trace id is emitted again).
    this.emitted.delete(state.traceId);
    this.emitted.set(state.traceId, { runId: run.id, record: this.record });
    this.runCount++;
    if (run.damaged === true) this.problems.damagedRun(run.id);
    this.ready.push(run);
  }

  private build(state: TraceState, how: Finalization): Run {
    // Spans are addressed by their position in `records`: the structure below works on integer
    // arrays, not on Maps keyed by span id (this runs once per span of every trace).
    const { traceId, records, index } = state;
    const count = records.length;
    let damaged = state.damaged;
    const when =
      how === 'flushed'
        ? ` (flushed before it completed: more than ${this.limits.maxTracesInFlight} traces or ${this.limits.maxBytesInFlight} bytes in flight)`
        : how === 'end-of-input'
          ? ' at the end of the input'
          : '';

    // The root: the span without a parent; the earliest if several; a stand-in if none.
    let root = -1;
    let roots = 0;
    let otherRoot = -1;
    for (let i = 0; i < count; i++) {
      if ((records[i] as SpanRecord).parentSpanId !== undefined) continue;
      roots++;
      if (root === -1 || startOf(records, i) < startOf(records, root)) {
        if (root !== -1) otherRoot = root;
        root = i;
      } else {
        otherRoot = i;
      }
    }
    if (roots === 0) {
      // The earliest span whose parent is not in the trace; the earliest of all if every parent is (a cycle).
      for (let i = 0; i < count; i++) {
        if (index.has((records[i] as SpanRecord).parentSpanId as string)) continue;
        if (root === -1 || startOf(records, i) < startOf(records, root)) root = i;
      }
      if (root === -1) for (let i = 0; i < count; i++) if (root === -1 || startOf(records, i) < startOf(records, root)) root = i;
    }
    const rootSpan = records[root] as SpanRecord;
    const runId = rootSpan.run?.runId ?? traceId;
    const at = (span: SpanRecord) => ({ ...span.position, spanId: span.spanId, runId });
    if (roots === 0) {
      damaged = true;
      const cycle = index.has(rootSpan.parentSpanId as string) ? ' (its spans form a parent cycle)' : '';
      this.problems.report('no-root', `trace ${traceId} has no root span${when}${cycle}: span ${rootSpan.spanId} (${rootSpan.name}) stands in for it`, at(rootSpan));
    } else if (roots > 1) {
      damaged = true;
      this.problems.report(
        'multiple-roots',
        `trace ${traceId} has ${roots} root spans: ${rootSpan.spanId} (${rootSpan.name}), the earliest, is the run's root; the others become its top-level steps`,
        at(records[otherRoot] as SpanRecord),
      );
    }

    // Effective parents (-1: top level). A missing parent means the span hangs off the root.
    const parentOf = new Int32Array(count).fill(-1);
    for (let i = 0; i < count; i++) {
      const span = records[i] as SpanRecord;
      const parent = span.parentSpanId;
      if (i === root || parent === undefined) continue;
      const parentAt = index.get(parent);
      if (parentAt !== undefined) {
        parentOf[i] = parentAt;
      } else {
        damaged = true;
        this.problems.report('missing-parent', `span ${span.spanId} (${span.name}) names parent ${parent}, which is not in trace ${traceId}${when}: attached to the run's root`, at(span));
      }
    }

    // Parent cycles: walk each chain once; a span met again on the same walk closes a cycle.
    const mark = new Uint8Array(count); // 0 unseen, 1 on the current walk, 2 known to end at the top
    const path = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      let length = 0;
      let k = i;
      while (k !== -1 && mark[k] !== 2) {
        if (mark[k] === 1) {
          damaged = true;
          parentOf[k] = -1;
          const closing = records[k] as SpanRecord;
          this.problems.report('parent-cycle', `span ${closing.spanId} (${closing.name}) is its own ancestor in trace ${traceId}: the cycle is broken there and the span attached to the run's root`, at(closing));
          break;
        }
        mark[k] = 1;
        path[length++] = k;
        k = parentOf[k] as number;
      }
      for (let step = 0; step < length; step++) mark[path[step] as number] = 2;
    }

    // Unended spans and clock skew.
    let skewed = 0;
    let firstSkewed: SpanRecord | undefined;
    for (let i = 0; i < count; i++) {
      const span = records[i] as SpanRecord;
      if (span.endMs === undefined) {
        damaged = true;
        this.problems.report('unended-span', `span ${span.spanId} (${span.name}) never ended${when}`, at(span));
      } else if (span.startMs !== undefined && span.endMs < span.startMs) {
        if (i === root) {
          // The run's own times are impossible: its duration and whatever it claims cannot stand.
          damaged = true;
          this.problems.report('clock-skew', `the root span ${span.spanId} (${span.name}) of trace ${traceId} ends before it starts: the run's times are unknown and the run is counted damaged`, at(span));
        }
        skewed++;
        firstSkewed ??= span;
        continue;
      }
      const parentAt = parentOf[i] as number;
      if (parentAt === -1 || span.startMs === undefined) continue;
      const parent = records[parentAt] as SpanRecord;
      if (parent.startMs === undefined) continue;
      const startsEarly = span.startMs < parent.startMs - CLOCK_SKEW_TOLERANCE_MS;
      const endsLate = span.endMs !== undefined && parent.endMs !== undefined && span.endMs > parent.endMs + CLOCK_SKEW_TOLERANCE_MS;
      if (startsEarly || endsLate) {
        skewed++;
        firstSkewed ??= span;
      }
    }
    if (firstSkewed) {
      this.problems.report(
        'clock-skew',
        `${skewed} span(s) of trace ${traceId} start before their parent, end after it by more than ${CLOCK_SKEW_TOLERANCE_MS} ms, or end before they start (first: ${firstSkewed.spanId}, ${firstSkewed.name}): timings in this run are approximate`,
        at(firstSkewed),
      );
    }

    // Steps: every span but a root that is only the run's container, plus the steps in events.
    const includeRoot = rootSpan.step.kind !== 'other';
    const entries: StepEntry[] = [];
    for (let i = 0; i < count; i++) {
      const span = records[i] as SpanRecord;
      const isRoot = i === root;
      if (!isRoot || includeRoot) {
        const parentAt = isRoot ? -1 : (parentOf[i] as number);
        if (parentAt !== -1 && (parentAt !== root || includeRoot)) setParent(span.step, (records[parentAt] as SpanRecord).spanId);
        entries.push({ step: span.step, startMs: span.startMs, sequence: entries.length });
      }
      if (span.eventSteps) {
        const parent = isRoot && !includeRoot ? undefined : span.spanId;
        for (const eventStep of span.eventSteps) {
          setParent(eventStep.step, parent);
          entries.push({ step: eventStep.step, startMs: eventStep.startMs, sequence: entries.length });
        }
      }
    }
    entries.sort(byStart);
    const steps = readApprovalRequests(
      entries.map((entry) => entry.step),
      (request, message) => {
        const span = records[index.get(request.id) ?? root] as SpanRecord;
        this.problems.report('wrong-attribute-type', `span ${span.spanId} (${span.name}): ${message}`, at(span));
      },
      this.approvalTools,
    );

    const rootRun = rootSpan.run;
    const outcome = runOutcome(rootSpan, records);
    const conversationId = rootSpan.conversationId ?? records.find((span) => span.conversationId !== undefined)?.conversationId;
    const toolDefinitions = mergeToolDefinitions(records);
    const startedAt = rootSpan.step.startedAt;
    const endedAt = rootSpan.step.endedAt;
    const line = rootSpan.position.line;
    return {
      id: runId,
      ...(rootRun?.taskId !== undefined && { taskId: rootRun.taskId }),
      ...(rootRun?.trial !== undefined && { trial: rootRun.trial }),
      ...(startedAt !== undefined && { startedAt }),
      ...(endedAt !== undefined && { endedAt }),
      steps,
      claimedStatus: rootRun?.claimedStatus ?? 'unknown',
      outcome,
      ...(rootRun?.resumedFrom !== undefined && { resumedFrom: rootRun.resumedFrom }),
      ...(rootRun?.infrastructureError !== undefined && { infrastructureError: rootRun.infrastructureError }),
      ...(rootRun?.timing !== undefined && { recording: { timing: rootRun.timing } }),
      ...(conversationId !== undefined && { conversationId }),
      ...(toolDefinitions && { toolDefinitions }),
      source: { file: this.problems.file, ...(line !== undefined && { line }), traceId },
      ...(damaged && { damaged: true }),
    };
  }
}

const NO_RUNS: Run[] = [];

/** A span's start for ordering; an unknown start sorts last. */
function startOf(records: readonly SpanRecord[], at: number): number {
  return (records[at] as SpanRecord).startMs ?? Infinity;
}

function byStart(a: StepEntry, b: StepEntry): number {
  const left = a.startMs ?? Infinity;
  const right = b.startMs ?? Infinity;
  if (left !== right) return left < right ? -1 : 1;
  return a.sequence - b.sequence;
}

/** Steps are built by the conventions before the trace's shape is known; the parent comes last. */
function setParent(step: Step, parentId: string | undefined): void {
  if (parentId !== undefined) (step as { parentId?: string }).parentId = parentId;
}

/** The outcome event on the root wins; otherwise the latest one in the trace. */
function runOutcome(root: SpanRecord, spans: readonly SpanRecord[]): RunOutcome {
  let chosen = root.outcome;
  if (!chosen) {
    for (const span of spans) {
      if (span.outcome && (!chosen || (span.outcome.timeMs ?? -Infinity) >= (chosen.timeMs ?? -Infinity))) chosen = span.outcome;
    }
  }
  if (!chosen) return { status: 'unknown', source: 'none' };
  return { status: chosen.status, ...(chosen.score !== undefined && { score: chosen.score }), source: 'gen_ai.evaluation.result event' };
}

function mergeToolDefinitions(spans: readonly SpanRecord[]): ToolDefinition[] | undefined {
  let merged: Map<string, ToolDefinition> | undefined;
  for (const span of spans) {
    if (!span.toolDefinitions) continue;
    merged ??= new Map();
    for (const definition of span.toolDefinitions) {
      if (merged.size >= MAX_TOOL_DEFINITIONS) break;
      if (!merged.has(definition.name)) merged.set(definition.name, definition);
    }
  }
  return merged && [...merged.values()];
}

