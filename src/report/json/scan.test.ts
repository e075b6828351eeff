import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError, jsonPath, jsonValueOffsets, lineAndColumn } from './scan.js';

describe('findJsonSyntaxError', () => {
  it('finds nothing wrong with valid JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        expect(findJsonSyntaxError(JSON.stringify(value, null, pretty ? 2 : undefined))).toBeUndefined();
      }),
    );
  });

  it('agrees with JSON.parse on whether text is JSON', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', '-', 'e', '.', 't', 'r', 'u', ' ', '\\', 'n', 'a') }), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(findJsonSyntaxError(text) === undefined).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });

  it('points at the first problem and says what was expected there', () => {
    expect(findJsonSyntaxError('{"a": }')).toEqual({ offset: 6, expected: 'a value (an object, array, string, number, true, false or null)', found: '"}"' });
    expect(findJsonSyntaxError('{"a": 1,\n "b" 2}')).toMatchObject({ offset: 14, expected: "':' after the property name" });
    expect(findJsonSyntaxError('[1,]')).toMatchObject({ offset: 3 });
    expect(findJsonSyntaxError('{"a": 1')).toMatchObject({ offset: 7, found: 'the end of the file' });
    expect(findJsonSyntaxError('{"a": "x\ny"}')).toMatchObject({ offset: 8, found: 'a line break' });
    expect(findJsonSyntaxError('')).toMatchObject({ offset: 0 });
  });
});

describe('jsonValueOffsets', () => {
  it('maps each value path to where it starts', () => {
    const text = '{\n  "a": [1, {"b c": true}],\n  "d": null\n}';
    const offsets = jsonValueOffsets(text);
    expect(offsets.get('$')).toBe(0);
    expect(offsets.get('$.a[1]["b c"]')).toBe(text.indexOf('true'));
    expect(lineAndColumn(text, offsets.get('$.d') ?? -1)).toEqual({ line: 3, column: 8 });
  });

  it('names paths as JSONPath does', () => {
    expect(jsonPath(['findings', 3, 'outcome'])).toBe('$.findings[3].outcome');
    expect(jsonPath(['outcomes', 'not-applicable'])).toBe('$.outcomes["not-applicable"]');
  });
});
