/**
 * The format-neutral span every OTLP-shaped reader (JSON, JSON Lines, protobuf) hands to the
 * conventions and the assembler. It is deliberately close to OTLP itself: decoding and
 * interpretation are separate steps, so the conventions are written (and tested) once.
 */

/** An OTLP AnyValue, decoded: int64 become numbers, kvlists null-prototype records, bytes base64. */
export type AttrValue = string | number | boolean | readonly AttrValue[] | AttrRecord;
export interface AttrRecord {
  readonly [key: string]: AttrValue;
}

export type Attributes = ReadonlyMap<string, AttrValue>;

/**
 * Where a span (or a problem) sits in its file: the line, or a byte offset, or both. Never neither:
 * a problem nobody can find in the file is a problem nobody can fix (the type makes readers say).
 */
export type SourcePosition = { readonly line: number; readonly byteOffset?: number } | { readonly line?: number; readonly byteOffset: number };

export interface RawEvent {
  readonly name: string;
  /** Unix time in milliseconds (fractional: OTLP carries nanoseconds). */
  readonly timeMs: number | undefined;
  readonly attributes: Attributes;
}

export type SpanStatusCode = 'unset' | 'ok' | 'error';

export interface RawSpan {
  /** Lower-case hex, 32 characters. */
  readonly traceId: string;
  /** Lower-case hex, 16 characters. */
  readonly spanId: string;
  /** Absent for a root span. Kept even when malformed, so it shows up as a missing parent. */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly startMs: number | undefined;
  /** Absent while the span has not ended (an unset or zero end time). */
  readonly endMs: number | undefined;
  readonly statusCode: SpanStatusCode;
  readonly statusMessage: string | undefined;
  readonly attributes: Attributes;
  readonly events: readonly RawEvent[];
  readonly position: SourcePosition;
  /** True when decoding had to drop or repair part of the span (reported already). */
  readonly damaged: boolean;
  /** Rough size of the span's input, for the in-flight memory budget. */
  readonly approxBytes: number;
}
