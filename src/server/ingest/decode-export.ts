import { OtlpDecoder, normalizeId } from '../../evidence/trace/otlp/decode.js';
import { logsDataType, tracesDataType } from '../../evidence/trace/otlp/protobuf-schema.js';
import { FileProblems } from '../../evidence/trace/problems.js';
import type { RawEvent, RawSpan } from '../../evidence/trace/span.js';
import type { ProblemSink } from '../../evidence/trace/types.js';
import type { TraceProblem } from '../../evidence/types.js';
import type { PendingBatch, StoredEvent, StoredSpan } from './batch.js';

/**
 * One OTLP/HTTP export request body (already gunzipped) → the batch to make durable, with what was
 * rejected. Decoding is mimir's OTLP decoder (the one `mimir traces` reads files with), run per
 * resource so each span keeps its `service.name`; protobuf is turned into the OTLP JSON shape first,
 * as the protobuf file reader does. Log records are decoded through the same decoder too, as the
 * events of a stand-in span, so their attributes mean exactly what a span event's would.
 */

export type ExportSignal = 'traces' | 'logs';
export type ExportEncoding = 'json' | 'protobuf';

export interface DecodedExport {
  readonly batch: PendingBatch;
  /** Spans (or log records) rejected, for `partial_success`. */
  readonly rejected: number;
  /** The first problems found, for `partial_success.error_message`. */
  readonly problems: readonly string[];
}

/** The whole request cannot be read (not JSON, not protobuf, not an export request): a 400. */
export class BadExportRequest extends Error {
  override readonly name = 'BadExportRequest';
}

/** protobufjs's toObject options that give the OTLP JSON shape: longs and bytes as strings (as the protobuf reader uses). */
const AS_JSON_SHAPE = { longs: String, bytes: String, defaults: false } as const;
/** Problems quoted back to the exporter; the count is complete. */
const PROBLEMS_QUOTED = 3;
const STAND_IN_SPAN_ID = '0000000000000001';

export function decodeExport(signal: ExportSignal, encoding: ExportEncoding, body: Buffer, maxAttributeBytes: number, receivedAtMs: number): DecodedExport {
  const document = encoding === 'json' ? parseJson(body) : parseProtobuf(signal, body);
  const collected = collector();
  const decoder = new OtlpDecoder(new FileProblems(`otlp ${signal} request`, collected.sink), maxAttributeBytes);
  return signal === 'traces' ? decodeTraces(document, decoder, collected, receivedAtMs) : decodeLogs(document, decoder, collected, receivedAtMs);
}

function decodeTraces(document: unknown, decoder: OtlpDecoder, collected: Collector, receivedAtMs: number): DecodedExport {
  const spans: StoredSpan[] = [];
  const damaged = new Set<string>();
  let service = '';
  const handlers = {
    span: (span: RawSpan) => spans.push({ service, span }),
    damagedTrace: (traceId: string) => damaged.add(traceId),
    unattributedLoss: () => undefined,
  };
  const resources = resourceList(document, 'resourceSpans', 'resource_spans');
  if (resources === undefined) {
    decoder.decodeDocument(document, { position: { byteOffset: 0 }, damaged: false }, handlers);
    if (collected.problems.length > 0) throw new BadExportRequest(collected.problems[0]?.message ?? 'not an OTLP traces export request');
  } else {
    resources.forEach((resource, index) => {
      service = serviceName(resource);
      decoder.decodeDocument({ resourceSpans: [resource] }, { position: { line: index + 1 }, damaged: false }, handlers);
    });
  }
  return {
    batch: { receivedAtMs, spans, events: [], damagedTraces: [...damaged] },
    rejected: collected.skipped(),
    problems: collected.problems.slice(0, PROBLEMS_QUOTED).map((problem) => problem.message),
  };
}

/**
 * Log records that name an event (`eventName`, or the older `event.name` attribute) and a trace are
 * kept as events of that trace; others carry nothing mimir reads and are accepted without being stored.
 */
function decodeLogs(document: unknown, decoder: OtlpDecoder, collected: Collector, receivedAtMs: number): DecodedExport {
  const resources = resourceList(document, 'resourceLogs', 'resource_logs');
  if (resources === undefined) throw new BadExportRequest('not an OTLP logs export request: expected an object with resourceLogs');
  const events: StoredEvent[] = [];
  let rejected = 0;
  const reject = (message: string): void => {
    rejected++;
    collected.problems.push({ code: 'invalid-document', message, file: 'otlp logs request' });
  };
  for (const resource of resources) {
    for (const scope of listOf(resource, 'scopeLogs', 'scope_logs')) {
      for (const record of listOf(scope, 'logRecords', 'log_records')) {
        const attributes = Array.isArray(record.attributes) ? (record.attributes as unknown[]) : [];
        const eventName = stringOf(record.eventName ?? record.event_name) ?? attributeString(attributes, 'event.name');
        if (eventName === undefined) continue;
        const rawTraceId = record.traceId ?? record.trace_id;
        if (rawTraceId === undefined || rawTraceId === '') continue;
        const traceId = normalizeId(rawTraceId, 16);
        if (traceId === undefined) {
          reject(`log record ${eventName}: traceId ${JSON.stringify(rawTraceId)} is not 16 bytes of hex or base64`);
          continue;
        }
        const rawSpanId = record.spanId ?? record.span_id;
        const spanId = rawSpanId === undefined || rawSpanId === '' ? undefined : normalizeId(rawSpanId, 8);
        const event = decodeEvent(decoder, traceId, eventName, record.timeUnixNano ?? record.time_unix_nano ?? record.observedTimeUnixNano, attributes);
        if (event === undefined) {
          reject(`log record ${eventName} of trace ${traceId} could not be decoded`);
          continue;
        }
        events.push({ traceId, spanId, event });
      }
    }
  }
  const problems = collected.problems.slice(0, PROBLEMS_QUOTED).map((problem) => problem.message);
  return { batch: { receivedAtMs, spans: [], events, damagedTraces: [] }, rejected: rejected + collected.skipped(), problems };
}

/** The record's attributes decoded as the attributes of a span event: one decoder, one meaning. */
function decodeEvent(decoder: OtlpDecoder, traceId: string, name: string, time: unknown, attributes: unknown[]): RawEvent | undefined {
  let event: RawEvent | undefined;
  const standIn = { traceId, spanId: STAND_IN_SPAN_ID, name, startTimeUnixNano: time, endTimeUnixNano: time, events: [{ name, timeUnixNano: time, attributes }] };
  decoder.decodeLoneSpan(standIn, { position: { byteOffset: 0 }, damaged: false }, {
    span: (span) => {
      event = span.events[0];
    },
    damagedTrace: () => undefined,
    unattributedLoss: () => undefined,
  });
  return event;
}

interface Collector {
  readonly sink: ProblemSink;
  readonly problems: TraceProblem[];
  skipped(): number;
}

function collector(): Collector {
  const problems: TraceProblem[] = [];
  let skipped = 0;
  return {
    problems,
    skipped: () => skipped,
    sink: {
      report: (problem) => problems.push(problem),
      damagedRun: () => undefined,
      skipped: () => {
        skipped++;
      },
    },
  };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new BadExportRequest(`the body is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

function parseProtobuf(signal: ExportSignal, body: Buffer): unknown {
  const type = signal === 'traces' ? tracesDataType() : logsDataType();
  try {
    return type.toObject(type.decode(body), AS_JSON_SHAPE);
  } catch (error) {
    throw new BadExportRequest(`the body is not an OTLP ${signal} protobuf message (${error instanceof Error ? error.message : String(error)})`);
  }
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const stringOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The resource list of an export request; undefined when the document is not one. `{}` is an empty request. */
function resourceList(document: unknown, key: string, snakeKey: string): JsonObject[] | undefined {
  if (!isObject(document)) return undefined;
  const list = document[key] ?? document[snakeKey];
  if (list === undefined) return Object.keys(document).length === 0 ? [] : undefined;
  return Array.isArray(list) ? list.filter(isObject) : undefined;
}

function listOf(container: JsonObject, key: string, snakeKey: string): JsonObject[] {
  const list = container[key] ?? container[snakeKey];
  return Array.isArray(list) ? list.filter(isObject) : [];
}

function attributeString(attributes: readonly unknown[], key: string): string | undefined {
  for (const attribute of attributes) {
    if (isObject(attribute) && attribute.key === key && isObject(attribute.value)) return stringOf(attribute.value.stringValue ?? attribute.value.string_value);
  }
  return undefined;
}

function serviceName(resource: JsonObject): string {
  const attributes = isObject(resource.resource) && Array.isArray(resource.resource.attributes) ? resource.resource.attributes : [];
  return attributeString(attributes as unknown[], 'service.name') ?? '';
}

