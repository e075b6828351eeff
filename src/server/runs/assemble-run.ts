import { TraceAssembler, DEFAULT_ASSEMBLY_LIMITS } from '../../evidence/trace/assemble.js';
import { CompiledReadOptions } from '../../evidence/trace/conventions/compiled-options.js';
import { SpanNormalizer } from '../../evidence/trace/conventions/normalize-span.js';
import { FileProblems } from '../../evidence/trace/problems.js';
import { withRecording } from '../../evidence/trace/read-trace-file.js';
import type { RawSpan } from '../../evidence/trace/span.js';
import type { TraceReadOptions } from '../../evidence/trace/types.js';
import type { Run, RunOutcome } from '../../model/index.js';
import type { TraceContents, RunFacts, StoredLabel } from '../store/types.js';

/**
 * A closed trace's spans → its run, by the same normalisation (conventions, attribute mapping, tool
 * risk, error-result patterns) and the same assembly `mimir traces` runs over a file. Log events
 * are put back on the span they name (the root when they name none), where an exporter that records
 * span events would have put them, so the conventions read them the same way.
 */
export interface RunAssembler {
  assemble(contents: TraceContents): AssembledTrace;
}

export interface AssembledTrace {
  /** Normally one: a trace is a run. None when every span was unusable. */
  readonly runs: readonly Run[];
  /** Problems the readers reported for this trace (missing parents, bad attributes…). */
  readonly problems: readonly string[];
}

/** Where runs assembled by the server say they came from (a report's "file"). */
export const SERVE_SOURCE = 'mimir serve';

export function createRunAssembler(readOptions: TraceReadOptions): RunAssembler {
  const compiled = new CompiledReadOptions(readOptions);
  return {
    assemble(contents) {
      const problems: string[] = [];
      const file = new FileProblems(SERVE_SOURCE, {
        report: (problem) => problems.push(problem.message),
        damagedRun: () => undefined,
        skipped: () => undefined,
      });
      const normalizer = new SpanNormalizer(compiled, file);
      const assembler = new TraceAssembler(file, DEFAULT_ASSEMBLY_LIMITS, readOptions.approvalTools);
      const traceId = contents.spans[0]?.span.traceId;
      if (contents.damaged && traceId !== undefined) assembler.markDamaged(traceId);
      for (const span of withEvents(contents)) assembler.add(normalizer.normalize(span));
      const runs = assembler.finish().map(withRecording);
      return { runs, problems };
    },
  };
}

/** The spans with their log events attached, the root taking those that name no (known) span. */
function withEvents(contents: TraceContents): RawSpan[] {
  const spans = contents.spans.map((stored) => stored.span);
  if (contents.events.length === 0) return spans;
  const root = spans.find((span) => span.parentSpanId === undefined) ?? spans[0];
  const bySpan = new Map<string, RawSpan['events'][number][]>();
  for (const stored of contents.events) {
    const owner = stored.spanId !== undefined && spans.some((span) => span.spanId === stored.spanId) ? stored.spanId : root?.spanId;
    if (owner === undefined) continue;
    const list = bySpan.get(owner) ?? [];
    list.push(stored.event);
    bySpan.set(owner, list);
  }
  return spans.map((span) => {
    const extra = bySpan.get(span.spanId);
    return extra === undefined ? span : { ...span, events: [...span.events, ...extra] };
  });
}

/** A label from the labels API overrides the run's own outcome, as a labels file does for `mimir traces`. */
export function labelled(run: Run, label: StoredLabel | undefined): Run {
  if (label === undefined) return run;
  const outcome: RunOutcome = { status: label.outcome, ...(label.score !== undefined && { score: label.score }), source: label.source ?? 'labels API' };
  return { ...run, outcome };
}

/** The keys a label may name a run by: run id, trace id, conversation id. */
export function labelKeys(run: Run): string[] {
  return [run.id, run.source?.traceId, run.conversationId].filter((key): key is string => key !== undefined);
}

/** The facts the run list filters on. */
export function runFacts(run: Run, traceId: string, service: string, lastSequence: number, closedAtMs: number): RunFacts {
  const tools = new Set<string>();
  const failedTools = new Set<string>();
  let failedSteps = 0;
  for (const step of run.steps) {
    if (step.status === 'error') failedSteps++;
    if (step.kind !== 'tool') continue;
    tools.add(step.toolName);
    if (step.status === 'error') failedTools.add(step.toolName);
  }
  const ms = (iso: string | undefined): number | undefined => {
    if (iso === undefined) return undefined;
    const value = Date.parse(iso);
    return Number.isNaN(value) ? undefined : value;
  };
  return {
    runId: run.id,
    traceId,
    service,
    startedAtMs: ms(run.startedAt),
    endedAtMs: ms(run.endedAt),
    taskId: run.taskId,
    claimedStatus: run.claimedStatus,
    outcomeStatus: run.outcome.status,
    outcomeSource: run.outcome.source,
    steps: run.steps.length,
    failedSteps,
    tools: [...tools].sort(),
    failedTools: [...failedTools].sort(),
    damaged: run.damaged === true,
    closedAtMs,
    lastSequence,
  };
}
