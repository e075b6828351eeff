import http from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDbStore } from '../../src/server/store/duckdb-store.js';
import type { ServeStore } from '../../src/server/store/types.js';
import { eventually, getJson, otlpJsonRequest, postOtlp, startTestServer } from './support.js';

/**
 * The ingest queue's bound (`maxQueuedBytes`) holds however many requests arrive at once: each
 * request holds its room from the moment it is admitted, so requests read side by side cannot all
 * pass the check and then overshoot together. The store is held back so nothing leaves the queue.
 */
interface HeldServer {
  served: Awaited<ReturnType<typeof startTestServer>>;
  release(): void;
}

let current: HeldServer | undefined;

afterEach(async () => {
  current?.release();
  await current?.served.dispose();
  current = undefined;
});

async function serverWithHeldStore(maxQueuedBytes: number): Promise<HeldServer> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const served = await startTestServer({
    maxQueuedBytes,
    openStore: async (dir) => {
      const store: ServeStore = await openDuckDbStore(join(dir, 'mimir.duckdb'));
      return {
        ...store,
        applyBatches: async (batches) => {
          await held;
          return store.applyBatches(batches);
        },
      };
    },
  });
  current = { served, release };
  return current;
}

interface IngestHealth {
  ingest: { queuedBytes: number; reservedBytes: number; maxHeldBytes: number; acknowledgedBatches: number; refusedRequests: number };
}

/**
 * A POST whose body is sent in two halves, with a Content-Length or (`chunked`) without one, so that
 * its size is known only once it is read; the second half once `gate` opens (at once without one), so
 * a test can hold every request in flight, none of them read whole.
 */
function postInTwoParts(url: string, body: string, { chunked = false, gate = Promise.resolve() }: { chunked?: boolean; gate?: Promise<void> } = {}): Promise<{ status: number; retryAfter: string | undefined }> {
  const size = chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...size } }, (response) => {
      response.resume();
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] });
      });
    });
    request.on('error', reject);
    const half = Math.floor(body.length / 2);
    request.write(body.slice(0, half));
    void gate.then(() => request.end(body.slice(half)));
  });
}

describe('the ingest queue bound', () => {
  it('takes only what fits when many requests arrive at once, and refuses the rest with 429 and Retry-After', async () => {
    const bodies = Array.from({ length: 20 }, () => otlpJsonRequest(2, 5).body);
    const size = Math.max(...bodies.map((body) => Buffer.byteLength(body)));
    // Room for three requests, not four.
    const maxQueuedBytes = Math.floor(size * 3.5);
    const held = await serverWithHeldStore(maxQueuedBytes);
    const { served } = held;
    const url = `${served.server.url}/v1/traces`;

    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const replying = Promise.all(bodies.map((body) => postInTwoParts(url, body, { gate })));
    // Let every request's headers and first half reach the server before any body is complete.
    await new Promise((resolve) => setTimeout(resolve, 300));
    open();
    const replies = await replying;
    const statuses = replies.map((reply) => reply.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(17);
    for (const reply of replies.filter((each) => each.status === 429)) expect(reply.retryAfter).toBe('1');

    const { body } = await getJson(`${served.server.url}/api/health`);
    const { ingest } = body as IngestHealth;
    expect(ingest.maxHeldBytes).toBeLessThanOrEqual(maxQueuedBytes);
    expect(ingest.queuedBytes).toBeGreaterThan(0);
    expect(ingest.reservedBytes).toBe(0);
    expect(ingest.refusedRequests).toBe(17);

    // What was acknowledged reaches the store once it moves, and the room is free again.
    held.release();
    await eventually(async () => ((await served.server.store.counts()).spans === 3 * 10 ? true : undefined), 5000, 'the three acknowledged batches in the store');
    await eventually(async () => ((await getJson(`${served.server.url}/api/health`)).body as IngestHealth).ingest.queuedBytes === 0 || undefined, 5000, 'an empty queue');
    expect((await postOtlp(url, otlpJsonRequest(2, 5).body)).status).toBe(200);
  }, 20_000);

  it('measures a chunked body when it has been read, and refuses it when the queue has no room for it', async () => {
    const first = otlpJsonRequest(2, 5).body;
    const { served } = await serverWithHeldStore(Math.floor(Buffer.byteLength(first) * 1.5));
    const url = `${served.server.url}/v1/traces`;
    expect((await postOtlp(url, first)).status).toBe(200);

    // Declares no size, so it is admitted; once read it does not fit beside the first batch.
    const refused = await postInTwoParts(url, otlpJsonRequest(2, 5).body, { chunked: true });
    expect(refused).toEqual({ status: 429, retryAfter: '1' });
    const { ingest } = (await getJson(`${served.server.url}/api/health`)).body as IngestHealth;
    expect(ingest.acknowledgedBatches).toBe(1);
    expect(ingest.maxHeldBytes).toBeLessThanOrEqual(Math.floor(Buffer.byteLength(first) * 1.5));
    expect(ingest.reservedBytes).toBe(0);
  }, 20_000);

  it('takes a chunked body that fits', async () => {
    const { served } = await serverWithHeldStore(1024 * 1024);
    const reply = await postInTwoParts(`${served.server.url}/v1/traces`, otlpJsonRequest(1, 3).body, { chunked: true });
    expect(reply.status).toBe(200);
  }, 20_000);
});
