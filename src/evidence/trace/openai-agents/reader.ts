import { readFile } from 'node:fs/promises';
import type { Run } from '../../../model/index.js';
import type { Report } from '../framework-records.js';
import { gunzipWhole } from '../input/open-input.js';
import type { ProblemSink, ReadProgress, TraceReader, TraceReadOptions } from '../types.js';
import { RunContext, type TraceGroup } from './build-run.js';
import { classify, decode, parseItems } from './items.js';

/**
 * Reads what the OpenAI Agents SDK (JS or Python) hands its trace exporter: the payload its
 * `OpenAITracingExporter` posts, `{ "data": [trace, ...spans] }`, where a trace is
 * `{ object: "trace", id, workflow_name, group_id, metadata }` and a span is
 * `{ object: "trace.span", id, trace_id, parent_id, started_at, ended_at, span_data: { type, … }, error }`.
 * Also accepted: a bare array of those items, or JSON Lines of payloads or items (what a processor
 * that appends each batch to a file writes).
 *
 * Unlike the other readers this one parses its file whole: the export is one JSON document whose
 * traces and spans arrive in any order (a trace when it starts, spans as they end), so no run is
 * complete before the end of the file anyway. Export files are per-process batches; corpora too big
 * for memory should be split per file.
 *
 * One trace is one run. Its id is `metadata["mimir.run.id"]`, else the trace id; `mimir.task.id`,
 * `mimir.trial`, `mimir.run.claimed_status`, `mimir.outcome` (+ `mimir.outcome.score`) and
 * `mimir.resumed_from` also come from the trace metadata (values may be strings: OpenAI's ingest
 * keeps metadata as strings), as may `mimir.tool.risk.<tool name>`.
 */
export const openAiAgentsReader: TraceReader = {
  format: 'openai-agents',
  read: readOpenAiAgentsFile,
};

/** An export is read whole (one JSON document): decompressed, it may be at most this large (V8's longest string). */
const MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024;

async function* readOpenAiAgentsFile(
  path: string,
  options: TraceReadOptions,
  sink: ProblemSink,
  onProgress?: (progress: ReadProgress) => void,
): AsyncIterable<Run> {
  const report: Report = (code, message, place) => {
    sink.report({ code, message, file: path, ...place });
  };

  let bytes: Buffer;
  try {
    bytes = await readFile(path);
    // Format detection looks through gzip, so a compressed export reaches this reader as such.
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      const compressedBytes = bytes.length;
      const whole = gunzipWhole(bytes, MAX_DECOMPRESSED_BYTES);
      bytes = whole.bytes;
      // What the cut stream holds is still read; the JSON parser then says where it stops.
      if (whole.truncated) report('truncated', 'the gzip stream ends before its end marker (the file was cut short): reading what it holds', { byteOffset: compressedBytes });
    }
  } catch (error) {
    report('unreadable', `cannot read ${path}: ${(error as Error).message}`, { byteOffset: 0 });
    sink.skipped();
    return;
  }
  const text = decode(bytes, report);
  const groups = new Map<string, TraceGroup>();
  let spanCount = 0;
  let order = 0;
  for (const { value, position } of parseItems(text, report, sink)) {
    const item = classify(value, position, order++, report, sink);
    if (item === undefined) continue;
    const traceId = item.kind === 'trace' ? item.trace.id : item.span.traceId;
    let group = groups.get(traceId);
    if (group === undefined) {
      group = { trace: undefined, spans: [], extraTraces: 0 };
      groups.set(traceId, group);
    }
    if (item.kind === 'span') {
      group.spans.push(item.span);
      spanCount++;
    } else if (group.trace === undefined) {
      group.trace = item.trace;
    } else {
      group.extraTraces++;
      report('multiple-roots', `trace ${traceId} appears twice (${item.trace.position.label}); the first record is kept`, { line: item.trace.position.line });
      sink.skipped();
    }
  }

  const context = new RunContext(path, options, report);
  let runs = 0;
  for (const [traceId, group] of groups) {
    let run: Run | undefined;
    try {
      run = context.buildRun(traceId, group);
    } catch (error) {
      // A bug or an input shape nothing above anticipated: lose this run, not the file.
      report('invalid-document', `trace ${traceId} could not be read: ${(error as Error).message}`, { line: group.trace?.position.line ?? group.spans[0]?.position.line ?? 1, runId: traceId });
      sink.skipped();
      continue;
    }
    if (run.damaged === true) sink.damagedRun(run.id);
    runs++;
    onProgress?.({ file: path, bytesRead: bytes.length, totalBytes: bytes.length, spans: spanCount, runs });
    yield run;
  }
}


