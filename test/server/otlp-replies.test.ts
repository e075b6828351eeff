import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Reader } from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDbStore } from '../../src/server/store/duckdb-store.js';
import type { ServeStore } from '../../src/server/store/types.js';
import { eventually, getJson, otlpJsonRequest, postOtlp, startTestServer } from './support.js';

/** Replies as the OTLP/HTTP specification has them, for good, partly bad and bad requests, and under back-pressure. */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'traces', 'otlp');
let served: Awaited<ReturnType<typeof startTestServer>>;
let traces: string;

beforeAll(async () => {
  served = await startTestServer({ maxBodyBytes: 64 * 1024 });
  traces = `${served.server.url}/v1/traces`;
});

afterAll(async () => {
  await served.dispose();
});

/** google.rpc.Status from a protobuf error reply: code (field 1), message (field 2). */
function decodeStatus(bytes: Uint8Array): { code: number; message: string } {
  const reader = Reader.create(bytes);
  const status = { code: 0, message: '' };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) status.code = reader.int32();
    else if (tag >>> 3 === 2) status.message = reader.string();
    else reader.skipType(tag & 7);
  }
  return status;
}

describe('OTLP/HTTP replies', () => {
  it('takes JSON, gzip JSON and protobuf, and answers 200 with an empty response', async () => {
    const json = await postOtlp(traces, otlpJsonRequest(1, 3).body);
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({});
    const gzipped = await postOtlp(traces, gzipSync(otlpJsonRequest(1, 3).body), { 'content-encoding': 'gzip' });
    expect(gzipped.status).toBe(200);
    const protobuf = await fetch(traces, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: readFileSync(join(FIXTURES, 'sdk-export.pb')) });
    expect(protobuf.status).toBe(200);
    expect(protobuf.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await protobuf.arrayBuffer()).byteLength).toBe(0);
  });

  it('takes ids in base64 as well as hex', async () => {
    const traceId = Buffer.from('0123456789abcdef0123456789abcdef', 'hex').toString('base64');
    const spanId = Buffer.from('0123456789abcdef', 'hex').toString('base64');
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId, name: 'invoke_agent', startTimeUnixNano: '1796000000000000000', endTimeUnixNano: '1796000001000000000' }] }] }] });
    expect((await postOtlp(traces, body)).status).toBe(200);
    // Acknowledged means durable in the ingest log; the store has it a moment later.
    const stored = await eventually(async () => {
      const { status, body } = await getJson(`${served.server.url}/api/traces/0123456789abcdef0123456789abcdef`);
      return status === 200 ? (body as { spans: { spanId: string }[] }) : undefined;
    });
    expect(stored.spans.map((span) => span.spanId)).toEqual(['0123456789abcdef']);
  });

  it('answers 200 with partial_success naming the rejected spans', async () => {
    const good = { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'invoke_agent', startTimeUnixNano: '1796000000000000000', endTimeUnixNano: '1796000001000000000' };
    const bad = { ...good, traceId: 'not-an-id', spanId: 'ef'.repeat(8) };
    const response = await postOtlp(traces, JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [good, bad] }] }] }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('1');
    expect(body.partialSuccess.errorMessage).toMatch(/traceId/);
  });

  it('answers 400 with a Status for a body that is not an export request, in the request encoding', async () => {
    const json = await postOtlp(traces, '{"resourceSpans": [');
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ code: 3, message: expect.stringMatching(/not JSON/) as string });
    const protobuf = await fetch(traces, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from([0x0a, 0xff, 0xff, 0x01]) });
    expect(protobuf.status).toBe(400);
    expect(decodeStatus(new Uint8Array(await protobuf.arrayBuffer()))).toMatchObject({ code: 3, message: expect.stringMatching(/protobuf/) as string });
    expect((await postOtlp(traces, 'not gzip', { 'content-encoding': 'gzip' })).status).toBe(400);
    expect((await postOtlp(traces, '{"spans": []}')).status).toBe(400);
  });

  it('answers 413 for a body over the limit, 415 for another encoding or type, 405 for a GET', async () => {
    expect((await postOtlp(traces, otlpJsonRequest(40, 10).body)).status).toBe(413);
    expect((await postOtlp(traces, gzipSync(' '.repeat(200_000)), { 'content-encoding': 'gzip' })).status).toBe(413);
    expect((await postOtlp(traces, '{}', { 'content-encoding': 'br' })).status).toBe(415);
    expect((await fetch(traces, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })).status).toBe(415);
    expect((await fetch(traces)).status).toBe(405);
  });
});

describe('back-pressure', () => {
  it('answers 429 with Retry-After while the store is behind, 503 while it fails, and takes requests again after', async () => {
    let release: () => void = () => undefined;
    let mode: 'hold' | 'fail' | 'pass' = 'hold';
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const request = otlpJsonRequest(2, 5).body;
    const slow = await startTestServer({
      // Room for one request's batch, not two.
      maxQueuedBytes: Math.floor(request.length * 1.5),
      openStore: async (dir) => {
        const store: ServeStore = await openDuckDbStore(join(dir, 'mimir.duckdb'));
        return {
          ...store,
          applyBatches: async (batches) => {
            if (mode === 'hold') await held;
            if (mode === 'fail') throw new Error('disk full');
            return store.applyBatches(batches);
          },
        };
      },
      onStoreError: () => undefined,
    });
    try {
      const url = `${slow.server.url}/v1/traces`;
      expect((await postOtlp(url, request)).status).toBe(200);
      const refused = await postOtlp(url, otlpJsonRequest(2, 5).body);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');

      mode = 'fail';
      release();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const unavailable = await postOtlp(url, otlpJsonRequest(1, 2).body);
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('retry-after')).toBe('1');

      mode = 'pass';
      // The apply loop tries the store again within a second; then requests are taken again.
      await eventually(async () => ((await postOtlp(url, otlpJsonRequest(1, 2).body)).status === 200 ? true : undefined), 5000, 'a 200 once the store works');
      // Everything acknowledged reaches the store: the held batch, and the one taken after.
      await eventually(async () => ((await slow.server.store.counts()).spans === 10 + 2 ? true : undefined), 5000, 'both acknowledged batches in the store');
    } finally {
      mode = 'pass';
      release();
      await slow.dispose();
    }
  }, 20_000);
});
