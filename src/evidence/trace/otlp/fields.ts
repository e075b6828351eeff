import { closestMatch } from '../../../shared/suggest.js';

/**
 * The fields of OTLP's JSON mapping, one by one: ids, times, the keys each container may have, and
 * scalar attribute values. Field names follow the protobuf JSON mapping: lowerCamelCase, with the
 * original snake_case accepted too (the mapping allows both, and Python's exporters use it).
 */

export type JsonObject = Record<string, unknown>;

/** What a scalar AnyValue decodes to when it is not one. */
export const INVALID = Symbol('invalid attribute value');

const HEX_ID = /^[0-9a-f]+$/;
const HEX_ID_ANY_CASE = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
export const ZERO_TRACE_ID = '0'.repeat(32);
export const ZERO_SPAN_ID = '0'.repeat(16);
/**
 * Span times outside 1990..2200 are damage (a digit lost or doubled), not history or future: they
 * would sort a step years away from its run and poison every duration.
 */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(1990, 0, 1);
export const LATEST_PLAUSIBLE_MS = Date.UTC(2200, 0, 1);

/**
 * A trace or span id as lower-case hex. OTLP JSON writes hex; some protobuf-to-JSON tools write
 * the bytes as base64 (the generic protobuf JSON mapping for `bytes`). Anything else is undefined.
 */
export function normalizeId(value: unknown, bytes: 8 | 16): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length === bytes * 2) {
    if (HEX_ID.test(value)) return value;
    if (HEX_ID_ANY_CASE.test(value)) return value.toLowerCase();
  }
  if (value.length === Math.ceil(bytes / 3) * 4 && BASE64.test(value)) {
    const decoded = Buffer.from(value, 'base64');
    if (decoded.length === bytes) return decoded.toString('hex');
  }
  return undefined;
}

/**
 * Unix nanoseconds (a decimal string in OTLP JSON, since int64 exceeds JSON's safe integers) as
 * fractional milliseconds. Undefined for unset or zero; null when it is not a time at all.
 */
export function nanosToMs(value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    // Digit by digit: validates and converts in one pass, and keeps whole milliseconds exact although
    // today's 19-digit times are beyond a double's exact integers (…162000000 must not become …161.9998 ms).
    const length = value.length;
    if (length === 0 || length > 25) return length === 0 ? undefined : null;
    const split = length - 6;
    let whole = 0;
    let fraction = 0;
    for (let index = 0; index < length; index++) {
      const digit = value.charCodeAt(index) - 48;
      if (digit < 0 || digit > 9) return null;
      if (index < split) whole = whole * 10 + digit;
      else fraction = fraction * 10 + digit;
    }
    return whole === 0 && fraction === 0 ? undefined : whole + fraction / 1e6;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    return value === 0 ? undefined : value / 1e6;
  }
  return null;
}

/** The fields each container of the OTLP JSON mapping may have (lowerCamelCase and snake_case). */
export const TRACES_DATA_KEYS: ReadonlySet<string> = new Set(['resourceSpans', 'resource_spans']);
export const RESOURCE_SPANS_KEYS: ReadonlySet<string> = new Set(['resource', 'scopeSpans', 'scope_spans', 'instrumentationLibrarySpans', 'instrumentation_library_spans', 'schemaUrl', 'schema_url']);
export const SCOPE_SPANS_KEYS: ReadonlySet<string> = new Set(['scope', 'instrumentationLibrary', 'instrumentation_library', 'spans', 'schemaUrl', 'schema_url']);
/** A Span's fields (opentelemetry/proto/trace/v1/trace.proto), both spellings. */
export const SPAN_KEYS: ReadonlySet<string> = new Set([
  'traceId', 'trace_id', 'spanId', 'span_id', 'traceState', 'trace_state', 'parentSpanId', 'parent_span_id', 'flags', 'name', 'kind',
  'startTimeUnixNano', 'start_time_unix_nano', 'endTimeUnixNano', 'end_time_unix_nano', 'attributes', 'droppedAttributesCount', 'dropped_attributes_count',
  'events', 'droppedEventsCount', 'dropped_events_count', 'links', 'droppedLinksCount', 'dropped_links_count', 'status',
]);
export const EVENT_KEYS: ReadonlySet<string> = new Set(['timeUnixNano', 'time_unix_nano', 'name', 'attributes', 'droppedAttributesCount', 'dropped_attributes_count']);
export const STATUS_KEYS: ReadonlySet<string> = new Set(['code', 'message']);
export const KEY_VALUE_KEYS: ReadonlySet<string> = new Set(['key', 'value']);
export const SPAN_KINDS: ReadonlySet<string | number> = new Set([
  0, 1, 2, 3, 4, 5,
  'SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER',
]);
/** Keys longer than this are not offered a "did you mean" (the edit distance is quadratic). */
const MAX_SUGGESTED_KEY_LENGTH = 64;

/**
 * The keys of a container that its mapping does not know, described for a message with the
 * closest known key ("scoqeSpans (did you mean scopeSpans?)"); undefined when there are none.
 */
export function unknownKeys(container: JsonObject, known: ReadonlySet<string>): string | undefined {
  const unknown: string[] = [];
  for (const key in container) {
    if (known.has(key)) continue;
    unknown.push(key);
    if (unknown.length > 3) break;
  }
  const first = unknown[0];
  if (first === undefined) return undefined;
  const suggestion = first.length <= MAX_SUGGESTED_KEY_LENGTH ? closestMatch(first, known) : undefined;
  const shown = unknown.slice(0, 3).map((key) => JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key));
  return `the unknown key${unknown.length > 1 ? 's' : ''} ${shown.join(', ')}${unknown.length > 3 ? ', …' : ''}${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`;
}

/** The longest prefix of `value` whose UTF-8 encoding fits in `maxBytes`. */
export function truncateUtf8(value: string, maxBytes: number): string {
  const encoded = Buffer.from(value, 'utf8');
  let end = Math.min(maxBytes, encoded.length);
  // Back off continuation bytes (10xxxxxx) so no character is cut in half.
  while (end > 0 && end < encoded.length && ((encoded[end] as number) & 0xc0) === 0x80) end--;
  return encoded.subarray(0, end).toString('utf8');
}

export function toInteger(value: unknown): number | typeof INVALID {
  if (typeof value === 'number') return Number.isInteger(value) ? value : INVALID;
  if (typeof value === 'string' && value !== '') {
    const number = Number(value);
    return Number.isInteger(number) ? number : INVALID;
  }
  return INVALID;
}

export function toDouble(value: unknown): number | typeof INVALID {
  if (typeof value === 'number') return value;
  // The protobuf JSON mapping spells non-finite doubles as strings.
  if (typeof value === 'string' && value !== '') {
    const number = Number(value);
    return Number.isNaN(number) && value !== 'NaN' ? INVALID : number;
  }
  return INVALID;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
