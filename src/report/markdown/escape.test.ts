import { describe, expect, it } from 'vitest';
import { markdownCode, markdownFence, markdownText } from './escape.js';

describe('markdownText', () => {
  it('leaves ordinary prose alone', () => {
    expect(markdownText('3 of 8 calls (refund_order ×2) ran; see run-0012.')).toBe('3 of 8 calls (refund_order ×2) ran; see run-0012.');
  });

  it('escapes what would open emphasis, links, tables and strike-through', () => {
    expect(markdownText('*a* _b_ [c](d) e|f ~~g~~ \\')).toBe('\\*a\\* \\_b\\_ \\[c\\](d) e\\|f \\~\\~g\\~\\~ \\\\');
  });

  it('turns raw HTML into text', () => {
    expect(markdownText('<script>alert(1)</script> &amp; &')).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; &');
  });

  it('keeps inline code as code, escaping a pipe inside it only in tables', () => {
    expect(markdownText('run `mimir probe | tee`')).toBe('run `mimir probe | tee`');
    expect(markdownText('run `mimir probe | tee`', { table: true })).toBe('run `mimir probe \\| tee`');
  });

  it('does not let text start a block, but a version number stays a number', () => {
    expect(markdownText('# not a heading')).toBe('\\# not a heading');
    expect(markdownText('- not a list')).toBe('\\- not a list');
    expect(markdownText('1. not a list')).toBe('\\1. not a list');
    expect(markdownText('---')).toBe('\\---');
    expect(markdownText('0.1.0')).toBe('0.1.0');
  });

  it('keeps every text on one source line', () => {
    expect(markdownText('a\n- b\r\nc')).toBe('a<br>- b<br>c');
  });

  it('does not ping people from a CI comment, but leaves emails alone', () => {
    expect(markdownText('ask @ops-team or dana@example.com')).toBe('ask @\u200bops-team or dana@example.com');
  });
});

describe('markdownCode and markdownFence', () => {
  it('cannot be broken out of', () => {
    expect(markdownCode('a`b|c', { table: true })).toBe("`a'b\\|c`");
    expect(markdownFence('x ``` y')).toBe('````\nx ``` y\n````');
  });
});

describe('control characters', () => {
  // Every C0 but tab and line feed, DEL and every C1: none may reach a Markdown report raw.
  const CONTROLS = [...Array.from({ length: 32 }, (_, i) => i).filter((c) => c !== 9 && c !== 10), ...Array.from({ length: 33 }, (_, i) => 0x7f + i)].map((c) =>
    String.fromCharCode(c),
  );
  // eslint-disable-next-line no-control-regex -- looking for exactly these
  const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

  it('shows ESC, BEL and the other C0 characters as control pictures and C1 ones as U+FFFD', () => {
    expect(markdownText('red \u001b[31m bell \u0007 csi \u009b2J')).toBe('red ␛\\[31m bell ␇ csi \ufffd2J');
    for (const control of CONTROLS) {
      const text = `a${control}b`;
      expect(markdownText(text)).not.toMatch(RAW_CONTROL);
      expect(markdownText(text, { table: true })).not.toMatch(RAW_CONTROL);
      expect(markdownCode(text)).not.toMatch(RAW_CONTROL);
      expect(markdownFence(text)).not.toMatch(RAW_CONTROL);
    }
  });

  it('keeps tabs and line breaks', () => {
    expect(markdownFence('a\tb\nc')).toBe('```\na\tb\nc\n```');
    expect(markdownText('a\r\nb')).toBe('a<br>b');
  });
});
