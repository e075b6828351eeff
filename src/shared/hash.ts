import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A file's sha256, streamed: a large file is never held in memory whole. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  // 1 MiB reads: the default 64 KiB means thousands of round trips for a large file.
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

/** JSON with object keys sorted, so equal values always hash the same. */
export function canonicalJson(value: unknown): string {
  // Tool-call keys serialize every captured argument object, so the common case (plain JSON data)
  // is written directly; anything the fast path does not handle exactly as JSON.stringify would
  // (toJSON, boxed primitives, bigint, digit-leading keys, cycles) falls back to the reference.
  try {
    const out: string[] = [];
    if (writePlain(value, out, 0)) return out.join('');
  } catch {
    // A cycle or a throwing getter: let the reference implementation raise its own error.
  }
  return referenceCanonicalJson(value);
}

/** Nesting beyond this goes to the reference implementation (and its error for cycles). */
const MAX_FAST_DEPTH = 64;

/**
 * Appends the canonical JSON of `value` to `out`; false when it is not plain JSON data. Output is
 * identical to {@link referenceCanonicalJson}: the reference rebuilds each object with sorted
 * keys, and JSON.stringify then emits integer-like keys first; keys starting with a digit are
 * therefore left to the reference, and all others are emitted in plain sorted order.
 */
function writePlain(value: unknown, out: string[], depth: number): boolean {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return true;
    case 'number':
      out.push(Number.isFinite(value) ? String(value) : 'null');
      return true;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return true;
    case 'object': {
      if (value === null) {
        out.push('null');
        return true;
      }
      if (depth > MAX_FAST_DEPTH) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          const item: unknown = value[i];
          // As in JSON.stringify: what has no JSON form becomes null inside an array.
          if (item === undefined || typeof item === 'function' || typeof item === 'symbol') out.push('null');
          else if (!writePlain(item, out, depth + 1)) return false;
        }
        out.push(']');
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      const record = value as Record<string, unknown>;
      if (typeof record['toJSON'] === 'function') return false;
      const keys = Object.keys(record).sort();
      out.push('{');
      let first = true;
      for (const key of keys) {
        const code = key.charCodeAt(0);
        if (code >= 48 && code <= 57) return false;
        const item = record[key];
        // As in JSON.stringify: such members are left out of an object.
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        if (!first) out.push(',');
        first = false;
        out.push(JSON.stringify(key), ':');
        if (!writePlain(item, out, depth + 1)) return false;
      }
      out.push('}');
      return true;
    }
    case 'undefined':
    case 'function':
    case 'symbol':
    case 'bigint':
      // No JSON form at the top (or, for bigint, an error): the reference decides.
      return false;
  }
}

function referenceCanonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}
