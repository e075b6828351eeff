import { readFile, stat } from 'node:fs/promises';
import { Reader } from 'protobufjs';
import type { Run } from '../../../model/index.js';
import { gunzipWhole, isGzip } from '../input/open-input.js';
import type { ProblemSink, ReadProgress, TraceReadOptions } from '../types.js';
import { OTLP_FIELDS, spanType } from './protobuf-schema.js';
import { OtlpSession, type OtlpReaderLimits } from './session.js';

// The OTLP protobuf reader's work (protobuf-reader.ts says what it reads), in a module of its own
// so that protobufjs loads only when a protobuf file is read.

const WIRE_LENGTH_DELIMITED = 2;
/** protobufjs's toObject options that give the OTLP JSON shape: longs and bytes as strings. */
const AS_JSON_SHAPE = { longs: String, bytes: String, defaults: false } as const;

class Cut extends Error {
  constructor(readonly offset: number) {
    super(`the message ends early, at byte ${offset}`);
  }
}

export async function* readOtlpProtobuf(
  path: string,
  options: TraceReadOptions,
  sink: ProblemSink,
  limits: OtlpReaderLimits,
  onProgress: ((progress: ReadProgress) => void) | undefined,
): AsyncGenerator<Run> {
  const session = new OtlpSession(path, options, sink, limits, onProgress);
  const problems = session.problems;
  let bytes: Buffer;
  let totalBytes: number;
  let alreadyCut = false;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    totalBytes = info.size;
    if (info.size > limits.maxDocumentBytes) throw new Error(`${info.size} bytes is over the ${limits.maxDocumentBytes}-byte limit for a file read whole`);
    bytes = await readFile(path);
    if (isGzip(bytes)) {
      const unzipped = gunzipWhole(bytes, limits.maxDocumentBytes);
      if (unzipped.truncated) {
        alreadyCut = true;
        problems.report('truncated', 'the gzip stream ends before its end marker (the file was cut short): reading what it holds', { byteOffset: bytes.length });
      }
      bytes = unzipped.bytes;
    }
  } catch (error) {
    problems.report('unreadable', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { byteOffset: 0 });
    problems.skipped();
    return;
  }

  const reader = Reader.create(bytes);
  const type = spanType();
  let spans = 0;
  try {
    walk(reader, reader.len, (field, end) => {
      if (field !== OTLP_FIELDS.resourceSpans) return;
      walk(reader, end, (resourceField, resourceEnd) => {
        if (resourceField !== OTLP_FIELDS.scopeSpans && resourceField !== OTLP_FIELDS.instrumentationLibrarySpans) return;
        walk(reader, resourceEnd, (scopeField, spanEnd, cut) => {
          // A span cut in the middle cannot be decoded; the Cut that follows reports it.
          if (scopeField !== OTLP_FIELDS.spans || cut) return;
          const start = reader.pos;
          const length = reader.len;
          try {
            const span = type.toObject(type.decode(reader, spanEnd - start), AS_JSON_SHAPE);
            session.span(span, { position: { byteOffset: start }, damaged: alreadyCut });
            spans++;
          } catch (error) {
            problems.report('invalid-document', `the span at byte ${start} does not decode (${error instanceof Error ? error.message : String(error)}): skipped`, { byteOffset: start });
            problems.skipped();
            session.unattributedLoss();
          } finally {
            // protobufjs narrows reader.len while it decodes a sub-message and, when decoding throws, leaves it narrowed.
            reader.len = length;
          }
        });
      });
    });
  } catch (caught) {
    const error = isOutOfRange(caught) ? new Cut(reader.pos) : caught;
    if (error instanceof Cut) {
      if (!alreadyCut) problems.report('truncated', `${error.message}: the spans after it are lost`, { byteOffset: error.offset });
    } else {
      const offset = reader.pos;
      problems.report(
        spans === 0 ? 'unknown-format' : 'invalid-document',
        `not an OTLP protobuf message from byte ${offset} on (${error instanceof Error ? error.message : String(error)})${spans === 0 ? '' : ': the rest is skipped'}`,
        { byteOffset: offset },
      );
    }
    problems.skipped();
    session.inputCut();
  }
  session.endRecord();
  yield* session.finish();
  session.progress(totalBytes, totalBytes, true);
}

/**
 * Reads the fields of a message up to `end`: length-delimited fields are offered to `visit`, which
 * may read them (or not); the reader then moves past them either way. Other fields are skipped.
 * A field that runs past the end of the input (the file was cut) is still offered, `cut` set, so
 * the spans before the cut are read; then the walk stops with a Cut.
 */
function walk(reader: Reader, end: number, visit: (field: number, end: number, cut: boolean) => void): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 0) throw new Error(`field number 0 at byte ${reader.pos}`);
    if (wireType !== WIRE_LENGTH_DELIMITED) {
      reader.skipType(wireType);
      continue;
    }
    const length = reader.uint32();
    let fieldEnd = reader.pos + length;
    const cut = fieldEnd > reader.len;
    if (cut) fieldEnd = reader.len;
    else if (fieldEnd > end) throw new Error(`a field at byte ${reader.pos} overruns the message that holds it`);
    visit(field, fieldEnd, cut);
    reader.pos = fieldEnd;
    if (cut) throw new Cut(reader.len);
  }
  if (reader.pos > end) throw new Error(`a field overruns the message that holds it, at byte ${end}`);
}

/** protobufjs's complaint when it reads past the end of the buffer: the input was cut. */
function isOutOfRange(error: unknown): boolean {
  return error instanceof RangeError && error.message.startsWith('index out of range');
}
