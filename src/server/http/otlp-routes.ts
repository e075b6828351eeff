import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { Writer } from 'protobufjs';
import type { SecretPattern } from '../../shared/redact.js';
import { BadExportRequest, decodeExport, type ExportEncoding, type ExportSignal } from '../ingest/decode-export.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import { redactBatch } from '../ingest/redact-batch.js';

/**
 * OTLP/HTTP export requests (`/v1/traces`, `/v1/logs`), answered as the OTLP specification says:
 * 200 with the Export…ServiceResponse (and `partial_success` when some spans or records were
 * rejected), 400 with a google.rpc.Status for a body that cannot be decoded, 413 for a body over
 * the limit, 415 for an encoding other than JSON, protobuf, gzip; 429 (queue full) or 503 (store
 * failing) with Retry-After, which exporters honour by retrying later. The reply is sent only after
 * the batch is fsync'd in the ingest log.
 */
export interface OtlpRouteOptions {
  readonly pipeline: IngestPipeline;
  readonly maxBodyBytes: number;
  readonly maxAttributeBytes: number;
  /** Undefined: stored unredacted (`--no-redact`). */
  readonly redaction: readonly SecretPattern[] | undefined;
  /** Seconds an exporter is asked to wait under back-pressure. */
  readonly retryAfterSeconds: number;
}

const gunzipAsync = promisify(gunzip);
/** google.rpc.Code INVALID_ARGUMENT, RESOURCE_EXHAUSTED, UNAVAILABLE. */
const RPC_CODE = { 400: 3, 413: 3, 415: 3, 429: 8, 503: 14 } as const;

export async function handleExport(signal: ExportSignal, request: IncomingMessage, response: ServerResponse, options: OtlpRouteOptions): Promise<void> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  // The guard has refused other types already; protobuf is the OTLP/HTTP default.
  const encoding: ExportEncoding = type === 'application/json' ? 'json' : 'protobuf';
  if (request.method !== 'POST') {
    fail(response, encoding, 405, `${request.method ?? ''} is not an export: POST the request`);
    return;
  }
  const contentEncoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (contentEncoding !== 'gzip' && contentEncoding !== 'identity') {
    fail(response, encoding, 415, `Content-Encoding ${contentEncoding} is not supported: send gzip or nothing`);
    return;
  }
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > options.maxBodyBytes) {
    fail(response, encoding, 413, `the body is ${declared} bytes; at most ${options.maxBodyBytes} are taken: export smaller batches`);
    return;
  }
  const admission = options.pipeline.admit(declared);
  if (admission === 'busy' || admission === 'unavailable') {
    refuse(request, response, encoding, admission, options);
    return;
  }
  // Whatever happens below, the room held for this request is given back or handed to the queue.
  try {
    const body = await readBody(request, options.maxBodyBytes, contentEncoding === 'gzip');
    if (body === 'too-large') {
      fail(response, encoding, 413, `the body is over ${options.maxBodyBytes} bytes (after gunzip): export smaller batches`);
      return;
    }
    if (body === 'bad-gzip') {
      fail(response, encoding, 400, 'the body is not valid gzip');
      return;
    }
    // A chunked or gzipped body may be larger than declared: the queue must have room for what was read.
    if (!admission.resize(body.length)) {
      refuse(request, response, encoding, 'busy', options);
      return;
    }
    let decoded;
    try {
      decoded = decodeExport(signal, encoding, body, options.maxAttributeBytes, Date.now());
    } catch (error) {
      if (!(error instanceof BadExportRequest)) throw error;
      fail(response, encoding, 400, error.message);
      return;
    }
    const batch = options.redaction === undefined ? decoded.batch : redactBatch(decoded.batch, options.redaction);
    if (batch.spans.length > 0 || batch.events.length > 0 || batch.damagedTraces.length > 0) {
      try {
        await options.pipeline.accept(batch, body.length, admission);
      } catch {
        // Not on disk, so not acknowledged: the exporter keeps the batch and retries.
        fail(response, encoding, 503, 'the ingest log could not be written: retry later', options.retryAfterSeconds);
        return;
      }
    }
    respond(response, encoding, signal, decoded.rejected, decoded.problems.join('; '));
  } finally {
    admission.release();
  }
}

/** 429 (queue full) or 503 (store failing), with Retry-After; the body is drained, not buffered. */
function refuse(request: IncomingMessage, response: ServerResponse, encoding: ExportEncoding, why: 'busy' | 'unavailable', options: OtlpRouteOptions): void {
  options.pipeline.refused();
  request.resume();
  fail(response, encoding, why === 'busy' ? 429 : 503, why === 'busy' ? 'ingest queue is full: retry later' : 'the store is failing: retry later', options.retryAfterSeconds);
}

async function readBody(request: IncomingMessage, maxBytes: number, gzipped: boolean): Promise<Buffer | 'too-large' | 'bad-gzip'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) {
      // Stop reading: the rest is not buffered.
      request.destroy();
      return 'too-large';
    }
    chunks.push(buffer);
  }
  const body = Buffer.concat(chunks);
  if (!gzipped) return body;
  try {
    return await gunzipAsync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : 'bad-gzip';
  }
}

/** 200 with Export{Trace,Logs}ServiceResponse; partial_success only when something was rejected. */
function respond(response: ServerResponse, encoding: ExportEncoding, signal: ExportSignal, rejected: number, message: string): void {
  if (encoding === 'json') {
    const rejectedKey = signal === 'traces' ? 'rejectedSpans' : 'rejectedLogRecords';
    const body = rejected > 0 ? { partialSuccess: { [rejectedKey]: String(rejected), errorMessage: message } } : {};
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    return;
  }
  const writer = Writer.create();
  if (rejected > 0) {
    // field 1 partial_success { field 1 int64 rejected_spans / rejected_log_records, field 2 string error_message }
    writer.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 0).int64(rejected).uint32((2 << 3) | 2).string(message).ldelim();
  }
  response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(writer.finish()));
}

/** An error reply: a google.rpc.Status in the request's encoding. */
function fail(response: ServerResponse, encoding: ExportEncoding, status: 400 | 405 | 413 | 415 | 429 | 503, message: string, retryAfterSeconds?: number): void {
  const headers: Record<string, string> = { 'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf' };
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  if (status === 413 || status === 405) headers.connection = 'close';
  const code = status === 405 ? 12 : RPC_CODE[status];
  if (encoding === 'json') {
    response.writeHead(status, headers).end(JSON.stringify({ code, message }));
    return;
  }
  const writer = Writer.create().uint32((1 << 3) | 0).int32(code).uint32((2 << 3) | 2).string(message);
  response.writeHead(status, headers).end(Buffer.from(writer.finish()));
}
