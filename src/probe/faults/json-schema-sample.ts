/**
 * A small value that satisfies a JSON Schema, for the places where the proxy has to invent data an
 * agent will take at face value: the structured result of a simulated side effect, the arguments
 * named in an injected instruction, the base of a malformed result. Best effort over the subset
 * tools use in practice (types, required, enum/const, bounds, formats, local $refs, anyOf/oneOf/
 * allOf); a schema it cannot satisfy (a `pattern`, say) yields the nearest plausible value.
 */

export interface SampleOptions {
  /** Value for a property by name, before the schema's own default is considered; undefined to fall through. */
  readonly byKey?: (key: string, schema: Readonly<Record<string, unknown>>) => unknown;
  /** `minimal`: empty strings, zero, required properties only. `plausible`: readable filler values. */
  readonly style?: 'minimal' | 'plausible';
  /** The timestamp used for `date-time` strings (default 2025-01-01T00:00:00.000Z, for reproducibility). */
  readonly now?: string;
}

const MAX_DEPTH = 8;

export function sampleFromSchema(schema: unknown, options: SampleOptions = {}): unknown {
  const root = asRecord(schema);
  return root ? sample(root, root, options, undefined, 0) : {};
}

function sample(schema: Readonly<Record<string, unknown>>, root: Readonly<Record<string, unknown>>, options: SampleOptions, key: string | undefined, depth: number): unknown {
  if (depth > MAX_DEPTH) return null;
  const resolved = resolveRef(schema, root);
  if (!resolved) return null;
  if (key !== undefined && options.byKey) {
    const chosen = options.byKey(key, resolved);
    if (chosen !== undefined) return chosen;
  }
  if ('const' in resolved) return resolved['const'];
  if (Array.isArray(resolved['enum']) && resolved['enum'].length > 0) return resolved['enum'][0] as unknown;
  if ('default' in resolved) return resolved['default'];
  for (const combinator of ['anyOf', 'oneOf'] as const) {
    const branches = resolved[combinator];
    if (Array.isArray(branches)) {
      const first = branches.map(asRecord).find((branch) => branch && typedAs(branch) !== 'null') ?? asRecord(branches[0]);
      if (first) return sample({ ...withoutKeys(resolved, combinator), ...first }, root, options, key, depth + 1);
    }
  }
  if (Array.isArray(resolved['allOf'])) {
    const merged = (resolved['allOf'] as unknown[]).map(asRecord).reduce<Record<string, unknown>>((acc, part) => mergeSchemas(acc, part ? (resolveRef(part, root) ?? {}) : {}), withoutKeys(resolved, 'allOf'));
    return sample(merged, root, options, key, depth + 1);
  }
  const plausible = options.style === 'plausible';
  switch (typedAs(resolved)) {
    case 'object': {
      const properties = asRecord(resolved['properties']) ?? {};
      const required = Array.isArray(resolved['required']) ? resolved['required'].filter((k): k is string => typeof k === 'string') : [];
      const keys = plausible ? [...new Set([...required, ...Object.keys(properties)])] : required;
      const out: Record<string, unknown> = {};
      for (const name of keys) {
        const propertySchema = asRecord(properties[name]) ?? {};
        out[name] = sample(propertySchema, root, options, name, depth + 1);
      }
      // Properties the caller asked for by name are filled even when optional (an id, a status).
      if (options.byKey && !plausible) {
        for (const [name, value] of Object.entries(properties)) {
          if (name in out) continue;
          const propertySchema = asRecord(value);
          const chosen = propertySchema ? options.byKey(name, resolveRef(propertySchema, root) ?? propertySchema) : undefined;
          if (chosen !== undefined) out[name] = chosen;
        }
      }
      return out;
    }
    case 'array': {
      const items = asRecord(resolved['items']) ?? {};
      const count = Math.max(numberOr(resolved['minItems'], 0), plausible ? 1 : 0);
      return Array.from({ length: count }, () => sample(items, root, options, undefined, depth + 1));
    }
    case 'string':
      return sampleString(resolved, options, key);
    case 'integer': {
      const value = sampleNumber(resolved, plausible);
      return Number.isInteger(value) ? value : Math.ceil(value);
    }
    case 'number':
      return sampleNumber(resolved, plausible);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case undefined:
      return plausible ? 'example' : null;
  }
}

type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';
const JSON_TYPES: readonly string[] = ['object', 'array', 'string', 'integer', 'number', 'boolean', 'null'];

/** The schema's type (the first non-null one of a type list), inferred from its keywords when absent. */
export function typedAs(schema: Readonly<Record<string, unknown>>): JsonType | undefined {
  const type = schema['type'];
  const declared: unknown = Array.isArray(type) ? ((type as unknown[]).find((t) => t !== 'null') ?? type[0]) : type;
  if (typeof declared === 'string' && JSON_TYPES.includes(declared)) return declared as JsonType;
  if ('properties' in schema || 'required' in schema) return 'object';
  if ('items' in schema) return 'array';
  return undefined;
}

function sampleString(schema: Readonly<Record<string, unknown>>, options: SampleOptions, key: string | undefined): string {
  const format = schema['format'];
  let value: string;
  switch (format) {
    case 'date-time':
      value = options.now ?? '2025-01-01T00:00:00.000Z';
      break;
    case 'date':
      value = (options.now ?? '2025-01-01').slice(0, 10);
      break;
    case 'time':
      value = '00:00:00Z';
      break;
    case 'email':
      value = 'user@example.com';
      break;
    case 'uri':
    case 'url':
      value = 'https://example.com/';
      break;
    case 'uuid':
      value = '00000000-0000-4000-8000-000000000000';
      break;
    default:
      value = options.style === 'plausible' ? `example-${key ?? 'value'}` : '';
  }
  const minLength = numberOr(schema['minLength'], 0);
  if (value.length < minLength) value = value.padEnd(minLength, 'x');
  const maxLength = schema['maxLength'];
  if (typeof maxLength === 'number' && value.length > maxLength) value = value.slice(0, maxLength);
  return value;
}

function sampleNumber(schema: Readonly<Record<string, unknown>>, plausible: boolean): number {
  const minimum = typeof schema['minimum'] === 'number' ? schema['minimum'] : undefined;
  const exclusiveMinimum = typeof schema['exclusiveMinimum'] === 'number' ? schema['exclusiveMinimum'] : undefined;
  const maximum = typeof schema['maximum'] === 'number' ? schema['maximum'] : undefined;
  const exclusiveMaximum = typeof schema['exclusiveMaximum'] === 'number' ? schema['exclusiveMaximum'] : undefined;
  let value = plausible ? 100 : 0;
  if (minimum !== undefined && value < minimum) value = minimum;
  if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) value = exclusiveMinimum + 1;
  if (maximum !== undefined && value > maximum) value = maximum;
  if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) value = exclusiveMaximum - 1;
  return value;
}

function resolveRef(schema: Readonly<Record<string, unknown>>, root: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | undefined {
  let current: Readonly<Record<string, unknown>> | undefined = schema;
  for (let hops = 0; current && hops < MAX_DEPTH; hops++) {
    const ref = current['$ref'];
    if (typeof ref !== 'string') break;
    if (!ref.startsWith('#')) return {};
    current = schemaAt(root, ref);
  }
  return current;
}

/** The schema a local `$ref` (`#/…`, a JSON pointer into the root schema) names, one hop. */
export function schemaAt(root: Readonly<Record<string, unknown>> | undefined, ref: string): Readonly<Record<string, unknown>> | undefined {
  let target: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    target = asRecord(target)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return asRecord(target);
}

function mergeSchemas(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...a, ...b };
  const aProps = asRecord(a['properties']);
  const bProps = asRecord(b['properties']);
  if (aProps || bProps) merged['properties'] = { ...aProps, ...bProps };
  const required: unknown[] = [...listOf(a['required']), ...listOf(b['required'])];
  if (required.length > 0) merged['required'] = [...new Set(required)];
  return merged;
}

function withoutKeys(schema: Readonly<Record<string, unknown>>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema).filter(([k]) => !keys.includes(k)));
}

function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
