// Over 400 lines on purpose: one decoder whose per-span state lives on the instance (no closure per span); field-level helpers are in fields.ts.
import type { AttrValue, RawEvent, RawSpan, SourcePosition, SpanStatusCode } from '../span.js';
import { describeMisspelt, misspeltKeys } from '../misspelt-keys.js';
import { describeValue as describe, type FileProblems, type ProblemPlace } from '../problems.js';
import {
  EARLIEST_PLAUSIBLE_MS,
  EVENT_KEYS,
  INVALID,
  isObject,
  KEY_VALUE_KEYS,
  LATEST_PLAUSIBLE_MS,
  nanosToMs,
  normalizeId,
  RESOURCE_SPANS_KEYS,
  SCOPE_SPANS_KEYS,
  SPAN_KEYS,
  SPAN_KINDS,
  STATUS_KEYS,
  toDouble,
  toInteger,
  TRACES_DATA_KEYS,
  truncateUtf8,
  unknownKeys,
  ZERO_SPAN_ID,
  ZERO_TRACE_ID,
  type JsonObject,
} from './fields.js';

export { normalizeId } from './fields.js';

/**
 * OTLP traces, decoded from the plain objects JSON.parse gives (or protobufjs's `toObject` with
 * longs and bytes as strings, which has the same shape) into RawSpans. Everything is validated:
 * what cannot be used is reported with its location and skipped, what can be repaired is repaired
 * and the span marked damaged; a misspelt key is reported, never silently ignored.
 */

export interface DocumentContext {
  /** Where the document is: its line in JSON Lines, or nothing more precise than the file. */
  readonly position: SourcePosition;
  /** The document itself was repaired before decoding (e.g. invalid UTF-8 replaced). */
  readonly damaged: boolean;
  /** In a single whole-file document, finds a span's line; called only when there is a problem. */
  readonly locate?: (rawSpanId: string) => SourcePosition;
}

export interface DecodedSpanHandlers {
  span(span: RawSpan): void;
  /** A span of this trace was dropped: the trace is incomplete. */
  damagedTrace(traceId: string): void;
  /** Something was dropped whose trace cannot be known (a malformed list, a span without trace id). */
  unattributedLoss(): void;
}

/** Nesting beyond this in an attribute value is refused: no real attribute is this deep. */
const MAX_VALUE_DEPTH = 32;
/** Most spans have no events: one shared empty list instead of one per span. */
const NO_EVENTS: readonly RawEvent[] = Object.freeze([]);
type Decoded = AttrValue | undefined | typeof INVALID;

export class OtlpDecoder {
  // State of the span being decoded, reset per span: kept on the instance to avoid a closure per span.
  private damaged = false;
  private approxBytes = 0;
  private spanPlace: ProblemPlace | undefined;
  private context: DocumentContext = { position: { byteOffset: 0 }, damaged: false };
  private rawSpanId = '';
  private spanId: string | undefined;
  private documentLost = false;
  private lastRawTraceId: unknown = undefined;
  private lastTraceId: string | undefined = undefined;

  constructor(
    private readonly problems: FileProblems,
    private readonly maxAttributeBytes: number,
  ) {}

  decodeDocument(document: unknown, context: DocumentContext, handlers: DecodedSpanHandlers): void {
    this.context = context;
    this.documentLost = false;
    if (Array.isArray(document)) {
      // A top-level array of documents (some tools write one): each element is a document.
      for (const element of document) this.decodeOne(element, handlers);
      return;
    }
    this.decodeOne(document, handlers);
  }

  /** One span outside a document: the protobuf reader decodes span by span, to locate each. */
  decodeLoneSpan(span: unknown, context: DocumentContext, handlers: DecodedSpanHandlers): void {
    this.context = context;
    this.documentLost = false;
    this.decodeSpan(span, handlers);
  }

  private decodeOne(document: unknown, handlers: DecodedSpanHandlers): void {
    if (!isObject(document)) {
      this.documentProblem(`expected an OTLP traces document (an object with resourceSpans), found ${describe(document)}`, handlers);
      return;
    }
    const resourceSpans = document.resourceSpans ?? document.resource_spans;
    if (resourceSpans === undefined) {
      // `{}` is a valid, empty export request (proto3 JSON omits empty lists); anything else is not ours.
      const unknown = unknownKeys(document, TRACES_DATA_KEYS);
      if (unknown !== undefined) this.documentProblem(`not an OTLP traces document: it has no resourceSpans but ${unknown}`, handlers);
      return;
    }
    if (!Array.isArray(resourceSpans)) {
      this.documentProblem(`resourceSpans is ${describe(resourceSpans)}, not a list`, handlers);
      return;
    }
    this.misspeltContainerKeys(document, TRACES_DATA_KEYS, 'the document', handlers);
    for (const resource of resourceSpans) {
      if (!isObject(resource)) {
        this.documentProblem(`a resourceSpans entry is ${describe(resource)}, not an object`, handlers);
        continue;
      }
      const scopes = resource.scopeSpans ?? resource.scope_spans ?? resource.instrumentationLibrarySpans ?? resource.instrumentation_library_spans;
      if (scopes === undefined) {
        // No span list, but keys the mapping does not have: a misspelt list, whose spans would be lost unseen.
        const unknown = unknownKeys(resource, RESOURCE_SPANS_KEYS);
        if (unknown !== undefined) this.documentProblem(`a resourceSpans entry has no scopeSpans but ${unknown}: its spans, if any, are lost`, handlers);
        continue;
      }
      if (!Array.isArray(scopes)) {
        this.documentProblem(`scopeSpans is ${describe(scopes)}, not a list`, handlers);
        continue;
      }
      this.misspeltContainerKeys(resource, RESOURCE_SPANS_KEYS, 'a resourceSpans entry', handlers);
      for (const scope of scopes) {
        if (!isObject(scope)) {
          this.documentProblem(`a scopeSpans entry is ${describe(scope)}, not an object`, handlers);
          continue;
        }
        const spans = scope.spans;
        if (spans === undefined) {
          const unknown = unknownKeys(scope, SCOPE_SPANS_KEYS);
          if (unknown !== undefined) this.documentProblem(`a scopeSpans entry has no spans but ${unknown}: its spans, if any, are lost`, handlers);
          continue;
        }
        if (!Array.isArray(spans)) {
          this.documentProblem(`spans is ${describe(spans)}, not a list`, handlers);
          continue;
        }
        this.misspeltContainerKeys(scope, SCOPE_SPANS_KEYS, 'a scopeSpans entry', handlers);
        for (const span of spans) this.decodeSpan(span, handlers);
      }
    }
  }

  /**
   * A container that has its list may still have a misspelt sibling ("resourceSpan" beside
   * "resourceSpans"): what that holds is lost, and said so. A misspelt list that holds something
   * is a loss of spans (counted as such); a misspelt scalar is reported only.
   */
  private misspeltContainerKeys(container: JsonObject, known: ReadonlySet<string>, what: string, handlers: DecodedSpanHandlers): void {
    const misspelt = misspeltKeys(container, known, false);
    if (misspelt.length === 0) return;
    const message = `${what} has ${describeMisspelt(misspelt)}, which OTLP does not define: what it holds is ignored; rename the key`;
    const holdsData = misspelt.some(({ key }) => {
      const value = container[key];
      return Array.isArray(value) ? value.length > 0 : isObject(value);
    });
    if (holdsData) this.documentProblem(message, handlers);
    else this.problems.report('invalid-document', message, this.context.position);
  }

  private documentProblem(message: string, handlers: DecodedSpanHandlers): void {
    this.problems.report('invalid-document', message, this.context.position);
    this.problems.skipped();
    this.documentLost = true;
    handlers.unattributedLoss();
  }

  private decodeSpan(value: unknown, handlers: DecodedSpanHandlers): void {
    this.damaged = this.context.damaged || this.documentLost;
    this.approxBytes = 256;
    this.spanPlace = undefined;
    this.spanId = undefined;
    if (!isObject(value)) {
      this.problems.report('invalid-document', `a span is ${describe(value)}, not an object`, this.context.position);
      this.problems.skipped();
      handlers.unattributedLoss();
      return;
    }
    const rawSpanId = value.spanId ?? value.span_id;
    this.rawSpanId = typeof rawSpanId === 'string' ? rawSpanId : '';
    const rawTraceId = value.traceId ?? value.trace_id;
    // Spans of a batch mostly share their trace: validate each distinct id once.
    let traceId: string | undefined;
    if (rawTraceId === this.lastRawTraceId) {
      traceId = this.lastTraceId;
    } else {
      traceId = normalizeId(rawTraceId, 16);
      this.lastRawTraceId = rawTraceId;
      this.lastTraceId = traceId;
    }
    const spanId = normalizeId(rawSpanId, 8);
    if (traceId === undefined || traceId === ZERO_TRACE_ID) {
      this.problems.report('invalid-document', `span without a valid traceId (${describe(rawTraceId)}): skipped`, this.place());
      this.problems.skipped();
      handlers.unattributedLoss();
      return;
    }
    if (spanId === undefined || spanId === ZERO_SPAN_ID) {
      this.problems.report('invalid-document', `span of trace ${traceId} without a valid spanId (${describe(rawSpanId)}): skipped`, this.place());
      this.problems.skipped();
      handlers.damagedTrace(traceId);
      return;
    }
    this.spanId = spanId;

    const rawParent = value.parentSpanId ?? value.parent_span_id;
    let parentSpanId: string | undefined;
    if (rawParent !== undefined && rawParent !== null && rawParent !== '') {
      const parent = normalizeId(rawParent, 8);
      // A malformed parent id is kept as written: it then shows up, and is reported, as a missing parent.
      if (parent !== ZERO_SPAN_ID) parentSpanId = parent ?? (typeof rawParent === 'string' ? rawParent : JSON.stringify(rawParent));
    }

    const misspelt = misspeltKeys(value, SPAN_KEYS, false);
    if (misspelt.length > 0) this.misspelt('a span', misspelt);

    let name = '';
    if (typeof value.name === 'string') name = value.name;
    else if (value.name !== undefined) this.wrongType('name', value.name, 'a string');

    const kind = value.kind;
    if (kind !== undefined && kind !== null && !SPAN_KINDS.has(kind as string | number)) this.wrongType('kind', kind, 'a span kind (0 to 5, or SPAN_KIND_…)');

    const startMs = this.time('startTimeUnixNano', value.startTimeUnixNano ?? value.start_time_unix_nano);
    const endMs = this.time('endTimeUnixNano', value.endTimeUnixNano ?? value.end_time_unix_nano);

    let statusCode: SpanStatusCode = 'unset';
    let statusMessage: string | undefined;
    const status = value.status;
    if (isObject(status)) {
      const misspeltStatus = misspeltKeys(status, STATUS_KEYS, false);
      if (misspeltStatus.length > 0) this.misspelt('the span status', misspeltStatus);
      statusCode = this.statusCode(status.code);
      if (typeof status.message === 'string' && status.message !== '') statusMessage = this.limitString('status.message', status.message);
    } else if (status !== undefined && status !== null) {
      this.wrongType('status', status, 'an object');
    }

    const attributes = this.attributes(value.attributes, 'attributes');
    const events = this.events(value.events);

    handlers.span({
      traceId,
      spanId,
      parentSpanId,
      name,
      startMs,
      endMs,
      statusCode,
      statusMessage,
      attributes,
      events,
      position: this.position(),
      damaged: this.damaged,
      approxBytes: this.approxBytes,
    });
  }

  /** Where the current span is: its document's position (shared, not copied), or its own line in a whole-file document. */
  private position(): SourcePosition {
    return this.context.locate ? this.context.locate(this.rawSpanId) : this.context.position;
  }

  /** The current span's place for a problem report; built only when there is a problem. */
  private place(): ProblemPlace {
    if (this.spanPlace === undefined) {
      const base = this.position();
      this.spanPlace = this.spanId === undefined ? base : { ...base, spanId: this.spanId };
    }
    return this.spanPlace;
  }

  private misspelt(what: string, misspelt: Parameters<typeof describeMisspelt>[0]): void {
    this.damaged = true;
    this.problems.report('wrong-attribute-type', `${what} has ${describeMisspelt(misspelt)}, which OTLP does not define: its value is ignored; rename the key`, this.place());
  }

  private wrongType(field: string, value: unknown, expected: string): void {
    this.damaged = true;
    this.problems.report('wrong-attribute-type', `span field ${field} is ${describe(value)}, expected ${expected}`, this.place());
  }

  private time(field: string, value: unknown): number | undefined {
    const ms = nanosToMs(value);
    if (ms === null || (ms !== undefined && (ms < EARLIEST_PLAUSIBLE_MS || ms > LATEST_PLAUSIBLE_MS))) {
      this.wrongType(field, value, 'unix nanoseconds between 1990 and 2200');
      return undefined;
    }
    return ms;
  }

  private statusCode(code: unknown): SpanStatusCode {
    switch (code) {
      case undefined:
      case null:
      case 0:
      case 'STATUS_CODE_UNSET':
        return 'unset';
      case 1:
      case 'STATUS_CODE_OK':
        return 'ok';
      case 2:
      case 'STATUS_CODE_ERROR':
        return 'error';
      default:
        this.wrongType('status.code', code, '0, 1 or 2');
        return 'unset';
    }
  }

  private events(value: unknown): readonly RawEvent[] {
    if (value === undefined || value === null) return NO_EVENTS;
    if (!Array.isArray(value)) {
      this.wrongType('events', value, 'a list');
      return NO_EVENTS;
    }
    if (value.length === 0) return NO_EVENTS;
    const events: RawEvent[] = [];
    for (const event of value) {
      if (!isObject(event)) {
        this.wrongType('events[]', event, 'an object');
        continue;
      }
      const misspelt = misspeltKeys(event, EVENT_KEYS, false);
      if (misspelt.length > 0) this.misspelt('a span event', misspelt);
      const name = typeof event.name === 'string' ? event.name : '';
      events.push({
        name,
        timeMs: this.time('events[].timeUnixNano', event.timeUnixNano ?? event.time_unix_nano),
        attributes: this.attributes(event.attributes, `event ${name} attributes`),
      });
    }
    return events;
  }

  private attributes(list: unknown, where: string): Map<string, AttrValue> {
    const map = new Map<string, AttrValue>();
    if (list === undefined || list === null) return map;
    if (!Array.isArray(list)) {
      this.wrongType(where, list, 'a list of key/value pairs');
      return map;
    }
    for (const entry of list) {
      if (!isObject(entry) || typeof entry.key !== 'string') {
        this.damaged = true;
        this.problems.report('wrong-attribute-type', `${where}: an entry is ${describe(entry)}, not a {key, value} pair`, this.place());
        continue;
      }
      if (entry.value === undefined) {
        // {key, vaule}: without this, the attribute would vanish as if it had been empty.
        const misspelt = misspeltKeys(entry, KEY_VALUE_KEYS, true);
        if (misspelt.length > 0) this.misspelt(`${where}: the entry ${JSON.stringify(entry.key.slice(0, 80))}`, misspelt);
      }
      const decoded = this.anyValue(entry.value, entry.key, 0);
      if (decoded === INVALID) {
        this.damaged = true;
        this.problems.report('wrong-attribute-type', `attribute ${entry.key} has an invalid value ${describe(entry.value)}: dropped`, this.place());
        continue;
      }
      if (decoded !== undefined) map.set(entry.key, decoded);
    }
    return map;
  }

  /** An OTLP AnyValue. Undefined for an empty (unset) value; INVALID for anything not an AnyValue. */
  private anyValue(value: unknown, key: string, depth: number): Decoded {
    if (!isObject(value)) return value === undefined || value === null ? undefined : INVALID;
    const string = value.stringValue;
    if (string !== undefined) return typeof string === 'string' ? this.limitString(key, string) : INVALID;
    const int = value.intValue;
    if (int !== undefined) return toInteger(int);
    const double = value.doubleValue;
    if (double !== undefined) return toDouble(double);
    const bool = value.boolValue;
    if (bool !== undefined) return typeof bool === 'boolean' ? bool : INVALID;
    const array = value.arrayValue;
    if (array !== undefined) return this.arrayValue(array, key, depth);
    const kvlist = value.kvlistValue;
    if (kvlist !== undefined) return this.kvlistValue(kvlist, key, depth);
    const bytes = value.bytesValue;
    if (bytes !== undefined) return typeof bytes === 'string' ? this.limitString(key, bytes) : INVALID;
    return this.snakeCaseValue(value, key, depth);
  }

  /** The snake_case spelling of AnyValue, tried only when no camelCase field is there. */
  private snakeCaseValue(value: JsonObject, key: string, depth: number): Decoded {
    for (const field in value) {
      const inner = value[field];
      switch (field) {
        case 'string_value':
        case 'bytes_value':
          return typeof inner === 'string' ? this.limitString(key, inner) : INVALID;
        case 'int_value':
          return toInteger(inner);
        case 'double_value':
          return toDouble(inner);
        case 'bool_value':
          return typeof inner === 'boolean' ? inner : INVALID;
        case 'array_value':
          return this.arrayValue(inner, key, depth);
        case 'kvlist_value':
          return this.kvlistValue(inner, key, depth);
        default:
          return INVALID;
      }
    }
    return undefined;
  }

  private arrayValue(array: unknown, key: string, depth: number): Decoded {
    if (depth >= MAX_VALUE_DEPTH || !isObject(array)) return INVALID;
    const values = array.values;
    if (values === undefined) return [];
    if (!Array.isArray(values)) return INVALID;
    const out: AttrValue[] = [];
    for (const element of values) {
      const decoded = this.anyValue(element, key, depth + 1);
      if (decoded === INVALID) return INVALID;
      if (decoded !== undefined) out.push(decoded);
    }
    return out;
  }

  private kvlistValue(kvlist: unknown, key: string, depth: number): Decoded {
    if (depth >= MAX_VALUE_DEPTH || !isObject(kvlist)) return INVALID;
    const values = kvlist.values;
    // A null-prototype record: a key named __proto__ stays data instead of becoming a prototype.
    const out = Object.create(null) as Record<string, AttrValue>;
    if (values === undefined) return out;
    if (!Array.isArray(values)) return INVALID;
    for (const entry of values) {
      if (!isObject(entry) || typeof entry.key !== 'string') return INVALID;
      const decoded = this.anyValue(entry.value, `${key}.${entry.key}`, depth + 1);
      if (decoded === INVALID) return INVALID;
      if (decoded !== undefined) out[entry.key] = decoded;
    }
    return out;
  }

  /** Strings over maxAttributeBytes are cut (on a character boundary) and reported. */
  private limitString(key: string, value: string): string {
    this.approxBytes += value.length;
    const max = this.maxAttributeBytes;
    // A UTF-16 code unit is at most 3 UTF-8 bytes: most strings are cleared without measuring.
    if (value.length * 3 <= max) return value;
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes <= max) return value;
    this.damaged = true;
    this.problems.report('oversized-value', `attribute ${key} is ${bytes} bytes, over the ${max}-byte limit: truncated`, this.place());
    return truncateUtf8(value, max);
  }
}

