import { isUtf8 } from 'node:buffer';
import type { Run } from '../../../model/index.js';
import { LineSplitter, type Line, type LineHandlers, type OversizedLine } from '../input/line-splitter.js';
import { isCorruptGzip, isTruncatedGzip, openTraceInput, type TraceInput } from '../input/open-input.js';
import type { SourcePosition } from '../span.js';
import type { ProblemSink, ReadProgress, TraceReadOptions, TraceReader } from '../types.js';
import { DEFAULT_OTLP_LIMITS, OtlpSession, type OtlpReaderLimits } from './session.js';

/**
 * OTLP/JSON: a single TracesData / ExportTraceServiceRequest document, or JSON Lines as the
 * OpenTelemetry Collector's file exporter writes them (one request per line); gzip either way.
 *
 * JSON Lines are streamed: each line is parsed, decoded and let go, so memory holds the traces in
 * flight and one line. A single document that is not JSON Lines (pretty-printed, spread over many
 * lines) is read whole and parsed at once: JSON has no streaming boundary inside one document, and
 * such files are exports of a handful of traces, not corpora. That is the only whole-file parse,
 * bounded by maxDocumentBytes.
 *
 * Which of the two a file is, is decided by its content: if its first non-empty line parses as
 * JSON, or (that line being damaged) its second one does, it is JSON Lines; otherwise it is one
 * document. A document that fails to parse as a whole but has lines that parse on their own was
 * JSON Lines with damaged first lines after all, and is read as such.
 */

const BOM = [0xef, 0xbb, 0xbf] as const;
const NEWLINE_BYTE = 0x0a;
/** Runs completed are handed on at the first line end after this many bytes of a read. */
const RUN_HANDOFF_BYTES = 64 * 1024;
/** V8's wording when JSON stops mid-value: the record was cut short rather than garbled. */
const CUT_SHORT = /Unexpected end of JSON input|Unterminated string in JSON/;
const POSITION_IN_ERROR = /position (\d+)/;
/** `"spanId": "…"` in a whole document's text: finds a span's line, for problem reports only. */
const SPAN_ID_IN_TEXT = /"span_?[iI]d"\s*:\s*"([^"\\]{1,64})"/g;

export function createOtlpJsonReader(limits: Partial<OtlpReaderLimits> = {}): TraceReader {
  const resolved: OtlpReaderLimits = { ...DEFAULT_OTLP_LIMITS, ...limits };
  return {
    format: 'otlp-json',
    read: (path, options, sink, onProgress) => readOtlpJson(path, options, sink, resolved, onProgress),
  };
}

export const otlpJsonReader: TraceReader = createOtlpJsonReader();

async function* readOtlpJson(
  path: string,
  options: TraceReadOptions,
  sink: ProblemSink,
  limits: OtlpReaderLimits,
  onProgress: ((progress: ReadProgress) => void) | undefined,
): AsyncGenerator<Run> {
  const session = new OtlpSession(path, options, sink, limits, onProgress);
  let input: TraceInput;
  try {
    input = await openTraceInput(path);
  } catch (error) {
    session.problems.report('unreadable', `cannot read ${path}: ${errorMessage(error)}`, { byteOffset: 0 });
    session.problems.skipped();
    return;
  }
  const lines = new JsonLines(session);
  const splitter = new LineSplitter(lines, limits.maxLineBytes);
  let cut: { readonly code: 'truncated' | 'unreadable'; readonly message: string } | undefined;
  try {
    for await (const chunk of input.chunks) {
      // A read (1 MiB) holds dozens of runs. Handing them on as they complete, not once the whole
      // read is split, keeps them from piling up: runs still waiting when the young-generation
      // collector comes are copied (and, the next time, promoted), a quarter of what it copied.
      for (let start = 0; start < chunk.length; ) {
        const newline = chunk.indexOf(NEWLINE_BYTE, start + RUN_HANDOFF_BYTES);
        const end = newline === -1 ? chunk.length : newline + 1;
        splitter.push(start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end));
        yield* session.takeRuns();
        start = end;
      }
      session.progress(input.rawBytesRead(), input.totalBytes);
    }
  } catch (error) {
    if (isTruncatedGzip(error)) cut = { code: 'truncated', message: 'the gzip stream ends before its end marker (the file was cut short)' };
    else if (isCorruptGzip(error)) cut = { code: 'unreadable', message: `corrupt gzip data (${errorMessage(error)}); the rest of the file is unreadable` };
    else if (isSystemError(error)) cut = { code: 'unreadable', message: `reading failed (${errorMessage(error)}); the rest of the file is unreadable` };
    // Anything else is a bug in mimir, not a problem of the input: it must not pass as one.
    else throw error;
  }
  splitter.end();
  lines.end();
  if (cut !== undefined) {
    // The last line, if cut mid-way, was reported already; otherwise the cut itself is the problem.
    if (!lines.lastLineWasCut) session.problems.report(cut.code, cut.message, { line: splitter.currentLine, byteOffset: splitter.bytesSeen });
    session.inputCut();
  }
  yield* session.finish();
  session.progress(input.rawBytesRead(), input.totalBytes, true);
}

interface HeldLine {
  readonly bytes: Buffer;
  readonly number: number;
  readonly offset: number;
  readonly terminated: boolean;
}

type Mode = 'first' | 'second' | 'lines' | 'document';

/** The line handler: decides JSON Lines vs one document, then feeds the session. */
class JsonLines implements LineHandlers {
  private mode: Mode = 'first';
  private held: HeldLine[] = [];
  private heldBytes = 0;
  private documentBroken = false;
  lastLineWasCut = false;

  constructor(private readonly session: OtlpSession) {}

  line(line: Line): void {
    switch (this.mode) {
      case 'lines':
        this.readLine(line);
        return;
      case 'first': {
        if (isBlank(line.bytes)) return;
        const parsed = this.tryParse(line);
        if (parsed.ok) {
          this.mode = 'lines';
          this.useLine(line, parsed);
        } else {
          this.hold(line);
          this.mode = 'second';
        }
        return;
      }
      case 'second': {
        this.hold(line);
        if (isBlank(line.bytes)) return;
        const parsed = this.tryParse(line);
        if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null) {
          // The first line was damaged; this one stands alone: JSON Lines.
          this.mode = 'lines';
          const first = this.held[0] as HeldLine;
          this.held = [];
          this.heldBytes = 0;
          this.readLine(first);
          this.useLine(line, parsed);
        } else {
          this.mode = 'document';
        }
        return;
      }
      case 'document':
        this.hold(line);
        if (this.heldBytes > this.session.limits.maxDocumentBytes) this.fallBackToLines();
        return;
    }
  }

  oversized(line: OversizedLine): void {
    this.session.problems.report('oversized-value', `line ${line.number} is ${line.bytes} bytes, over the ${this.session.limits.maxLineBytes}-byte line limit: skipped`, {
      line: line.number,
      byteOffset: line.offset,
    });
    this.session.problems.skipped();
    if (this.mode === 'document' || this.mode === 'second') this.documentBroken = true;
    this.session.lostRecord(undefined, true);
  }

  end(): void {
    switch (this.mode) {
      case 'first':
      case 'lines':
        return;
      case 'second': {
        // A file of one non-empty line that does not parse.
        const held = this.held;
        this.held = [];
        for (const line of held) this.readLine(line);
        return;
      }
      case 'document':
        this.readDocument();
        return;
    }
  }

  private hold(line: Line): void {
    this.held.push(line);
    this.heldBytes += line.bytes.length + 1;
  }

  private fallBackToLines(): void {
    this.mode = 'lines';
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const line of held) this.readLine(line);
  }

  /** One JSON Lines record. */
  private readLine(line: HeldLine): void {
    if (isBlank(line.bytes)) return;
    const parsed = this.tryParse(line);
    if (parsed.ok) {
      this.lastLineWasCut = false;
      this.useLine(line, parsed);
      return;
    }
    this.reportRepair(line, parsed);
    const cut = !line.terminated || isCutShort(parsed.error, parsed.text.length);
    this.lastLineWasCut = cut && !line.terminated;
    this.session.problems.report(
      cut ? 'truncated' : 'invalid-json',
      cut ? `line ${line.number} is cut short (${parsed.error}): skipped` : `line ${line.number} is not valid JSON (${parsed.error}): skipped`,
      { line: line.number, byteOffset: line.offset },
    );
    this.session.problems.skipped();
    this.session.lostRecord(parsed.text, cut);
  }

  /** The held lines as one document. */
  private readDocument(): void {
    const held = this.held;
    this.held = [];
    const first = held[0] as HeldLine;
    const pieces: Buffer[] = [];
    for (const line of held) pieces.push(line.bytes, NEWLINE);
    const bytes = stripBom(Buffer.concat(pieces));
    const repaired = !this.documentBroken && !isUtf8(bytes);
    if (repaired) {
      const bad = firstInvalidUtf8(bytes);
      this.session.problems.report('invalid-utf8', 'the document has bytes that are not UTF-8: they were replaced (U+FFFD)', {
        line: first.number + countNewlines(bytes, bad),
        byteOffset: first.offset + bad,
      });
    }
    const text = bytes.toString('utf8');
    let document: unknown;
    try {
      if (this.documentBroken) throw new SyntaxError('a line of it was too long to read');
      document = JSON.parse(text);
    } catch (error) {
      // Lines that parse on their own: JSON Lines whose first lines were damaged, not one document.
      if (held.some((line) => lineParses(line.bytes))) {
        for (const line of held) this.readLine(line);
        return;
      }
      const message = errorMessage(error);
      const position = POSITION_IN_ERROR.exec(message);
      const line = position ? first.number + countNewlinesInText(text, Number(position[1])) : first.number;
      const cut = isCutShort(message, text.length);
      this.lastLineWasCut = cut;
      this.session.problems.report(cut ? 'truncated' : 'invalid-json', `the document ${cut ? 'is cut short' : 'is not valid JSON'} (${message}): skipped`, {
        line,
        byteOffset: first.offset,
      });
      this.session.problems.skipped();
      this.session.lostRecord(text, cut);
      return;
    }
    let index: Map<string, number> | undefined;
    const locate = (rawSpanId: string): SourcePosition => {
      index ??= spanLines(text, first.number);
      const line = index.get(rawSpanId);
      return line === undefined ? { line: first.number } : { line };
    };
    this.session.document(document, { position: { line: first.number }, damaged: repaired, locate });
  }

  private useLine(line: HeldLine, parsed: Parsed & { ok: true }): void {
    this.reportRepair(line, parsed);
    this.session.document(parsed.value, { position: { line: line.number }, damaged: parsed.badByte !== undefined });
  }

  private reportRepair(line: HeldLine, parsed: Parsed): void {
    if (parsed.badByte === undefined) return;
    this.session.problems.report('invalid-utf8', `line ${line.number} has bytes that are not UTF-8 (first at byte ${parsed.badByte} of the line): replaced with U+FFFD`, {
      line: line.number,
      byteOffset: line.offset + parsed.badByte,
    });
  }

  /** Parses a line without reporting: the caller reports once it knows what the line is. */
  private tryParse(line: HeldLine): Parsed {
    let bytes = line.bytes;
    if (line.number === 1) bytes = stripBom(bytes);
    const badByte = isUtf8(bytes) ? undefined : firstInvalidUtf8(bytes);
    const text = bytes.toString('utf8');
    try {
      return { ok: true, value: JSON.parse(text) as unknown, badByte };
    } catch (error) {
      return { ok: false, error: errorMessage(error), text, badByte };
    }
  }
}

type Parsed =
  | { readonly ok: true; readonly value: unknown; readonly badByte: number | undefined }
  | { readonly ok: false; readonly error: string; readonly text: string; readonly badByte: number | undefined };

const NEWLINE = Buffer.from('\n');

function stripBom(bytes: Buffer): Buffer {
  return bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2] ? bytes.subarray(3) : bytes;
}

function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}

function lineParses(bytes: Buffer): boolean {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

/** Index of the first byte that breaks UTF-8 (only called when isUtf8 said no). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index] as number;
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 0;
    if (length === 0 || index + length > bytes.length) return index;
    for (let next = 1; next < length; next++) if (((bytes[index + next] as number) & 0xc0) !== 0x80) return index;
    // Overlong, surrogate and out-of-range forms, by their second byte.
    const second = bytes[index + 1] as number;
    if ((byte === 0xe0 && second < 0xa0) || (byte === 0xed && second > 0x9f) || (byte === 0xf0 && second < 0x90) || (byte === 0xf4 && second > 0x8f)) return index;
    index += length;
  }
  return bytes.length;
}

function countNewlines(bytes: Buffer, end: number): number {
  let count = 0;
  let position = bytes.indexOf(0x0a);
  while (position !== -1 && position < end) {
    count++;
    position = bytes.indexOf(0x0a, position + 1);
  }
  return count;
}

function countNewlinesInText(text: string, end: number): number {
  let count = 0;
  let position = text.indexOf('\n');
  while (position !== -1 && position < end) {
    count++;
    position = text.indexOf('\n', position + 1);
  }
  return count;
}

/** Raw span id → line, by one pass over a whole document's text (first occurrence wins). */
function spanLines(text: string, firstLine: number): Map<string, number> {
  const lines = new Map<string, number>();
  let line = firstLine;
  let nextNewline = text.indexOf('\n');
  for (const match of text.matchAll(SPAN_ID_IN_TEXT)) {
    while (nextNewline !== -1 && nextNewline < match.index) {
      line++;
      nextNewline = text.indexOf('\n', nextNewline + 1);
    }
    const id = match[1] as string;
    if (!lines.has(id)) lines.set(id, line);
  }
  return lines;
}

/** JSON that stops mid-value: V8 says so, or points at the very end of the text. */
function isCutShort(message: string, length: number): boolean {
  if (CUT_SHORT.test(message)) return true;
  const position = POSITION_IN_ERROR.exec(message);
  return position !== null && Number(position[1]) >= length;
}

/** An error of the file system (it has an errno-style code such as EIO). */
function isSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
