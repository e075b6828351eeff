import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import type { Run } from '../../model/index.js';
import { inRunOrder } from '../../analysis/run-order.js';
import { detectRecording } from '../../analysis/recording.js';
import { isGzip, readHead } from './input/open-input.js';
import { langSmithReader } from './langsmith/reader.js';
import { openAiAgentsReader } from './openai-agents/reader.js';
import { otlpJsonReader } from './otlp/json-reader.js';
import { otlpProtobufReader } from './otlp/protobuf-reader.js';
import { FileProblems } from './problems.js';
import type { ProblemSink, ReadProgress, TraceFormat, TraceReadOptions, TraceReader } from './types.js';

/**
 * One entry point for any trace file: the format is recognized from the content (never the file
 * name), and the file handed to that format's reader.
 */

export const TRACE_READERS: Readonly<Record<TraceFormat, TraceReader>> = {
  'otlp-json': otlpJsonReader,
  'otlp-protobuf': otlpProtobufReader,
  'openai-agents': openAiAgentsReader,
  langsmith: langSmithReader,
};

/** Bytes looked at to recognize a format (compressed bytes, for a gzip file). */
const HEAD_BYTES = 64 * 1024;
/** Deflate expands at most ~1032:1, so 4 KiB of gzip is at most ~4 MiB of text: under the cap below. */
const GZIP_HEAD_BYTES = 4 * 1024;
const MAX_DECOMPRESSED_HEAD = 8 * 1024 * 1024;

const OTLP_JSON_MARKER = /"resourceSpans"|"resource_spans"/;
const OPENAI_AGENTS_MARKER = /"object"\s*:\s*"trace(?:\.span)?"|"span_data"\s*:/;
const LANGSMITH_RUN_TYPE = /"run_type"\s*:/;
const LANGSMITH_TRACE_FIELDS = /"trace_id"\s*:|"parent_run_id"\s*:|"dotted_order"\s*:/;

/**
 * The format of a file from its first bytes (decompressed): JSON (`{` or `[` first) is OTLP JSON
 * unless it has the OpenAI Agents SDK's (`object: "trace"` / `"trace.span"`, `span_data`) or
 * LangSmith's (`run_type` with `trace_id` / `parent_run_id`) marks; a first byte of 0x0a (field 1,
 * length-delimited: `resource_spans`) is OTLP protobuf. Undefined when it is none of these.
 */
export function detectTraceFormat(head: Uint8Array): TraceFormat | undefined {
  let start = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3;
  while (start < head.length && isSpace(head[start] as number)) start++;
  const first = head[start];
  if (first === undefined) return undefined;
  if (first === 0x7b /* { */ || first === 0x5b /* [ */) {
    const text = Buffer.from(head.buffer, head.byteOffset + start, head.length - start).toString('utf8');
    if (OTLP_JSON_MARKER.test(text)) return 'otlp-json';
    if (OPENAI_AGENTS_MARKER.test(text)) return 'openai-agents';
    if (LANGSMITH_RUN_TYPE.test(text) && LANGSMITH_TRACE_FIELDS.test(text)) return 'langsmith';
    // JSON of no known shape: the OTLP reader says precisely what is wrong with it.
    return 'otlp-json';
  }
  // A protobuf message cannot start with whitespace: test the very first byte.
  if (head[0] === 0x0a) return 'otlp-protobuf';
  return undefined;
}

/** Reads one trace file of any supported format, yielding each run once it is complete. */
export async function* readTraceFile(
  path: string,
  options: TraceReadOptions,
  sink: ProblemSink,
  onProgress?: (progress: ReadProgress) => void,
): AsyncGenerator<Run> {
  const problems = new FileProblems(path, sink);
  let head: Buffer;
  try {
    const raw = await readHead(path, HEAD_BYTES);
    head = raw;
    if (isGzip(raw)) {
      head = gunzipHead(raw.subarray(0, GZIP_HEAD_BYTES));
      // Nothing came out: an empty export, or a stream cut in its first bytes (before any data).
      // Only the stream's end marker tells them apart; a cut one is a lost file, never "no runs".
      if (!head.some((byte) => !isSpace(byte)) && raw.length < HEAD_BYTES && !isWholeGzip(raw)) {
        problems.report('truncated', `the gzip stream ends before its end marker after ${raw.length} bytes (the file was cut short): nothing in it could be read`, { byteOffset: raw.length });
        problems.skipped();
        return;
      }
    }
  } catch (error) {
    problems.report('unreadable', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { byteOffset: 0 });
    problems.skipped();
    return;
  }
  const format = detectTraceFormat(head);
  if (format === undefined) {
    // An empty (or blank) file holds no records: nothing was skipped.
    if (head.some((byte) => !isSpace(byte))) {
      problems.report('unknown-format', `${path} is not a trace file mimir reads (OTLP JSON or protobuf, OpenAI Agents SDK or LangSmith export)`, { byteOffset: 0 });
      problems.skipped();
    }
    return;
  }
  for await (const run of TRACE_READERS[format].read(path, options, sink, onProgress)) yield withRecording(run);
}

/** Every reader's runs, and mimir serve's, get the same reading of how they were recorded (see detectRecording). */
export function withRecording(run: Run): Run {
  const detected = detectRecording(inRunOrder(run.steps));
  if (detected === undefined) return run;
  // What the trace declared about itself (mimir.timing) wins over what the times look like.
  return { ...run, recording: { ...detected, ...run.recording } };
}

/** The decompressed start of a gzip file, from its first compressed bytes. */
function gunzipHead(compressed: Buffer): Buffer {
  // Z_SYNC_FLUSH: hand out what these bytes decompress to, without insisting on the stream's end.
  return gunzipSync(compressed, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: MAX_DECOMPRESSED_HEAD });
}

/** Whether a whole (small) gzip file decompresses to its end marker. */
function isWholeGzip(compressed: Buffer): boolean {
  try {
    gunzipSync(compressed, { maxOutputLength: MAX_DECOMPRESSED_HEAD });
    return true;
  } catch {
    return false;
  }
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
