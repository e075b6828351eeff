import type { Run } from '../../../model/index.js';
import type { TraceReader } from '../types.js';
import type * as ProtobufDecode from './protobuf-decode.js';
import { DEFAULT_OTLP_LIMITS, type OtlpReaderLimits } from './session.js';

/**
 * OTLP protobuf: one TracesData or ExportTraceServiceRequest message per file, as the Collector's
 * file exporter (`format: proto`) and OTLP/HTTP captures write them; gzip accepted. Files holding
 * several length-delimited messages are not something OTel tools write, so they are not guessed at:
 * such a file decodes as garbage after the first message and is reported.
 *
 * A protobuf message has no inner boundary to stream on, so the file is read whole (bounded by
 * maxDocumentBytes). Spans are then decoded one by one, walking the outer messages by hand: that
 * locates every span by byte offset, and a damaged span (or a file cut short) loses only itself and
 * what follows it, not the spans already decoded.
 */

export function createOtlpProtobufReader(limits: Partial<OtlpReaderLimits> = {}): TraceReader {
  const resolved: OtlpReaderLimits = { ...DEFAULT_OTLP_LIMITS, ...limits };
  return {
    format: 'otlp-protobuf',
    read: (path, options, sink, onProgress) => readLazily(path, options, sink, resolved, onProgress),
  };
}

export const otlpProtobufReader: TraceReader = createOtlpProtobufReader();

/**
 * protobufjs and the OTLP schema it builds cost ≈30–40 ms of CPU to load, on the main thread and on the
 * reading worker alike; most trace files are JSON, so they load with the first protobuf file.
 */
async function* readLazily(...args: Parameters<typeof ProtobufDecode.readOtlpProtobuf>): AsyncGenerator<Run> {
  const { readOtlpProtobuf } = await import('./protobuf-decode.js');
  yield* readOtlpProtobuf(...args);
}
