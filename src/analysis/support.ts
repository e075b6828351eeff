import type { LlmStep, Reference, Run, Step, ToolStep } from '../model/index.js';
import { canonicalJson } from '../shared/hash.js';
import { MAX_EXAMPLES, type RunRef } from './types.js';

/**
 * Building blocks shared by the measured analyses: which steps count, when two calls are the same
 * call, step times, bounded example lists and distributions, and the bridge from example runs to
 * the references a finding carries. Every analysis uses these, so the definitions agree everywhere.
 */

/** Model and tool calls: the steps that do the work and can fail. Approvals, checkpoints etc. are bookkeeping. */
export function isWorkStep(step: Step): step is LlmStep | ToolStep {
  return step.kind === 'llm' || step.kind === 'tool';
}

/** A failed step: status error. Readers already mark tool results that look like errors as status error. */
export function isFailed(step: Step): boolean {
  return step.status === 'error';
}

/**
 * Identity of a tool call: tool name plus canonical JSON of its arguments (key order ignored).
 * Undefined when the arguments were not captured: two calls whose arguments are unknown are not
 * known to be the same call, so they never count as a retry or a loop.
 */
export function callKey(step: ToolStep): string | undefined {
  if (step.arguments === undefined) return undefined;
  return `${step.toolName}\u0000${canonicalJson(step.arguments)}`;
}

/** Milliseconds since the epoch of an ISO time, or undefined when absent or unparseable. */
export function timeMs(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Seconds from start to end, or undefined unless both times are known and in order. */
export function durationSeconds(startedAt: string | undefined, endedAt: string | undefined): number | undefined {
  const start = timeMs(startedAt);
  const end = timeMs(endedAt);
  if (start === undefined || end === undefined || end < start) return undefined;
  return (end - start) / 1000;
}

/** Whether the run failed for infrastructure reasons (the harness, not the agent). */
export function isInfrastructureFailure(run: Run): boolean {
  return run.infrastructureError !== undefined;
}

/** A pointer to a run (and a span in it) where the reader can see the figure for themselves. */
export function runRef(run: Run, spanId?: string, note?: string): RunRef {
  return {
    runId: run.id,
    ...(spanId !== undefined && { spanId }),
    ...(run.source?.file !== undefined && { file: run.source.file }),
    ...(run.source?.line !== undefined && { line: run.source.line }),
    ...(note !== undefined && { note }),
  };
}

/** Keeps the first MAX_EXAMPLES references: enough to follow, bounded however large the corpus. */
export function addExample<T>(examples: T[], example: T): void {
  if (examples.length < MAX_EXAMPLES) examples.push(example);
}

/**
 * Keeps the MAX_EXAMPLES examples with the largest `size`, largest first (ties keep the earlier
 * one), so the worst cases are the ones shown, in bounded memory.
 */
export function addTopExample<T>(examples: T[], example: T, size: (example: T) => number): void {
  const value = size(example);
  const smallest = examples[examples.length - 1];
  if (examples.length >= MAX_EXAMPLES && smallest !== undefined && value <= size(smallest)) return;
  let index = examples.length;
  while (index > 0) {
    const before = examples[index - 1];
    if (before === undefined || size(before) >= value) break;
    index--;
  }
  examples.splice(index, 0, example);
  if (examples.length > MAX_EXAMPLES) examples.pop();
}

/** Increments a count by integer key: a histogram kept in a Map until it is reported. */
export function increment(counts: Map<number, number>, key: number, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

/** A histogram as a plain record with keys in ascending order, so results serialize deterministically. */
export function toHistogram(counts: ReadonlyMap<number, number>): Readonly<Record<number, number>> {
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => a - b));
}

/** Sum of the counts whose key is above `threshold`: e.g. runs with more identical calls than allowed. */
export function countAbove(histogram: Readonly<Record<number, number>>, threshold: number): number {
  let total = 0;
  for (const [key, count] of Object.entries(histogram)) if (Number(key) > threshold) total += count;
  return total;
}

export function histogramTotal(histogram: Readonly<Record<number, number>>): number {
  return Object.values(histogram).reduce((sum, count) => sum + count, 0);
}

/**
 * The nearest-rank quantile (the smallest value with at least ⌈q·N⌉ observations at or below it) of
 * integer observations kept as value → count: exact, and always a value that was observed.
 */
export function nearestRank(counts: ReadonlyMap<number, number>, q: number): number | undefined {
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const value of [...counts.keys()].sort((a, b) => a - b)) {
    seen += counts.get(value) ?? 0;
    if (seen >= rank) return value;
  }
  return undefined;
}

/** Findings point at runs and spans; a span id alone is not unique across runs, so its label names the run. */
export function toReferences(examples: readonly RunRef[]): Reference[] {
  return examples.map((example) => {
    const place = { ...(example.file !== undefined && { file: example.file }), ...(example.line !== undefined && { line: example.line }) };
    if (example.spanId !== undefined) {
      const label = example.note === undefined ? `in run ${example.runId}` : `${example.note} (run ${example.runId})`;
      return { kind: 'span' as const, id: example.spanId, label, ...place };
    }
    return { kind: 'run' as const, id: example.runId, ...(example.note !== undefined && { label: example.note }), ...place };
  });
}
