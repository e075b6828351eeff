import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, getJson, otlpJsonRequest, postOtlp, removeDir, type SentSpan } from './support.js';

/**
 * A span is acknowledged only once durable: the server (the real CLI, `mimir serve`) is SIGKILLed
 * while exporters are sending, started again on the same data directory, and must hold every span
 * it acknowledged — and assemble their runs, which it had not closed when it died.
 */
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'mimir.js');
const dataDir = mkdtempSync(join(tmpdir(), 'mimir-serve-durability-'));
const children: ChildProcessByStdio<null, Readable, Readable>[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  removeDir(dataDir);
});

async function startCli(): Promise<{ child: ChildProcessByStdio<null, Readable, Readable>; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', dataDir, '--quiet-ms', '200'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => {
      reject(new Error(`mimir serve exited with ${String(code)} before listening: ${stderr}`));
    });
  });
  return { child, url };
}

/** Resolves when the child has exited, also when that happened before the call (an 'exit' listener added late waits forever). */
function exited(child: ChildProcessByStdio<null, Readable, Readable>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
}

describe('durability: nothing acknowledged is lost to a SIGKILL', () => {
  it('finds every acknowledged span after a kill mid-load and a restart', async () => {
    const first = await startCli();
    const acknowledged: SentSpan[] = [];
    let sending = true;
    // Four exporters, each sending one request after another (two whole runs per request) until the kill.
    const exporters = Array.from({ length: 4 }, async () => {
      while (sending) {
        const request = otlpJsonRequest(2, 5);
        try {
          const response = await postOtlp(`${first.url}/v1/traces`, request.body);
          if (response.status === 200) acknowledged.push(...request.spans);
        } catch {
          // The connection died with the server: this request was never acknowledged.
        }
      }
    });
    await eventually(() => Promise.resolve(acknowledged.length >= 100 ? true : undefined), 30_000, '100 acknowledged spans');
    const firstExited = exited(first.child);
    first.child.kill('SIGKILL');
    sending = false;
    await Promise.all(exporters);
    await firstExited;

    const second = await startCli();
    const byTrace = new Map<string, string[]>();
    for (const span of acknowledged) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span.spanId]);
    const missing: string[] = [];
    for (const [traceId, spanIds] of byTrace) {
      const { status, body } = await getJson(`${second.url}/api/traces/${traceId}`);
      const stored = status === 200 ? new Set((body as { spans: { spanId: string }[] }).spans.map((span) => span.spanId)) : new Set<string>();
      for (const spanId of spanIds) if (!stored.has(spanId)) missing.push(`${traceId}/${spanId}`);
    }
    expect(missing).toEqual([]);
    // The runs open at the kill are assembled after the restart.
    await eventually(
      async () => {
        for (const traceId of byTrace.keys()) if ((await getJson(`${second.url}/api/runs/${traceId}`)).status !== 200) return undefined;
        return true;
      },
      30_000,
      'every acknowledged run to be assembled after the restart',
    );
    const secondExited = exited(second.child);
    second.child.kill('SIGTERM');
    await secondExited;
    expect(second.child.exitCode).toBe(0);
    // About 12 s alone on this 2-core machine; two Node start-ups and DuckDB loads take longer when the whole suite shares it.
  }, 60_000);
});
