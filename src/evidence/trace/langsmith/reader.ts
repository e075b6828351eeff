import { createReadStream } from 'node:fs';
import { open as openFile, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Run } from '../../../model/index.js';
import { asString, isRecord, type Report } from '../framework-records.js';
import { isTruncatedGzip } from '../input/open-input.js';
import { describeMisspelt, misspeltKeys } from '../misspelt-keys.js';
import { describeValue } from '../problems.js';
import { parseRecordTime } from '../time.js';
import type { ProblemSink, ReadProgress, TraceReader, TraceReadOptions } from '../types.js';
import { RunBuilder, type RecordItem } from './build-run.js';

/**
 * Reads LangSmith run exports as JSON Lines: one run record per line, as LangSmith's Run schema
 * defines it (`id`, `name`, `run_type` llm | tool | chain | retriever | …, `trace_id`,
 * `parent_run_id`, `start_time`, `end_time`, `inputs`, `outputs`, `error`, `extra.metadata`, `tags`,
 * `events`, `status`, token counts, `feedback_stats`). "Run" there means a span; a LangSmith *trace*
 * (all records sharing `trace_id`) is one mimir run.
 *
 * The file is streamed line by line. Records of one trace need not be adjacent or in order: a trace
 * stays open until {@link MAX_OPEN_TRACES} other traces have opened after it was last touched, or
 * the file ends, so memory is bounded by that many traces. A record that arrives for a trace already
 * emitted is reported and skipped.
 *
 * On the root record's `extra.metadata`: `mimir.run.id` (else the trace id), `mimir.task.id`,
 * `mimir.trial`, `mimir.run.claimed_status`, `mimir.outcome` (+ `mimir.outcome.score`),
 * `mimir.resumed_from`, `mimir.tool.risk.<tool>`, and `thread_id` / `session_id` /
 * `conversation_id` as the conversation. An outcome may also come from LangSmith feedback:
 * `feedback_stats.outcome`, whose categorical `values` say success or failure and whose `avg` is the score.
 */
export const langSmithReader: TraceReader = {
  format: 'langsmith',
  read: readLangSmithFile,
};

/** Traces kept open at once; exports group a trace's records, so this only matters for interleaved files. */
export const MAX_OPEN_TRACES = 64;

interface OpenTrace {
  readonly records: RecordItem[];
  lastTouched: number;
}


async function* readLangSmithFile(
  path: string,
  options: TraceReadOptions,
  sink: ProblemSink,
  onProgress?: (progress: ReadProgress) => void,
): AsyncIterable<Run> {
  const report: Report = (code, message, place) => {
    sink.report({ code, message, file: path, ...place });
  };
  let totalBytes: number | undefined;
  let gzip: boolean;
  try {
    totalBytes = (await stat(path)).size;
    // Format detection looks through gzip, so a compressed export reaches this reader as such.
    const handle = await openFile(path);
    try {
      const magic = Buffer.alloc(2);
      await handle.read(magic, 0, 2, 0);
      gzip = magic[0] === 0x1f && magic[1] === 0x8b;
    } finally {
      await handle.close();
    }
  } catch (error) {
    report('unreadable', `cannot read ${path}: ${(error as Error).message}`, { byteOffset: 0 });
    sink.skipped();
    return;
  }
  // Progress counts decompressed bytes, so a compressed file's total is unknown.
  if (gzip) totalBytes = undefined;

  const builder = new RunBuilder(path, options, report);
  const open = new Map<string, OpenTrace>();
  const emitted = new Set<string>();
  let records = 0;
  let runs = 0;
  let bytesRead = 0;
  let lastLine = 0;
  // The input stopped early (a cut gzip stream, a read error): every trace still open may have lost runs.
  let cutShort = false;
  const finish = (traceId: string): Run | undefined => {
    const trace = open.get(traceId);
    open.delete(traceId);
    emitted.add(traceId);
    if (trace === undefined) return undefined;
    let run: Run;
    try {
      run = builder.build(traceId, trace.records);
    } catch (error) {
      // Input nothing here anticipated must cost this trace, not the file.
      report('invalid-document', `trace ${traceId} could not be read: ${(error as Error).message}`, { line: trace.records[0]?.line ?? 1, runId: traceId });
      sink.skipped();
      return undefined;
    }
    if (cutShort && run.damaged !== true) run = { ...run, damaged: true };
    if (run.damaged === true) sink.damagedRun(run.id);
    runs++;
    onProgress?.({ file: path, bytesRead, totalBytes, spans: records, runs });
    return run;
  };

  try {
    for await (const { text, line, complete, bytes } of readLines(path, gzip)) {
      bytesRead += bytes;
      lastLine = line;
      if (text === undefined) {
        report('invalid-utf8', `line ${line} is not valid UTF-8; skipped`, { line });
        sink.skipped();
        continue;
      }
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text) as unknown;
      } catch (error) {
        report(complete ? 'invalid-json' : 'truncated', `line ${line} is not valid JSON${complete ? '' : ' (the file ends mid-record)'}: ${(error as Error).message}`, { line });
        sink.skipped();
        continue;
      }
      const record = toRecord(value, line, report);
      if (record === undefined) {
        sink.skipped();
        continue;
      }
      records++;
      if (emitted.has(record.traceId)) {
        report(record.parentId === undefined ? 'multiple-roots' : 'missing-parent', `line ${line}: run ${record.id} arrived after trace ${record.traceId} was complete (more than ${MAX_OPEN_TRACES} traces apart); skipped`, {
          line,
          spanId: record.id,
        });
        sink.skipped();
        continue;
      }
      let trace = open.get(record.traceId);
      if (trace === undefined) {
        trace = { records: [], lastTouched: line };
        open.set(record.traceId, trace);
      }
      trace.records.push(record);
      trace.lastTouched = line;
      // Map order is insertion order; re-inserting keeps the least recently touched trace first.
      open.delete(record.traceId);
      open.set(record.traceId, trace);
      if (open.size > MAX_OPEN_TRACES) {
        const oldest = open.keys().next().value;
        if (oldest !== undefined) {
          const run = finish(oldest);
          if (run !== undefined) yield run;
        }
      }
    }
  } catch (error) {
    // What followed the last whole line is lost: a record at least, so the open traces are damaged.
    cutShort = true;
    const cut = isTruncatedGzip(error);
    report(
      cut ? 'truncated' : 'unreadable',
      cut ? `the gzip stream ends before its end marker (the file was cut short) after line ${lastLine}: what followed is lost` : `reading ${path} failed after line ${lastLine}: ${(error as Error).message}`,
      { line: lastLine + 1, byteOffset: bytesRead },
    );
    sink.skipped();
  }
  for (const traceId of [...open.keys()]) {
    const run = finish(traceId);
    if (run !== undefined) yield run;
  }
}

/** Lines as bytes decoded strictly: a bad byte costs its line only. `complete` is false for a last line with no newline. */
async function* readLines(path: string, gzip: boolean): AsyncIterable<{ text: string | undefined; line: number; complete: boolean; bytes: number }> {
  const raw = createReadStream(path);
  let source: NodeJS.ReadableStream = raw;
  if (gzip) {
    const gunzip = createGunzip();
    // pipe() does not forward a read error; without this the gunzip stream would wait forever.
    raw.on('error', (error) => gunzip.destroy(error));
    source = raw.pipe(gunzip);
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let line = 0;
  const emit = (chunks: Buffer[], complete: boolean) => {
    const bytes = Buffer.concat(chunks);
    line++;
    let text: string | undefined;
    try {
      text = decoder.decode(bytes);
    } catch {
      text = undefined;
    }
    if (line === 1 && text?.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text, line, complete, bytes: bytes.length + (complete ? 1 : 0) };
  };
  for await (const chunk of source as AsyncIterable<Buffer>) {
    let start = 0;
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, start)) {
      pending.push(chunk.subarray(start, at));
      yield emit(pending, true);
      pending = [];
      start = at + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.some((b) => b.length > 0)) yield emit(pending, false);
}

function toRecord(value: unknown, line: number, report: Report): RecordItem | undefined {
  const invalid = (message: string): void => {
    report('invalid-document', `line ${line}: ${message}; skipped`, { line });
  };
  if (!isRecord(value)) {
    invalid('not a LangSmith run record (not an object)');
    return;
  }
  // First: a misspelt id, trace_id or run_type is why the record is then skipped.
  const misspelt = misspeltKeys(value, RECORD_KEYS, true, READ_KEYS);
  if (misspelt.length > 0) {
    report('invalid-document', `line ${line}: a run record has ${describeMisspelt(misspelt)} where LangSmith's key was expected: what it holds is ignored; rename the key`, { line });
  }
  const id = asString(value.id);
  if (id === undefined || id === '') {
    invalid('a run record without an id');
    return;
  }
  const parentRaw = value.parent_run_id;
  const parentId = typeof parentRaw === 'string' && parentRaw !== '' ? parentRaw : undefined;
  // A root run's id is its trace id; older exports omit trace_id on roots.
  const traceId = asString(value.trace_id) ?? (parentId === undefined ? id : undefined);
  if (traceId === undefined || traceId === '') {
    invalid(`run ${id} has no trace_id`);
    return;
  }
  const runType = asString(value.run_type);
  if (runType === undefined) {
    invalid(`run ${id} has no run_type`);
    return;
  }
  const start = parseRecordTime(value.start_time);
  const end = parseRecordTime(value.end_time);
  if (start.invalid || end.invalid) report('wrong-attribute-type', `line ${line}: run ${id} has a time that is neither ISO 8601 nor epoch milliseconds`, { line, spanId: id });
  const extra = isRecord(value.extra) ? value.extra : {};
  let error = value.error === null || value.error === undefined ? undefined : typeof value.error === 'string' ? value.error : JSON.stringify(value.error);
  // LangSmith's own verdict on the run: an "error" status with no message is still a failed step.
  if (value.status === 'error' && (error === undefined || error === '')) error = 'the run\'s status is "error" (no error message was recorded)';
  else if (value.status !== undefined && value.status !== null && typeof value.status !== 'string') {
    report('wrong-attribute-type', `line ${line}: run ${id} has a status that is ${describeValue(value.status)}, not text`, { line, spanId: id });
  }
  return {
    id,
    traceId,
    parentId,
    name: asString(value.name) ?? runType,
    runType,
    startMs: start.ms,
    endMs: end.ms,
    startedAt: start.iso,
    endedAt: end.iso,
    inputs: isRecord(value.inputs) ? value.inputs : {},
    outputs: isRecord(value.outputs) ? value.outputs : undefined,
    error: error === '' ? undefined : error,
    metadata: isRecord(extra.metadata) ? extra.metadata : {},
    extra,
    raw: value,
    line,
    damaged: misspelt.length > 0,
  };
}

/** The keys of LangSmith's Run schema (langsmith-sdk `schemas.Run` and the export's extras): none is a misspelling. */
const RECORD_KEYS: ReadonlySet<string> = new Set([
  'id', 'name', 'start_time', 'run_type', 'end_time', 'extra', 'error', 'serialized', 'events', 'inputs', 'outputs', 'reference_example_id',
  'parent_run_id', 'tags', 'attachments', 'session_id', 'child_run_ids', 'child_runs', 'feedback_stats', 'app_path', 'manifest_id', 'status',
  'prompt_tokens', 'completion_tokens', 'total_tokens', 'prompt_cost', 'completion_cost', 'total_cost', 'first_token_time', 'parent_run_ids',
  'trace_id', 'dotted_order', 'in_dataset', 'inputs_s3_urls', 'outputs_s3_urls', 's3_urls', 'input_attachments', 'output_attachments',
  'execution_order', 'latency', 'share_token', 'trace_min_start_time', 'trace_max_start_time', 'last_queued_at', 'thread_id',
  'prompt_token_details', 'completion_token_details', 'prompt_cost_details', 'completion_cost_details', 'price_model_id', 'tenant_id', 'error_tokens',
]);
/** The keys this reader reads: a misspelling of one of these loses what the run says. */
const READ_KEYS: ReadonlySet<string> = new Set([
  'id', 'name', 'run_type', 'trace_id', 'parent_run_id', 'start_time', 'end_time', 'inputs', 'outputs', 'error', 'extra', 'status', 'feedback_stats', 'prompt_tokens', 'completion_tokens',
]);

