import type { AttrValue, RawEvent, RawSpan } from '../../evidence/trace/span.js';

/**
 * What one acknowledged export request becomes: its decoded spans (and log events), as written to
 * the durable ingest log and then applied to the store. Spans are kept as the OTLP decoder left them
 * (`RawSpan`), so a run is later assembled by the same normalisation and assembly `mimir traces`
 * uses; only the Map of attributes needs a JSON form.
 */
export interface DurableBatch {
  /** Position in the ingest log, 1, 2, 3…: the store records the last one it applied. */
  readonly sequence: number;
  readonly receivedAtMs: number;
  readonly spans: readonly StoredSpan[];
  readonly events: readonly StoredEvent[];
  /** Traces that lost a span in this request (it was rejected): their runs are damaged. */
  readonly damagedTraces: readonly string[];
}

export interface StoredSpan {
  /** `service.name` of the span's resource ('' when the exporter gave none). */
  readonly service: string;
  readonly span: RawSpan;
}

/** A log record carrying an event (`gen_ai.evaluation.result`), attached to the span it names. */
export interface StoredEvent {
  readonly traceId: string;
  /** The span it belongs to; absent: the trace's root. */
  readonly spanId: string | undefined;
  readonly event: RawEvent;
}

/** A batch before the log gives it a sequence. */
export type PendingBatch = Omit<DurableBatch, 'sequence'>;

interface SpanJson extends Omit<RawSpan, 'attributes' | 'events'> {
  readonly attributes: readonly (readonly [string, AttrValue])[];
  readonly events: readonly EventJson[];
}
interface EventJson extends Omit<RawEvent, 'attributes'> {
  readonly attributes: readonly (readonly [string, AttrValue])[];
}

const eventToJson = (event: RawEvent): EventJson => ({ ...event, attributes: [...event.attributes] });
const eventFromJson = (event: EventJson): RawEvent => ({ ...event, attributes: new Map(event.attributes) });

export function spanToJson(span: RawSpan): SpanJson {
  return { ...span, attributes: [...span.attributes], events: span.events.map(eventToJson) };
}

export function spanFromJson(json: SpanJson): RawSpan {
  return { ...json, attributes: new Map(json.attributes), events: json.events.map(eventFromJson) };
}

export function eventJson(event: RawEvent): string {
  return JSON.stringify(eventToJson(event));
}

export function eventFromText(text: string): RawEvent {
  return eventFromJson(JSON.parse(text) as EventJson);
}

/** One line of the ingest log. */
export function batchToLine(batch: DurableBatch): string {
  return `${JSON.stringify({
    sequence: batch.sequence,
    receivedAtMs: batch.receivedAtMs,
    spans: batch.spans.map((stored) => ({ service: stored.service, span: spanToJson(stored.span) })),
    events: batch.events.map((stored) => ({ traceId: stored.traceId, spanId: stored.spanId, event: eventToJson(stored.event) })),
    damagedTraces: batch.damagedTraces,
  })}\n`;
}

interface BatchJson {
  readonly sequence: number;
  readonly receivedAtMs: number;
  readonly spans: readonly { readonly service: string; readonly span: SpanJson }[];
  readonly events: readonly { readonly traceId: string; readonly spanId?: string; readonly event: EventJson }[];
  readonly damagedTraces: readonly string[];
}

/** Undefined for a line that does not parse (the torn tail of a write that was never acknowledged). */
export function batchFromLine(line: string): DurableBatch | undefined {
  let json: BatchJson;
  try {
    json = JSON.parse(line) as BatchJson;
  } catch {
    return undefined;
  }
  if (typeof json.sequence !== 'number') return undefined;
  return {
    sequence: json.sequence,
    receivedAtMs: json.receivedAtMs,
    spans: json.spans.map((stored) => ({ service: stored.service, span: spanFromJson(stored.span) })),
    events: json.events.map((stored) => ({ traceId: stored.traceId, spanId: stored.spanId, event: eventFromJson(stored.event) })),
    damagedTraces: json.damagedTraces,
  };
}
