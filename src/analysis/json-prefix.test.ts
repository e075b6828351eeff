import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonPrefix } from './json-prefix.js';

describe('isJsonPrefix', () => {
  it('accepts every prefix of any JSON document, compact or pretty-printed', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), fc.nat(), (value, pretty, cut) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const prefix = text.slice(0, cut % (text.length + 1));
        expect(isJsonPrefix(prefix)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects a complete document followed by more text', () => {
    fc.assert(
      fc.property(fc.jsonValue().filter((v) => typeof v === 'object' && v !== null), fc.constantFrom('x', '{', '"', '1', ']'), (value, tail) => {
        expect(isJsonPrefix(`${JSON.stringify(value)} ${tail}`)).toBe(false);
      }),
    );
  });

  it('rejects text that only starts like JSON', () => {
    for (const text of [
      "{'foo': 'bar'}",
      "[<enum 'MyChoice.A': 'a'>, <enum 'MyChoice.B': 'b'>]",
      '[metadata]\nname = demo',
      '{foo: 1}',
      '[1, 2,, 3]',
      '{"a" 1}',
      '{"a": tru e}',
      '[01]',
      '{"a": "line\nbreak"}',
      '[None, True]',
    ]) {
      expect(isJsonPrefix(text), text).toBe(false);
    }
  });

  it('accepts documents cut inside a string, a number, a literal or an escape', () => {
    for (const text of ['{"order": "o-1', '[1, 2.', '{"n": -', '{"ok": tr', '["a\\', '{"a": 1e+', '[', '{', '{"a"', '{"a":']) {
      expect(isJsonPrefix(text), text).toBe(true);
    }
  });
});
