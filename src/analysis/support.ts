import type { LlmStep, Reference, Run, Step, StepError, ToolStep } from '../model/index.js';
import { canonicalJson } from '../shared/hash.js';
import { MAX_EXAMPLES, type RunRef } from './basics.js';

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

/** callKey's per-step memo (see there). */
const CALL_KEYS = new WeakMap<ToolStep, string>();

/**
 * Identity of a tool call: tool name plus canonical JSON of its arguments (key order ignored).
 * Undefined when the arguments were not captured: two calls whose arguments are unknown are not
 * known to be the same call, so they never count as a retry or a loop.
 */
export function callKey(step: ToolStep): string | undefined {
  if (step.arguments === undefined) return undefined;
  // Several analyses (retries, loops, oversight, checkpoints, contracts) ask for the same step's
  // key; serializing its arguments once per step instead of once per analysis saves most of the
  // canonical-JSON work. Keyed weakly by the step object, so an entry lives exactly as long as its
  // run and nothing is carried from one run to another.
  let key = CALL_KEYS.get(step);
  if (key === undefined) {
    key = `${step.toolName}\u0000${canonicalJson(step.arguments)}`;
    CALL_KEYS.set(step, key);
  }
  return key;
}

/** Milliseconds since the epoch of an ISO time, or undefined when absent or unparseable. */
export function timeMs(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = fastIsoMs(iso) ?? Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The readers write times as `YYYY-MM-DDTHH:MM:SS.sssZ` (toISOString's form), and Date.parse is
 * slow enough to show in profiles (every analysis reads step times). This parses exactly that form
 * by hand and returns undefined for anything else, which then goes to Date.parse. The fast path is
 * kept to values where the arithmetic below and Date.parse provably agree: years 100..9999, days
 * 1..28 (never past a month's end), hours below 24 (no `24:00`).
 */
function fastIsoMs(iso: string): number | undefined {
  if (iso.length !== 24 || iso.charCodeAt(4) !== 45 /* - */ || iso.charCodeAt(7) !== 45 || iso.charCodeAt(10) !== 84 /* T */ ||
    iso.charCodeAt(13) !== 58 /* : */ || iso.charCodeAt(16) !== 58 || iso.charCodeAt(19) !== 46 /* . */ || iso.charCodeAt(23) !== 90 /* Z */) {
    return undefined;
  }
  const year = digits(iso, 0, 4);
  const month = digits(iso, 5, 2);
  const day = digits(iso, 8, 2);
  const hour = digits(iso, 11, 2);
  const minute = digits(iso, 14, 2);
  const second = digits(iso, 17, 2);
  const milli = digits(iso, 20, 3);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 28 || hour > 23 || minute > 59 || second > 59 || milli < 0) return undefined;
  // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), which is
  // what Date.UTC computes, in integer arithmetic only.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146097 + dayOfEra - 719468;
  return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + milli;
}

/** The decimal number in `count` characters from `at`, or -1 when any of them is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
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
/** Text cut to `length` characters, with an ellipsis when it was longer: for notes in examples. */
export function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/**
 * Why a step failed, for an example's note: the recorded message (clipped) with its error type
 * unless that is OpenTelemetry's catch-all `_OTHER`, which says nothing.
 */
export function failureReason(error: StepError | undefined): string {
  const type = error?.type === undefined || error.type === '_OTHER' ? undefined : error.type;
  const message = error?.message?.trim();
  if (message) return type === undefined ? clip(message, 80) : `${clip(message, 80)} (${type})`;
  return type ?? 'no reason recorded';
}

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
/**
 * Whether {@link addTopExample} would keep an example of this size: lets a caller skip building an
 * example (its note text) that would be dropped at once. Same test as addTopExample's own.
 */
export function wouldKeepTop<T>(examples: readonly T[], value: number, size: (example: T) => number): boolean {
  const smallest = examples[examples.length - 1];
  return !(examples.length >= MAX_EXAMPLES && smallest !== undefined && value <= size(smallest));
}

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

/** The text a tool result stands for (in a context, or to compare two answers): strings as they are, anything else as JSON; undefined when nothing was recorded. */
export function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
