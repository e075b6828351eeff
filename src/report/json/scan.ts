/**
 * A small JSON scanner for error messages: where (offset) the first syntax error is and what was
 * expected there, and where each value of a valid document starts, by path. Node 20's JSON.parse
 * often reports neither ("Unexpected token '}', … is not valid JSON"), and a user fixing a report
 * needs a line and a column.
 */

export interface JsonSyntaxError {
  readonly offset: number;
  readonly expected: string;
  /** What was found instead, for the message: a quoted character or "the end of the file". */
  readonly found: string;
}

/** Deeper nesting than any report has; past it the scanner gives up rather than exhaust the stack. */
const MAX_DEPTH = 512;

/** Thrown inside the scanner to unwind to its entry point; never escapes this module. */
class ScanStop extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {
    super(`expected ${expected} at offset ${offset}`);
  }
}

type OnValue = (path: string, offset: number) => void;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `$.findings[3].outcome`; keys that are not identifiers are quoted: `$["a b"]`. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((path, segment) => {
    if (typeof segment === 'number') return `${path}[${segment}]`;
    const key = String(segment);
    return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
  }, '$');
}

class Scanner {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly onValue: OnValue | undefined,
  ) {}

  document(): void {
    this.value([], 0);
    this.whitespace();
    if (this.pos < this.text.length) this.stop('the end of the file after the top-level value');
  }

  private stop(expected: string): never {
    throw new ScanStop(this.pos, expected);
  }

  private whitespace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text.charAt(this.pos))) this.pos++;
  }

  private value(path: readonly PropertyKey[], depth: number): void {
    if (depth > MAX_DEPTH) this.stop('less deeply nested values');
    this.whitespace();
    this.onValue?.(jsonPath(path), this.pos);
    const ch = this.text.charAt(this.pos);
    if (ch === '{') {
      this.object(path, depth);
      return;
    }
    if (ch === '[') {
      this.array(path, depth);
      return;
    }
    if (ch === '"') {
      this.string();
      return;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      this.number();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return;
      }
    }
    this.stop('a value (an object, array, string, number, true, false or null)');
  }

  private object(path: readonly PropertyKey[], depth: number): void {
    this.pos++;
    this.whitespace();
    if (this.text.charAt(this.pos) === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.whitespace();
      if (this.text.charAt(this.pos) !== '"') this.stop('a property name in double quotes');
      const key = this.string();
      this.whitespace();
      if (this.text.charAt(this.pos) !== ':') this.stop("':' after the property name");
      this.pos++;
      this.value([...path, key], depth + 1);
      this.whitespace();
      const next = this.text.charAt(this.pos);
      this.pos++;
      if (next === '}') return;
      if (next !== ',') {
        this.pos--;
        this.stop("',' or '}' after the property value");
      }
    }
  }

  private array(path: readonly PropertyKey[], depth: number): void {
    this.pos++;
    this.whitespace();
    if (this.text.charAt(this.pos) === ']') {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      this.value([...path, index], depth + 1);
      this.whitespace();
      const next = this.text.charAt(this.pos);
      this.pos++;
      if (next === ']') return;
      if (next !== ',') {
        this.pos--;
        this.stop("',' or ']' after the array element");
      }
    }
  }

  /** Scans a string starting at its opening quote and returns its value. */
  private string(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      if (this.pos >= this.text.length) this.stop('a closing double quote');
      const ch = this.text.charAt(this.pos);
      if (ch === '"') break;
      if (ch < ' ') this.stop('no raw control character in a string (write \\n for a line break)');
      if (ch === '\\') {
        const escape = this.text.charAt(this.pos + 1);
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.stop('four hex digits after \\u');
          this.pos += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(escape) || escape === '') this.stop('an escape such as \\n, \\" or \\\\');
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    this.pos++;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private number(): void {
    const match = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    match.lastIndex = this.pos;
    const found = match.exec(this.text);
    if (!found) this.stop('a number');
    this.pos += found[0].length;
  }
}

function describeAt(text: string, offset: number): string {
  if (offset >= text.length) return 'the end of the file';
  // Two code units hold any single code point, an emoji's surrogate pair included.
  const ch = String.fromCodePoint(text.codePointAt(offset) ?? 0xfffd);
  return ch === '\n' || ch === '\r' ? 'a line break' : JSON.stringify(ch);
}

/** The first syntax error of `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    new Scanner(text, undefined).document();
    return undefined;
  } catch (error) {
    if (!(error instanceof ScanStop)) throw error;
    return { offset: error.offset, expected: error.expected, found: describeAt(text, error.offset) };
  }
}

/** Where each value of a valid JSON document starts, by path (`$.findings[0].outcome`). */
export function jsonValueOffsets(text: string): ReadonlyMap<string, number> {
  const offsets = new Map<string, number>();
  try {
    new Scanner(text, (path, offset) => offsets.set(path, offset)).document();
  } catch (error) {
    if (!(error instanceof ScanStop)) throw error;
  }
  return offsets;
}

/** 1-based line and column of an offset, as editors show them. */
export function lineAndColumn(text: string, offset: number): { readonly line: number; readonly column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}
