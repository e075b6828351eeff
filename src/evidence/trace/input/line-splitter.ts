/**
 * Splits a byte stream into lines without decoding it first.
 *
 * node:readline would be the obvious tool, but it decodes before it splits: invalid UTF-8 turns
 * silently into U+FFFD (we must report it, with its line), it knows no byte offsets (binary-ish
 * damage is located by offset), and it buffers a line of any length (one 2 GB line without a
 * newline would exhaust memory or V8's string limit). Splitting bytes with Buffer#indexOf is as
 * fast, lets the reader check each line with `isUtf8` before decoding it, and bounds line length.
 */

export interface Line {
  /** The line's bytes, without the newline or a trailing carriage return. A view: do not keep it. */
  readonly bytes: Buffer;
  /** 1-based. */
  readonly number: number;
  /** Byte offset of the line's first byte in the (decompressed) input. */
  readonly offset: number;
  /** False for a last line that ended without a newline (a truncated write looks like this). */
  readonly terminated: boolean;
}

export interface OversizedLine {
  readonly number: number;
  readonly offset: number;
  /** How many bytes the line had (at least: counting stops at the limit for an unterminated tail). */
  readonly bytes: number;
}

export interface LineHandlers {
  line(line: Line): void;
  /** A line longer than the limit: its bytes were discarded as they arrived. */
  oversized(line: OversizedLine): void;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class LineSplitter {
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private discarding = false;
  private discardedBytes = 0;
  private lineNumber = 1;
  private lineStart = 0;
  private consumed = 0;

  constructor(
    private readonly handlers: LineHandlers,
    private readonly maxLineBytes: number,
  ) {}

  /** Bytes seen so far. */
  get bytesSeen(): number {
    return this.consumed;
  }

  /** The line number the next line will get (1-based), i.e. the number of the line in progress. */
  get currentLine(): number {
    return this.lineNumber;
  }

  push(chunk: Buffer): void {
    let position = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, position);
      if (newline === -1) break;
      const piece = chunk.subarray(position, newline);
      if (this.discarding) {
        this.emitOversized(this.discardedBytes + piece.length);
      } else if (this.partsBytes + piece.length > this.maxLineBytes) {
        const size = this.partsBytes + piece.length;
        this.parts = [];
        this.partsBytes = 0;
        this.emitOversized(size);
      } else {
        let bytes = piece;
        if (this.parts.length > 0) {
          this.parts.push(piece);
          bytes = Buffer.concat(this.parts, this.partsBytes + piece.length);
          this.parts = [];
          this.partsBytes = 0;
        }
        if (bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) bytes = bytes.subarray(0, bytes.length - 1);
        this.handlers.line({ bytes, number: this.lineNumber, offset: this.lineStart, terminated: true });
      }
      this.lineNumber++;
      this.lineStart = this.consumed + newline + 1;
      position = newline + 1;
    }
    if (position < chunk.length) {
      const rest = chunk.subarray(position);
      if (this.discarding) {
        this.discardedBytes += rest.length;
      } else if (this.partsBytes + rest.length > this.maxLineBytes) {
        // Past the limit: stop buffering now rather than at the newline, so memory stays bounded.
        this.discarding = true;
        this.discardedBytes = this.partsBytes + rest.length;
        this.parts = [];
        this.partsBytes = 0;
      } else {
        this.parts.push(rest);
        this.partsBytes += rest.length;
      }
    }
    this.consumed += chunk.length;
  }

  /** Ends the input: a pending unterminated last line is handed on now. */
  end(): void {
    if (this.discarding) {
      this.emitOversized(this.discardedBytes);
      return;
    }
    if (this.partsBytes === 0) return;
    let bytes = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.partsBytes);
    this.parts = [];
    this.partsBytes = 0;
    if (bytes[bytes.length - 1] === CARRIAGE_RETURN) bytes = bytes.subarray(0, bytes.length - 1);
    this.handlers.line({ bytes, number: this.lineNumber, offset: this.lineStart, terminated: false });
  }

  private emitOversized(bytes: number): void {
    this.discarding = false;
    this.discardedBytes = 0;
    this.handlers.oversized({ number: this.lineNumber, offset: this.lineStart, bytes });
  }
}
