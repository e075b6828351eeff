import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseControls, padEndVisible, stripAnsi, visibleWidth, wrap } from './wrap.js';

describe('wrap', () => {
  it('breaks at spaces and puts the prefixes in front', () => {
    expect(wrap('one two three four', 12, { firstPrefix: '- ' })).toEqual(['- one two', '  three four']);
  });

  it('cuts a word longer than a line, preferring a hyphen', () => {
    expect(wrap('high-risk-actions-need-prior-approval', 20)).toEqual(['high-risk-actions-', 'need-prior-approval']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('keeps a `code span` on one line when it fits', () => {
    expect(wrap('answer it with `mimir walk --all` now', 20)).toEqual(['answer it with', '`mimir walk --all`', 'now']);
  });

  it('keeps line breaks and no-break spaces', () => {
    expect(wrap('a\nb', 10)).toEqual(['a', 'b']);
    expect(wrap('x n\u00a0=\u00a08', 5)).toEqual(['x', 'n\u00a0=\u00a08']);
  });

  it('never exceeds the width and never loses a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 6, max: 120 }), (text, width) => {
        const lines = wrap(text, width, { firstPrefix: '> ', restPrefix: '> ' });
        for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(width);
        const letters = (s: string): string => s.replace(/[ \t\n\r\f\v]+/g, '');
        expect(letters(lines.map((line) => line.replace(/^> ?/, '')).join(''))).toBe(letters(neutraliseControls(text)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('neutraliseControls', () => {
  it('keeps user text from driving the terminal', () => {
    expect(neutraliseControls('a\u001b[2Jb\rc\r\nd\te')).toBe('a\ufffd[2Jb\ufffdc\r\nd\te');
  });
});

describe('visible width', () => {
  it('does not count colour codes and counts an emoji with modifiers once', () => {
    expect(visibleWidth('\u001b[31mred\u001b[39m')).toBe(3);
    expect(stripAnsi('\u001b[1mx\u001b[22m')).toBe('x');
    expect(visibleWidth('👍🏽')).toBe(1);
    expect(padEndVisible('\u001b[31mab\u001b[39m', 4)).toBe('\u001b[31mab\u001b[39m  ');
  });
});
