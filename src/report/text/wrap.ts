/**
 * Word wrapping for fixed-width output. Widths are counted in code points with ANSI colour codes
 * removed, which is what a terminal shows for the characters mimir prints (no wide CJK glyphs of
 * its own; user text with them may still overflow a little, which is only cosmetic).
 */

// eslint-disable-next-line no-control-regex -- matching the ESC of ANSI sequences is the point
const ANSI = /\u001b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export function visibleWidth(text: string): number {
  return [...stripAnsi(text)].length;
}

export interface WrapOptions {
  /** Put before the first line; counts towards the width. */
  readonly firstPrefix?: string;
  /** Put before every following line; defaults to spaces as wide as firstPrefix. */
  readonly restPrefix?: string;
}

/**
 * Wraps plain text to `width` columns including prefixes. Line breaks in the text are kept as
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

  for (const paragraph of text.split(/\r?\n/)) {
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      if (current !== undefined && visibleWidth(current) + 1 + visibleWidth(word) <= room()) {
        current = `${current} ${word}`;
        continue;
      }
      if (current !== undefined) flush();
      let rest = [...word];
      while (rest.length > room()) {
        const take = room();
        current = rest.slice(0, take).join('');
        rest = rest.slice(take);
        flush();
      }
      current = rest.join('');
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
