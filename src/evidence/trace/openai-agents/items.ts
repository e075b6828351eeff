import type { JsonRecord, Report } from '../framework-records.js';
import { asString, isRecord } from '../framework-records.js';
import { describeMisspelt, misspeltKeys } from '../misspelt-keys.js';
import { parseRecordTime } from '../time.js';
import type { ProblemSink } from '../types.js';

/**
 * The items of an Agents SDK export file, parsed and located: one JSON document (`{data: [...]}`
 * or an array) or JSON Lines of payloads or items, each item classified as a trace or a span, and
 * every item that cannot be used reported at its line and skipped.
 */

/** Where an item sat: its JSON Lines line, and its place in the `data` array, for messages. */
export interface ItemPosition {
  /** The item's line: its JSON Lines line, or where it starts in a whole-file document. */
  readonly line: number;
  readonly label: string;
}

export interface TraceItem {
  /** A key the reader needs was misspelt (reported): what it held is missing from the run. */
  readonly damaged: boolean;
  readonly id: string;
  readonly metadata: JsonRecord;
  readonly groupId: string | undefined;
  readonly position: ItemPosition;
}

export interface SpanItem {
  /** A key the reader needs was misspelt (reported): what it held is missing from the run. */
  readonly damaged: boolean;
  readonly id: string;
  readonly traceId: string;
  readonly parentId: string | undefined;
  readonly startMs: number | undefined;
  readonly endMs: number | undefined;
  readonly startedAt: string | undefined;
  readonly endedAt: string | undefined;
  readonly data: JsonRecord;
  readonly type: string;
  readonly error: JsonRecord | undefined;
  readonly position: ItemPosition;
  /** The item's line (its position's), where problems about it are located. */
  readonly line: number;
  /** Order in the file, the tie-breaker when start times are equal or missing. */
  readonly order: number;
}


export const lineOf = (position: ItemPosition): { line: number } => ({ line: position.line });

/** UTF-8, strictly; a file with a bad byte is still read (the byte becomes U+FFFD) and the problem located. */
export function decode(bytes: Buffer, report: Report): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const line = lenient.slice(0, lenient.indexOf('\uFFFD')).split('\n').length;
    report('invalid-utf8', 'the file is not valid UTF-8; the bad bytes were replaced', { line });
    return lenient;
  }
}

interface LocatedValue {
  readonly value: unknown;
  readonly position: ItemPosition;
}

/** Items of the file: one document (`{data: [...]}` or an array), or JSON Lines of payloads or items. */
export function parseItems(text: string, report: Report, sink: ProblemSink): LocatedValue[] {
  const whole = tryParse(text);
  if (whole.ok) return itemsOf(whole.value, undefined, report, sink, text);

  // JSON Lines only if the first non-blank line is a JSON value by itself; otherwise this is one
  // broken document, and reporting each of its lines would bury the one real problem.
  const lines = text.split('\n');
  const firstIndex = lines.findIndex((l) => l.trim() !== '');
  const first = firstIndex === -1 ? undefined : lines[firstIndex];
  if (first === undefined || !tryParse(first).ok) {
    const truncated = /end of (JSON )?input|Unterminated/i.test(whole.message);
    report(truncated ? 'truncated' : 'invalid-json', `the file is not valid JSON: ${whole.message}`, lineAtPosition(text, whole.message));
    sink.skipped();
    return [];
  }
  const values: LocatedValue[] = [];
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const parsed = tryParse(raw);
    const line = index + 1;
    if (!parsed.ok) {
      const isLast = index === lines.length - 1;
      report(isLast ? 'truncated' : 'invalid-json', `line ${line} is not valid JSON: ${parsed.message}`, { line });
      sink.skipped();
      continue;
    }
    values.push(...itemsOf(parsed.value, line, report, sink));
  }
  return values;
}

function itemsOf(value: unknown, line: number | undefined, report: Report, sink: ProblemSink, text?: string): LocatedValue[] {
  // In a whole-file document each item is located at the line where it starts (worked out once, only then).
  let starts: readonly number[] | undefined;
  const at = (label: string, index = 0): ItemPosition => {
    if (line !== undefined) return { line, label: `line ${line}, ${label}` };
    starts ??= elementLines(text ?? '');
    const start = starts[index] ?? 1;
    return { line: start, label: `line ${start}, ${label}` };
  };
  if (isRecord(value) && Array.isArray(value.data)) return (value.data as readonly unknown[]).map((item, i) => ({ value: item, position: at(`data[${i}]`, i) }));
  if (Array.isArray(value)) return (value as readonly unknown[]).map((item, i) => ({ value: item, position: at(`[${i}]`, i) }));
  if (isRecord(value) && (value.object === 'trace' || value.object === 'trace.span')) return [{ value, position: at('item') }];
  report('invalid-document', `${line === undefined ? 'the file' : `line ${line}`} is not an Agents SDK trace export (expected {"data": [...]})`, { line: line ?? 1 });
  sink.skipped();
  return [];
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

function lineAtPosition(text: string, message: string): { line: number } {
  const match = /position (\d+)/.exec(message);
  // Without a position in the parser's message, the document's start is the best place there is.
  if (!match?.[1]) return { line: 1 };
  return { line: text.slice(0, Number(match[1])).split('\n').length };
}

/**
 * The line each element of the document's item list starts on: the top-level array's, or the
 * `data` array's of a top-level object. One pass over the text, minding strings and nesting.
 */
export function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let keyAtDepthOne: string | undefined;
  let stringStart = -1;
  let listDepth = -1;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x0a) line++;
    if (inString) {
      if (char === 0x5c /* backslash */) i++;
      else if (char === 0x22 /* " */) {
        inString = false;
        if (depth === 1) keyAtDepthOne = text.slice(stringStart + 1, i);
      }
      continue;
    }
    if (char === 0x20 || char === 0x0a || char === 0x0d || char === 0x09) continue;
    if (expectElement && char !== 0x5d /* ] */) {
      lines.push(line);
      expectElement = false;
    }
    switch (char) {
      case 0x22:
        inString = true;
        stringStart = i;
        break;
      case 0x5b /* [ */:
        if (listDepth === -1 && (depth === 0 || (depth === 1 && keyAtDepthOne === 'data'))) {
          listDepth = depth + 1;
          expectElement = true;
        }
        depth++;
        break;
      case 0x7b /* { */:
        depth++;
        break;
      case 0x5d:
      case 0x7d:
        depth--;
        expectElement = false;
        if (depth < listDepth) return lines;
        break;
      case 0x2c /* , */:
        if (depth === listDepth) expectElement = true;
        break;
      default:
        break;
    }
  }
  return lines;
}

type Classified = { kind: 'trace'; trace: TraceItem } | { kind: 'span'; span: SpanItem };

export function classify(value: unknown, position: ItemPosition, order: number, report: Report, sink: ProblemSink): Classified | undefined {
  const skip = (message: string): void => {
    report('invalid-document', `${position.label}: ${message}; skipped`, lineOf(position));
    sink.skipped();
  };
  if (!isRecord(value)) {
    skip('not an object');
    return;
  }
  const misspelt = misspeltKeys(value, value.object === 'trace' ? TRACE_KEYS : SPAN_KEYS, true);
  if (misspelt.length > 0) {
    report('invalid-document', `${position.label}: ${describeMisspelt(misspelt)} where the Agents SDK's key was expected: what it holds is ignored; rename the key`, lineOf(position));
  }
  const damaged = misspelt.length > 0;
  if (value.object === 'trace') {
    const id = asString(value.id);
    if (id === undefined || id === '') {
      skip('a trace without an id');
      return;
    }
    let metadata: JsonRecord = {};
    if (isRecord(value.metadata)) metadata = value.metadata;
    else if (value.metadata !== undefined && value.metadata !== null) {
      report('wrong-attribute-type', `${position.label}: trace metadata is not an object; ignored`, lineOf(position));
    }
    return { kind: 'trace', trace: { damaged, id, metadata, groupId: asString(value.group_id), position } };
  }
  if (value.object !== 'trace.span') {
    skip(`unknown object ${JSON.stringify(value.object ?? null)}`);
    return;
  }
  const id = asString(value.id);
  const traceId = asString(value.trace_id);
  if (id === undefined || id === '' || traceId === undefined || traceId === '') {
    skip('a span without an id or trace_id');
    return;
  }
  if (!isRecord(value.span_data) || typeof value.span_data.type !== 'string') {
    skip(`span ${id} has no span_data.type`);
    return;
  }
  const start = parseRecordTime(value.started_at);
  const end = parseRecordTime(value.ended_at);
  if (start.invalid || end.invalid) report('wrong-attribute-type', `${position.label}: span ${id} has a time that is neither ISO 8601 nor epoch milliseconds`, { ...lineOf(position), spanId: id });
  const parentId = asString(value.parent_id);
  return {
    kind: 'span',
    span: {
      damaged,
      id,
      traceId,
      parentId: parentId === '' ? undefined : parentId,
      startMs: start.ms,
      endMs: end.ms,
      startedAt: start.iso,
      endedAt: end.iso,
      data: value.span_data,
      type: value.span_data.type,
      error: isRecord(value.error) ? value.error : undefined,
      position,
      line: position.line,
      order,
    },
  };
}

/** The keys of the SDK's export items (`Trace.toJSON`, `Span.toJSON`): a key resembling one of these is a misspelling. */
const TRACE_KEYS: ReadonlySet<string> = new Set(['object', 'id', 'workflow_name', 'group_id', 'metadata']);
const SPAN_KEYS: ReadonlySet<string> = new Set(['object', 'id', 'trace_id', 'parent_id', 'started_at', 'ended_at', 'span_data', 'error']);
