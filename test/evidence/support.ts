import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Run } from '../../src/model/index.js';
import type { TraceProblem, TraceProblemCode } from '../../src/evidence/types.js';
import type { ProblemSink, ReadProgress, TraceReadOptions, TraceReader } from '../../src/evidence/trace/types.js';
import { readTraceFile } from '../../src/evidence/trace/read-trace-file.js';

/** Inline OTLP JSON builders and a collecting sink, for the trace readers' tests. */

export const OPTIONS: TraceReadOptions = {
  tools: [],
  mapping: {},
  errorResultPatterns: [],
  contextWindows: {},
  maxAttributeBytes: 1024 * 1024,
};

export const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** An OTLP AnyValue from a plain value: strings, integers, doubles, booleans, lists, maps. */
export function anyValue(value: JsonValue): Record<string, JsonValue> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (value === null) return {};
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return { kvlistValue: { values: Object.entries(value).map(([key, inner]) => ({ key, value: anyValue(inner) })) } };
}

export function attributes(values: Readonly<Record<string, JsonValue>>): JsonValue[] {
  return Object.entries(values).map(([key, value]) => ({ key, value: anyValue(value) }));
}

export interface SpanSpec {
  readonly trace?: string;
  readonly id: string;
  readonly parent?: string;
  readonly name?: string;
  /** Milliseconds after T0. */
  readonly start?: number;
  /** Milliseconds after T0; null for a span that never ended. */
  readonly end?: number | null;
  readonly attrs?: Readonly<Record<string, JsonValue>>;
  readonly events?: readonly { readonly name: string; readonly at?: number; readonly attrs?: Readonly<Record<string, JsonValue>> }[];
  readonly error?: string;
  /** A span status the instrumentation set explicitly to OK. */
  readonly ok?: true;
}

/** Hex ids from short names, so tests read `span({ id: 'a1' })`. */
export function spanId(name: string): string {
  return Buffer.from(name).toString('hex').padStart(16, '0').slice(-16);
}

export function traceId(name = 't1'): string {
  return Buffer.from(name).toString('hex').padStart(32, '0').slice(-32);
}

export function nanos(msAfterT0: number): string {
  return `${T0 + msAfterT0}000000`;
}

export function span(spec: SpanSpec): JsonValue {
  const out: Record<string, JsonValue> = {
    traceId: traceId(spec.trace),
    spanId: spanId(spec.id),
    name: spec.name ?? spec.id,
    kind: 1,
    startTimeUnixNano: nanos(spec.start ?? 0),
    attributes: attributes(spec.attrs ?? {}),
  };
  if (spec.parent !== undefined) out.parentSpanId = spanId(spec.parent);
  if (spec.end !== null) out.endTimeUnixNano = nanos(spec.end ?? (spec.start ?? 0) + 100);
  if (spec.events) {
    out.events = spec.events.map((event) => ({ name: event.name, timeUnixNano: nanos(event.at ?? spec.start ?? 0), attributes: attributes(event.attrs ?? {}) }));
  }
  if (spec.error !== undefined) out.status = { code: 2, message: spec.error };
  else if (spec.ok) out.status = { code: 1 };
  return out;
}

/** One ExportTraceServiceRequest. */
export function request(spans: readonly JsonValue[]): JsonValue {
  return { resourceSpans: [{ resource: { attributes: attributes({ 'service.name': 'test-agent' }) }, scopeSpans: [{ scope: { name: 'test' }, spans: [...spans] }] }] };
}

/** JSON Lines: one request per group of spans. */
export function jsonLines(...lines: readonly (readonly JsonValue[])[]): string {
  return lines.map((spans) => JSON.stringify(request(spans))).join('\n') + '\n';
}

let directory: string | undefined;
let files = 0;
// Registered once per test file (each file loads this module afresh): its files go when it ends.
afterAll(() => {
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

/** A fresh file (never overwritten: a reader may still hold the last one) in a temporary directory, removed when the test file ends. */
export function tempFile(name: string, content: string | Uint8Array): string {
  directory ??= mkdtempSync(join(tmpdir(), 'mimir-traces-'));
  const path = join(directory, `${++files}-${name}`);
  writeFileSync(path, content);
  return path;
}

export class CollectingSink implements ProblemSink {
  readonly problems: TraceProblem[] = [];
  readonly damagedRuns = new Set<string>();
  skippedRecords = 0;

  report(problem: TraceProblem): void {
    this.problems.push(problem);
  }

  damagedRun(runId: string): void {
    this.damagedRuns.add(runId);
  }

  skipped(): void {
    this.skippedRecords++;
  }

  codes(): TraceProblemCode[] {
    return this.problems.map((problem) => problem.code);
  }

  only(code: TraceProblemCode): TraceProblem[] {
    return this.problems.filter((problem) => problem.code === code);
  }
}

export interface ReadResult {
  readonly runs: Run[];
  readonly sink: CollectingSink;
  readonly progress: ReadProgress[];
}

/** Reads a file through readTraceFile (or a given reader), collecting everything. */
export async function read(path: string, options: Partial<TraceReadOptions> = {}, reader?: TraceReader): Promise<ReadResult> {
  const sink = new CollectingSink();
  const progress: ReadProgress[] = [];
  const runs: Run[] = [];
  const all = { ...OPTIONS, ...options };
  const iterable = reader ? reader.read(path, all, sink, (p) => progress.push(p)) : readTraceFile(path, all, sink, (p) => progress.push(p));
  for await (const run of iterable) runs.push(run);
  return { runs, sink, progress };
}

/** Reads JSON Lines text written to a temporary file. */
export async function readText(text: string | Uint8Array, options: Partial<TraceReadOptions> = {}, name = 'traces.jsonl', reader?: TraceReader): Promise<ReadResult> {
  return read(tempFile(name, text), options, reader);
}

export function runById(runs: readonly Run[], id: string): Run {
  const run = runs.find((candidate) => candidate.id === id);
  if (!run) throw new Error(`no run ${id} among ${runs.map((r) => r.id).join(', ')}`);
  return run;
}
