import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstDuplicateKey } from './duplicate-keys.js';

describe('firstDuplicateKey', () => {
  it('finds a key written twice at the top level', () => {
    expect(firstDuplicateKey('{"tool":"delete_record","seq":1,"tool":"get_order"}')).toEqual({ key: 'tool', within: '' });
  });

  it('compares keys after unescaping', () => {
    expect(firstDuplicateKey('{"tool":"a","\\u0074ool":"b"}')).toEqual({ key: 'tool', within: '' });
  });

  it('names the object a nested duplicate is in', () => {
    expect(firstDuplicateKey('{"arguments":{"amount_cents":1,"amount_cents":100000}}')).toEqual({ key: 'amount_cents', within: 'arguments' });
    expect(firstDuplicateKey('{"result":{"content":[{"text":"a"},{"text":"b","text":"c"}]}}')).toEqual({ key: 'text', within: 'result.content[]' });
  });

  it('lets the same key stand in different objects, and keys that look like values', () => {
    expect(firstDuplicateKey('{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}],"d":"x","e":["x","x"]}')).toBeUndefined();
    expect(firstDuplicateKey('{"a":"\\"a\\":","b":"{\\"a\\":1,\\"a\\":2}"}')).toBeUndefined();
    expect(firstDuplicateKey(' { "a" : 1 , "b" : { "a" : 2 } } ')).toBeUndefined();
    expect(firstDuplicateKey('[1,"a",{"a":null}]')).toBeUndefined();
  });

  it('finds none in what JSON.stringify writes, and one wherever a key is repeated', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        expect(firstDuplicateKey(JSON.stringify(value))).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 }), fc.nat(), (object, pick) => {
        const keys = Object.keys(object);
        const key = keys[pick % keys.length] ?? '';
        const json = JSON.stringify(object);
        const repeated = `${json.slice(0, -1)},${JSON.stringify(key)}:0}`;
        expect(firstDuplicateKey(repeated)?.key).toBe(key);
      }),
    );
  });
});
