import type { TraceProblemCode } from '../types.js';
import type { ProblemSink } from './types.js';
import type { SourcePosition } from './span.js';

/** Where a problem is, beyond the file: a line or byte offset, and the run or span it concerns. */
export type ProblemPlace = SourcePosition & {
  readonly runId?: string;
  readonly spanId?: string;
};

/**
 * A reader's handle on the problem sink for one file: every problem carries the file and whatever
 * location is known, so no reader can forget to locate one.
 */
export class FileProblems {
  constructor(
    readonly file: string,
    readonly sink: ProblemSink,
  ) {}

  report(code: TraceProblemCode, message: string, place: ProblemPlace): void {
    this.sink.report({
      code,
      message,
      file: this.file,
      ...(place.line !== undefined && { line: place.line }),
      ...(place.byteOffset !== undefined && { byteOffset: place.byteOffset }),
      ...(place.runId !== undefined && { runId: place.runId }),
      ...(place.spanId !== undefined && { spanId: place.spanId }),
    });
  }

  /** A record (line, document, span) dropped entirely; always paired with a report. */
  skipped(): void {
    this.sink.skipped();
  }

  damagedRun(runId: string): void {
    this.sink.damagedRun(runId);
  }
}

/** "line 12" / "byte 3400": for messages that name a place other than the problem's own. */
export function describePlace(place: SourcePosition): string {
  if (place.line !== undefined) return `line ${place.line}`;
  if (place.byteOffset !== undefined) return `byte ${place.byteOffset}`;
  return 'an unknown place';
}

/** A short description of a value for messages: its type, and a bounded excerpt. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `the string "${value.slice(0, 40)}…"` : `the string "${value}"`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'object': {
      const keys = Object.keys(value);
      return keys.length === 0 ? 'an empty object' : `an object with ${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', …' : ''}`;
    }
    case 'symbol':
    case 'function':
    case 'undefined':
      return typeof value;
  }
  return 'a value';
}
