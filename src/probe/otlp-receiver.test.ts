import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rawHttp } from '../../test/support/raw-http.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.js';

const scratch = mkdtempSync(join(tmpdir(), 'mimir-otlp-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** POSTs a JSON export with the given headers (Host included: node sends ours, not one derived from the URL). */
async function post(endpoint: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  // As exporters build it from OTEL_EXPORTER_OTLP_ENDPOINT: the base, then /v1/traces.
  const url = new URL(`${endpoint.replace(/\/+$/, '')}/v1/traces`);
  return rawHttp(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"resourceSpans":[]}' });
}

describe('startOtlpReceiver', () => {
  it('stores an export sent to a local Host', async () => {
    const dir = join(scratch, 'local');
    receiver = await startOtlpReceiver(dir);
    const port = new URL(receiver.endpoint).port;
    expect((await post(receiver.endpoint, { host: `127.0.0.1:${port}` })).status).toBe(200);
    expect((await post(receiver.endpoint, { host: `localhost:${port}` })).status).toBe(200);
    expect(receiver.received()).toBe(2);
    expect(readFileSync(join(dir, 'probe-traces.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('refuses a request with a hostile Host header or a foreign browser Origin, and stores nothing', async () => {
    const dir = join(scratch, 'hostile');
    receiver = await startOtlpReceiver(dir);
    const port = new URL(receiver.endpoint).port;
    const rebound = await post(receiver.endpoint, { host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('evil.example');
    expect((await post(receiver.endpoint, { host: `127.0.0.1:${port}`, origin: 'http://evil.example' })).status).toBe(403);
    expect(receiver.received()).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the exports of each process apart when it was given an endpoint of its own', async () => {
    const dir = join(scratch, 'lives');
    receiver = await startOtlpReceiver(dir);
    const host = { host: `127.0.0.1:${new URL(receiver.endpoint).port}` };
    const first = receiver.endpointFor('run-a#1');
    const resumed = receiver.endpointFor('run-a#2');
    expect(receiver.endpointFor('run-a#1')).toBe(first);
    expect((await post(first, host)).status).toBe(200);
    expect((await post(first, host)).status).toBe(200);
    expect((await post(resumed, host)).status).toBe(200);
    expect((await post(receiver.endpoint, host)).status).toBe(200);
    expect(receiver.filesOf('run-a#1')).toEqual(['life-0000.jsonl']);
    expect(receiver.filesOf('run-a#2')).toEqual(['life-0001.jsonl']);
    expect(receiver.filesOf('never-started')).toEqual([]);
    expect(readFileSync(join(dir, 'life-0000.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readdirSync(dir).sort()).toEqual(['life-0000.jsonl', 'life-0001.jsonl', 'probe-traces.jsonl']);
    // A life that was never handed out is not a place to write.
    expect((await post(receiver.endpoint.replace(/$/, '/lives/7'), host)).status).toBe(404);
  });

  it('starts each session with the files of the last one gone, and leaves other files alone', async () => {
    const dir = join(scratch, 'sessions');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'life-0000.jsonl'), '{"resourceSpans":[]}\n');
    writeFileSync(join(dir, 'probe-traces-000001.pb'), '');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    receiver = await startOtlpReceiver(dir);
    const host = { host: `127.0.0.1:${new URL(receiver.endpoint).port}` };
    expect((await post(receiver.endpointFor('run#1'), host)).status).toBe(200);
    expect(readdirSync(dir).sort()).toEqual(['life-0000.jsonl', 'notes.txt']);
    expect(readFileSync(join(dir, 'life-0000.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
