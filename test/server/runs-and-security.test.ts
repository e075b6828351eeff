import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { RunFacts } from '../../src/server/store/types.js';
import { eventually, getJson, postOtlp, startTestServer } from './support.js';

/** Runs assembled live (closing, reopening, outcomes from log events and the labels API), redaction, and who may talk to the server. */
let served: Awaited<ReturnType<typeof startTestServer>>;
let base: string;
const NOW_NS = BigInt(Date.now() - 5000) * 1_000_000n;
const nanos = (offsetMs: number): string => String(NOW_NS + BigInt(offsetMs) * 1_000_000n);

beforeAll(async () => {
  served = await startTestServer();
  base = served.server.url;
});

afterAll(async () => {
  await served.dispose();
});

function span(traceId: string, spanId: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { traceId, spanId, startTimeUnixNano: nanos(0), endTimeUnixNano: nanos(100), ...fields };
}
const text = (key: string, value: string) => ({ key, value: { stringValue: value } });
const exportOf = (...spans: unknown[]): string => JSON.stringify({ resourceSpans: [{ resource: { attributes: [text('service.name', 'live-agent')] }, scopeSpans: [{ spans }] }] });

async function runOf(id: string, check: (run: { facts: RunFacts; run: { steps: { kind: string; arguments?: unknown }[] } }) => boolean = () => true) {
  return eventually(async () => {
    const { status, body } = await getJson(`${base}/api/runs/${id}`);
    const stored = body as { facts: RunFacts; run: { steps: { kind: string; arguments?: unknown }[] } };
    return status === 200 && check(stored) ? stored : undefined;
  }, 10_000, `run ${id}`);
}

describe('runs assembled live', () => {
  const trace = '1a'.repeat(16);
  const root = span(trace, '1b'.repeat(8), { name: 'invoke_agent', attributes: [text('gen_ai.operation.name', 'invoke_agent'), text('mimir.run.id', 'live-1'), text('mimir.run.claimed_status', 'success')] });
  const lookup = span(trace, '1c'.repeat(8), {
    parentSpanId: '1b'.repeat(8),
    name: 'execute_tool lookup_order',
    attributes: [text('gen_ai.operation.name', 'execute_tool'), text('gen_ai.tool.name', 'lookup_order'), text('gen_ai.tool.call.arguments', '{"order":"7","auth":"Bearer tk_9f8e7d6c5b4a39281706"}')],
  });

  it('closes a run once its root has ended and the quiet period passed, with secrets redacted before storage', async () => {
    expect((await postOtlp(`${base}/v1/traces`, exportOf(root, lookup))).status).toBe(200);
    const stored = await runOf('live-1');
    expect(stored.facts).toMatchObject({ traceId: trace, service: 'live-agent', claimedStatus: 'success', outcomeStatus: 'unknown', tools: ['lookup_order'] });
    const call = stored.run.steps.find((step) => step.kind === 'tool');
    expect(JSON.stringify(call?.arguments)).toContain('[redacted:bearer-token]');
    expect(JSON.stringify(stored)).not.toContain('tk_9f8e7d6c5b4a39281706');
  });

  it('reopens a closed run when a late span arrives, and assembles it again', async () => {
    const late = span(trace, '1d'.repeat(8), {
      parentSpanId: '1b'.repeat(8),
      name: 'execute_tool issue_refund',
      status: { code: 2, message: 'card declined' },
      attributes: [text('gen_ai.operation.name', 'execute_tool'), text('gen_ai.tool.name', 'issue_refund')],
    });
    expect((await postOtlp(`${base}/v1/traces`, exportOf(late))).status).toBe(200);
    const stored = await runOf('live-1', (run) => run.facts.steps === 2);
    expect(stored.facts.failedTools).toEqual(['issue_refund']);
  });

  it('takes the verified outcome from a gen_ai.evaluation.result log record', async () => {
    const logs = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: nanos(200),
                  eventName: 'gen_ai.evaluation.result',
                  traceId: trace,
                  spanId: '1b'.repeat(8),
                  attributes: [text('gen_ai.evaluation.name', 'outcome'), text('gen_ai.evaluation.score.label', 'failure')],
                },
              ],
            },
          ],
        },
      ],
    };
    expect((await postOtlp(`${base}/v1/logs`, JSON.stringify(logs))).status).toBe(200);
    const stored = await runOf('live-1', (run) => run.facts.outcomeStatus === 'failure');
    expect(stored.facts.outcomeSource).toBe('gen_ai.evaluation.result event');
    const silent = (await getJson(`${base}/api/runs?failure=silent`)).body as { runs: RunFacts[] };
    expect(silent.runs.map((run) => run.runId)).toContain('live-1');
  });

  it('lets a label from the labels API override it, by run id or trace id', async () => {
    const response = await fetch(`${base}/api/labels`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ run: trace, outcome: 'success', score: 0.9 }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 1, runsReassessed: 1 });
    const stored = await runOf('live-1', (run) => run.facts.outcomeStatus === 'success');
    expect(stored.facts.outcomeSource).toBe('labels API');
  });

  it('grades a run from a label that arrives while the run is being stored', async () => {
    // The label lands after the close read the labels and before it stored the run: neither the
    // close nor the label's lookup of stored runs sees the other. Hold the store's write to make
    // that window certain, then send the label inside it.
    const store = served.server.store;
    const putRuns = store.putRuns.bind(store);
    const lateTrace = '2a'.repeat(16);
    let inWindow!: () => void;
    const reachedWindow = new Promise<void>((resolve) => (inWindow = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    store.putRuns = async (runs) => {
      if (runs.some((run) => run.facts.traceId === lateTrace)) {
        inWindow();
        await released;
      }
      return putRuns(runs);
    };
    try {
      const lateRoot = span(lateTrace, '2b'.repeat(8), { name: 'invoke_agent', attributes: [text('gen_ai.operation.name', 'invoke_agent'), text('mimir.run.id', 'live-2'), text('mimir.run.claimed_status', 'success')] });
      expect((await postOtlp(`${base}/v1/traces`, exportOf(lateRoot))).status).toBe(200);
      await reachedWindow;
      const response = await fetch(`${base}/api/labels`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ run: 'live-2', outcome: 'failure' }) });
      expect(await response.json()).toEqual({ accepted: 1, runsReassessed: 0 });
      release();
      const stored = await runOf('live-2', (run) => run.facts.outcomeStatus === 'failure');
      expect(stored.facts.outcomeSource).toBe('labels API');
    } finally {
      release();
      store.putRuns = putRuns;
    }
  });

  it('refuses a label it cannot use, saying what it expected', async () => {
    const response = await fetch(`${base}/api/labels`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ run: 'live-1', outcome: 'passed' }]) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'label [0]: outcome is "passed"', expected: '"outcome": "success" or "failure"' });
  });
});

describe('who may talk to the server', () => {
  it('refuses a Host that is not its own (DNS rebinding) and a foreign Origin', async () => {
    const { request } = await import('node:http');
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${base}/api/health`, { headers }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status({ host: 'attacker.example:4318' })).toBe(403);
    expect(await status({ origin: 'http://attacker.example' })).toBe(403);
    expect(await status({ origin: base })).toBe(200);
  });

  it('refuses writes that a cross-site form could send (no JSON content type)', async () => {
    const form = await fetch(`${base}/api/labels`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'run=live-1&outcome=failure' });
    expect(form.status).toBe(415);
    const plain = await fetch(`${base}/v1/traces`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(plain.status).toBe(415);
  });

  it('needs its token on every request when it has one', async () => {
    const guarded = await startTestServer({ token: 's3cret-token' });
    try {
      expect((await fetch(`${guarded.server.url}/api/health`)).status).toBe(401);
      expect((await postOtlp(`${guarded.server.url}/v1/traces`, '{}')).status).toBe(401);
      expect((await fetch(`${guarded.server.url}/api/health`, { headers: { authorization: 'Bearer wrong-token!' } })).status).toBe(401);
      expect((await fetch(`${guarded.server.url}/api/health`, { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(200);
    } finally {
      await guarded.dispose();
    }
  });

  it('will not bind beyond loopback without a token (exit 2, says what to do)', async () => {
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, stdinIsTTY: false, env: {}, cwd: process.cwd() };
    expect(await main(['serve', '--host', '0.0.0.0', '--port', '0'], { io })).toBe(2);
    expect(stderr).toMatch(/needs a token/);
    expect(stderr).toMatch(/--token/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
