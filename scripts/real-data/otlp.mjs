// Shared helpers for the real-data converters: OTLP/JSON encoding of spans, one trace per line.
// Plain Node ESM, no dependencies beyond node: built-ins.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createGzip } from 'node:zlib';

/** A deterministic hex id of `length` characters from the given parts. */
export function hexId(length, ...parts) {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, length);
}

/** An OTLP AnyValue for a JS value (objects and arrays become JSON strings, as GenAI instrumentation records them). */
export function anyValue(value) {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  return { stringValue: JSON.stringify(value) };
}

/** OTLP key-value attributes, skipping undefined values. */
export function attributes(record) {
  const out = [];
  for (const [key, value] of Object.entries(record)) if (value !== undefined && value !== null) out.push({ key, value: anyValue(value) });
  return out;
}

/** Nanoseconds since the epoch, as the decimal string OTLP/JSON uses, from milliseconds. */
export function nanos(ms) {
  return (BigInt(Math.round(ms)) * 1_000_000n).toString();
}

/**
 * A span in OTLP/JSON. kind: 1 internal, 3 client. status: undefined (unset), 'ok' or { message } for an error.
 */
export function span({ traceId, spanId, parentSpanId, name, kind = 1, startMs, endMs, attrs, status }) {
  const out = { traceId, spanId, name, kind, startTimeUnixNano: nanos(startMs), endTimeUnixNano: nanos(endMs), attributes: attributes(attrs) };
  if (parentSpanId !== undefined) out.parentSpanId = parentSpanId;
  if (status === 'ok') out.status = { code: 1 };
  else if (status !== undefined) out.status = { code: 2, message: status.message };
  return out;
}

/** One OTLP/JSON line (an ExportTraceServiceRequest) holding every span of one trace. */
export function traceLine(serviceName, spans) {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: attributes({ 'service.name': serviceName }) },
        scopeSpans: [{ scope: { name: 'mimir-real-data-converter', version: '1' }, spans }],
      },
    ],
  });
}

/** A line writer for .jsonl or .jsonl.gz; close() resolves when the file is flushed. */
export function lineWriter(path) {
  mkdirSync(dirname(path), { recursive: true });
  const file = createWriteStream(path);
  const sink = path.endsWith('.gz') ? createGzip({ level: 9 }) : file;
  if (sink !== file) sink.pipe(file);
  return {
    write(line) {
      sink.write(line + '\n');
    },
    close() {
      return new Promise((resolve, reject) => {
        file.on('finish', resolve);
        file.on('error', reject);
        sink.end();
      });
    },
  };
}

/** A text part, as the GenAI conventions' message format writes it. */
export function textPart(content) {
  return { type: 'text', content };
}

/** Parses simple `--name value` flags; positional arguments land in `_`. */
export function parseArgs(argv, defaults) {
  const out = { ...defaults, _: [] };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument.startsWith('--')) {
      const key = argument.slice(2);
      const value = argv[index + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`${argument} needs a value`);
      out[key] = value;
      index += 1;
    } else out._.push(argument);
  }
  return out;
}
