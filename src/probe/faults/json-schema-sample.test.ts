import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { sampleFromSchema } from './json-schema-sample.js';

const ajv = new Ajv({ strict: false });

describe('sampleFromSchema', () => {
  const schemas: Record<string, unknown> = {
    'required properties': { type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer', minimum: 3 }, note: { type: 'string' } }, required: ['id', 'n'] },
    'enum and const': { type: 'object', properties: { status: { enum: ['issued', 'pending'] }, kind: { const: 'refund' } }, required: ['status', 'kind'] },
    bounds: { type: 'object', properties: { x: { type: 'number', exclusiveMinimum: 0, maximum: 5 }, s: { type: 'string', minLength: 4 } }, required: ['x', 's'] },
    'arrays with minItems': { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] }, minItems: 2 },
    'anyOf with null first': { anyOf: [{ type: 'null' }, { type: 'object', properties: { a: { type: 'boolean' } }, required: ['a'] }] },
    allOf: { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'number' } }, required: ['b'] }] },
    'local $ref': { type: 'object', properties: { item: { $ref: '#/$defs/item' } }, required: ['item'], $defs: { item: { type: 'object', properties: { v: { type: 'integer' } }, required: ['v'] } } },
    'type list': { type: ['null', 'string'] },
    formats: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, mail: { type: 'string', format: 'email' } }, required: ['at', 'mail'] },
  };

  for (const [name, schema] of Object.entries(schemas)) {
    it(`satisfies ${name}, minimal and plausible`, () => {
      expect(ajv.validate(schema as object, sampleFromSchema(schema))).toBe(true);
      expect(ajv.validate(schema as object, sampleFromSchema(schema, { style: 'plausible' }))).toBe(true);
    });
  }

  it('leaves optional properties out of a minimal sample, fills them in a plausible one', () => {
    const schema = schemas['required properties'];
    expect(sampleFromSchema(schema)).toEqual({ id: '', n: 3 });
    expect(sampleFromSchema(schema, { style: 'plausible' })).toEqual({ id: 'example-id', n: 100, note: 'example-note' });
  });

  it('lets the caller choose values by property name', () => {
    expect(sampleFromSchema(schemas['required properties'], { byKey: (key) => (key === 'id' ? 'sim-1' : key === 'note' ? 'chosen' : undefined) })).toEqual({ id: 'sim-1', n: 3, note: 'chosen' });
  });

  it('survives schemas it cannot use', () => {
    expect(sampleFromSchema(undefined)).toEqual({});
    expect(sampleFromSchema({ $ref: 'https://elsewhere.example/schema.json' })).toBeNull();
    const recursive = { type: 'object', properties: { self: { $ref: '#' } }, required: ['self'] };
    expect(() => sampleFromSchema(recursive)).not.toThrow();
  });
});
