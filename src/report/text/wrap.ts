/**
 * Word wrapping for fixed-width output. Widths are counted in grapheme clusters with ANSI colour
 * codes removed, which is what a terminal shows for the characters mimir prints (no wide CJK glyphs
 * of its own; user text with them may still overflow a little, which is only cosmetic).
 */

/**
 * A word runs up to an ordinary space, except inside `code`: a command like `mimir walk` stays on
 * one line so it can be copied. A no-break space never breaks, which keeps "n = 8" together.
 */
const WORD = /(?:`[^`]*`|[^ \t`]+|`)+/g;

/** Made at the first use: making one loads ICU's break rules (≈10 ms), which `mimir traces --format json` never needs. */
let graphemeSegmenter: Intl.Segmenter | undefined;

/** The characters a reader sees: an emoji with its modifiers is one, an "é" written as e + accent is one. */
export function graphemes(text: string): string[] {
  graphemeSegmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}

// eslint-disable-next-line no-control-regex -- matching the ESC of ANSI sequences is the point
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Control characters in user text (an ESC starting a colour or a screen clear, a carriage return
 * overwriting the line) would let a note or a tool's output rewrite the terminal; they are shown
 * as U+FFFD instead. Tabs and line breaks are layout, and wrapping handles them.
 */
// eslint-disable-next-line no-control-regex -- these are exactly the characters to neutralise
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/g;

export function neutraliseControls(text: string): string {
  return text.replace(CONTROL, '\ufffd');
}

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Printable ASCII only: one column per character, no segmenting needed (most of what mimir prints). */
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

export function visibleWidth(text: string): number {
  if (PLAIN_ASCII.test(text)) return text.length;
  return graphemes(stripAnsi(text)).length;
}

export interface WrapOptions {
  /** Put before the first line; counts towards the width. */
  readonly firstPrefix?: string;
  /** Put before every following line; defaults to spaces as wide as firstPrefix. */
  readonly restPrefix?: string;
}

/**
 * Wraps plain text to `width` columns including prefixes (which must leave room for text). Line breaks in the text are kept as
 * paragraph breaks; a word longer than a line is cut, because overflowing the width is worse.
 */
export function wrap(text: string, width: number, options: WrapOptions = {}): string[] {
  const firstPrefix = options.firstPrefix ?? '';
  const restPrefix = options.restPrefix ?? ' '.repeat(visibleWidth(firstPrefix));
  const lines: string[] = [];
  let current: string | undefined;

  const prefix = (): string => (lines.length === 0 ? firstPrefix : restPrefix);
  const room = (): number => Math.max(1, width - visibleWidth(prefix()));
  const flush = (): void => {
    lines.push(prefix() + (current ?? ''));
    current = undefined;
  };

  for (const paragraph of neutraliseControls(text).split(/\r?\n/)) {
    for (const word of paragraph.match(WORD) ?? []) {
      if (current !== undefined && visibleWidth(current) + 1 + visibleWidth(word) <= room()) {
        current = `${current} ${word}`;
        continue;
      }
      if (current !== undefined) flush();
      // An index into the word, not repeated slicing: a long word costs its length once, not per line.
      const chars = graphemes(word);
      let start = 0;
      while (chars.length - start > room()) {
        const take = breakPoint(chars, start, room());
        current = chars.slice(start, start + take).join('');
        start += take;
        flush();
      }
      current = chars.slice(start).join('');
    }
    if (current !== undefined) flush();
  }
  if (lines.length === 0) lines.push(firstPrefix.trimEnd());
  return lines;
}

/** Pads to a visible width (ANSI codes do not count). */
export function padEndVisible(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}

export function padStartVisible(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - visibleWidth(text))) + text;
}

/** Where to cut a word too long for a line: after the last hyphen or slash that fits, else at the edge. */
function breakPoint(chars: readonly string[], start: number, room: number): number {
  for (let i = room; i > room / 2; i--) {
    const previous = chars[start + i - 1];
    if (previous === '-' || previous === '/') return i;
  }
  return room;
}
