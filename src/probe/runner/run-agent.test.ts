import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentInvocation, AgentTarget } from '../types.js';
import { killAllAgentGroups, processState } from './process-group.js';
import { runAgent } from './run-agent.js';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/probe-agents/misbehaving');
const scratch = mkdtempSync(join(tmpdir(), 'mimir-runner-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function agent(script: string, args: readonly string[] = [], env: Record<string, string> = {}): AgentTarget {
  return { kind: 'command', command: [process.execPath, join(FIXTURES, script), ...args], cwd: scratch, env };
}

/** Unique to this test process: its agents (and their children) carry it in their environment. */
const RUN_ID = `runner-test-${process.pid}`;

function invocation(overrides: Partial<AgentInvocation> = {}): AgentInvocation {
  return { runId: RUN_ID, trial: 2, task: { goal: 'refund order 42' }, mcpUrl: 'http://127.0.0.1:9/mcp', resume: false, timeoutMs: 5000, ...overrides };
}

let readyCounter = 0;
function readyFile(): string {
  return join(scratch, `ready-${readyCounter++}`);
}

async function waitForFile(path: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path) || readFileSync(path, 'utf8') === '') {
    if (Date.now() > deadline) throw new Error(`${path} never appeared`);
    await sleep(10);
  }
  return readFileSync(path, 'utf8');
}

/** Running, as opposed to gone or a zombie waiting to be reaped by init. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const state = processState(pid);
  return state === undefined ? process.platform !== 'linux' : state.state !== 'Z' && state.state !== 'X';
}

/**
 * Processes this file's agents started that still run: there must be none after any test. Found by
 * the run id in their environment (children inherit it), so a concurrent test run is not counted.
 */
function leftovers(): string[] {
  if (process.platform !== 'linux') return [];
  const marker = `MIMIR_RUN_ID=${RUN_ID}\0`;
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').includes(marker) || !isRunning(Number(pid))) continue;
      found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

const sigintListeners = process.listenerCount('SIGINT');

afterEach(() => {
  expect(leftovers()).toEqual([]);
});

describe('runAgent (command)', () => {
  it('passes the task on stdin, in MIMIR_TASK and in {task}, with the contract variables, and reads the claim', async () => {
    const task = { goal: 'refund order 42', note: 'costs $& and $1 — ünïcödé' };
    const exit = await runAgent(
      agent('well-behaved.mjs', ['--task', '{task}', 'prefix:{task}'], { AGENT_CUSTOM: 'from mimir.yaml', MIMIR_RESUME: 'stale' }),
      invocation({ task, resume: true, mcpStdio: 'mimir proxy --stdio --run run-1', otlpEndpoint: 'http://127.0.0.1:4318' }),
    );
    const json = JSON.stringify(task);
    expect(exit).toMatchObject({ exitCode: 0, signal: null, timedOut: false, killed: false, outputTruncated: false });
    expect(exit.startError).toBeUndefined();
    expect(exit.claim.status).toBe('success');
    expect(exit.claim.summary).toBe('all done');
    expect(exit.claim.report?.seen).toEqual({
      stdin: task,
      env: task,
      argv: ['--task', json, `prefix:${json}`],
      runId: RUN_ID,
      trial: '2',
      resume: '1',
      timeoutMs: '5000',
      mcpUrl: 'http://127.0.0.1:9/mcp',
      mcpStdio: 'mimir proxy --stdio --run run-1',
      otlpEndpoint: 'http://127.0.0.1:4318',
      otlpProtocol: 'http/json',
      custom: 'from mimir.yaml',
    });
    expect(exit.stdoutBytes).toBeGreaterThan(100);
    expect(exit.durationMs).toBeGreaterThan(0);
  });

  it('never hands mimir’s own contract variables on, and sets MIMIR_RESUME only on a resume', async () => {
    const saved = { resume: process.env.MIMIR_RESUME, stdio: process.env.MIMIR_MCP_STDIO };
    process.env.MIMIR_RESUME = '1';
    process.env.MIMIR_MCP_STDIO = 'inherited';
    try {
      const exit = await runAgent(agent('well-behaved.mjs'), invocation());
      expect(exit.claim.report?.seen).toMatchObject({ resume: null, mcpStdio: null, otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? null });
    } finally {
      if (saved.resume === undefined) delete process.env.MIMIR_RESUME;
      else process.env.MIMIR_RESUME = saved.resume;
      if (saved.stdio === undefined) delete process.env.MIMIR_MCP_STDIO;
      else process.env.MIMIR_MCP_STDIO = saved.stdio;
    }
  });

  it('kills an agent that hangs when its time is up, with SIGTERM to the group', async () => {
    const exit = await runAgent(agent('hangs.mjs'), invocation({ timeoutMs: 400 }), { killGraceMs: 300 });
    expect(exit).toMatchObject({ timedOut: true, killed: false, exitCode: null, signal: 'SIGTERM', claim: { status: 'unknown' } });
    expect(exit.durationMs).toBeGreaterThanOrEqual(390);
    expect(exit.durationMs).toBeLessThan(2000);
  });

  it('stops at mimir’s deadline, not at the limit the agent is told, and records when it stopped it', async () => {
    const before = Date.now();
    const exit = await runAgent(agent('hangs.mjs'), invocation({ timeoutMs: 200, deadlineMs: 900 }), { killGraceMs: 300 });
    expect(exit).toMatchObject({ timedOut: true, killed: false, signal: 'SIGTERM' });
    expect(exit.durationMs).toBeGreaterThanOrEqual(890);
    const stoppedAt = Date.parse(exit.stoppedAt ?? '');
    expect(stoppedAt - before).toBeGreaterThanOrEqual(890);
    expect(stoppedAt).toBeLessThanOrEqual(Date.now());
    // An agent that ends by itself has no stop time.
    expect((await runAgent(agent('well-behaved.mjs'), invocation())).stoppedAt).toBeUndefined();
  });

  it('follows with SIGKILL after the grace period when the agent ignores SIGTERM', async () => {
    const ready = readyFile();
    const stop = new AbortController();
    const run = runAgent(agent('ignores-sigterm.mjs', [], { READY_FILE: ready }), invocation({ signal: stop.signal, timeoutMs: 20_000 }), { killGraceMs: 300 });
    await waitForFile(ready);
    const stoppedAt = performance.now();
    stop.abort();
    const exit = await run;
    expect(exit).toMatchObject({ killed: true, timedOut: false, exitCode: null, signal: 'SIGKILL' });
    expect(exit.stderrTail).toContain('ignoring SIGTERM');
    expect(performance.now() - stoppedAt).toBeGreaterThanOrEqual(290);
  });

  it('reaps a grandchild that ignores SIGTERM when the agent is stopped', async () => {
    const ready = readyFile();
    const stop = new AbortController();
    const run = runAgent(agent('spawns-grandchild.mjs', ['hang'], { READY_FILE: ready }), invocation({ signal: stop.signal, timeoutMs: 20_000 }), { killGraceMs: 300 });
    const grandchild = Number(await waitForFile(ready));
    expect(isRunning(grandchild)).toBe(true);
    stop.abort();
    const exit = await run;
    expect(exit).toMatchObject({ killed: true, signal: 'SIGTERM' });
    expect(exit.stderrTail).toContain(`grandchild ${grandchild}`);
    expect(isRunning(grandchild)).toBe(false);
  });

  it('reaps a grandchild left behind by an agent that exits by itself, and still reads its claim', async () => {
    const ready = readyFile();
    const exit = await runAgent(agent('spawns-grandchild.mjs', ['exit'], { READY_FILE: ready }), invocation({ timeoutMs: 20_000 }), { killGraceMs: 300 });
    const grandchild = Number(readFileSync(ready, 'utf8'));
    expect(exit).toMatchObject({ exitCode: 0, killed: false, timedOut: false, claim: { status: 'success', summary: 'left a grandchild behind' } });
    expect(isRunning(grandchild)).toBe(false);
  });

  it('ends children that left the agent’s session and ignore SIGTERM when the agent is stopped (one with an empty environment)', async () => {
    const ready = readyFile();
    const stop = new AbortController();
    const run = runAgent(agent('spawns-detached.mjs', ['hang'], { READY_FILE: ready }), invocation({ signal: stop.signal, timeoutMs: 20_000 }), { killGraceMs: 300 });
    const children = (await waitForFile(ready)).split(',').map(Number);
    expect(children).toHaveLength(2);
    for (const pid of children) {
      expect(isRunning(pid)).toBe(true);
      expect(processState(pid)?.pgrp).toBe(pid);
    }
    stop.abort();
    const exit = await run;
    expect(exit).toMatchObject({ killed: true, signal: 'SIGTERM' });
    for (const pid of children) expect(isRunning(pid), `detached child ${pid}`).toBe(false);
  });

  it('ends a detached child holding stdout that an agent exiting by itself left to init, and still reads the claim', async () => {
    const ready = readyFile();
    const exit = await runAgent(agent('spawns-detached.mjs', ['exit'], { READY_FILE: ready }), invocation({ timeoutMs: 20_000 }), { killGraceMs: 300 });
    const [child] = readFileSync(ready, 'utf8').split(',').map(Number);
    expect(exit).toMatchObject({ exitCode: 0, killed: false, timedOut: false, claim: { status: 'success', summary: 'left detached children behind' } });
    expect(isRunning(child!)).toBe(false);
  });

  it('counts a 50 MB flood of lines without holding it, and reads the claim printed last', async () => {
    const { exit, peak } = await measurePeakMemory(() => runAgent(agent('floods-stdout.mjs', ['lines']), invocation({ timeoutMs: 30_000 })));
    expect(exit).toMatchObject({ exitCode: 0, timedOut: false, outputTruncated: true, claim: { status: 'success', summary: 'flooded' } });
    expect(exit.stdoutBytes).toBeGreaterThan(50 * 1024 * 1024);
    expect(peak).toBeLessThan(40 * 1024 * 1024);
  });

  it('drops a 50 MB line unread, within the cap, and still reads the claim after it', async () => {
    const { exit, peak } = await measurePeakMemory(() => runAgent(agent('floods-stdout.mjs', ['one-line']), invocation({ timeoutMs: 30_000 }), { maxStdoutBytes: 64 * 1024 }));
    expect(exit).toMatchObject({ exitCode: 0, outputTruncated: true, claim: { status: 'success', summary: 'flooded' } });
    expect(exit.stdoutBytes).toBeGreaterThan(50 * 1024 * 1024);
    expect(peak).toBeLessThan(40 * 1024 * 1024);
  });

  it('reports an early exit with its code, no claim and its stderr, even when the agent never read a large task', async () => {
    const task = { documents: 'z'.repeat(100_000) };
    const exit = await runAgent(agent('exits-early.mjs'), invocation({ task }));
    expect(exit).toMatchObject({ exitCode: 3, signal: null, timedOut: false, killed: false, claim: { status: 'unknown' }, stdoutBytes: 0 });
    expect(exit.stderrTail).toBe('boom: could not reach the model\n');
    expect(exit.startError).toBeUndefined();
  });

  it('takes the last valid claim line after any amount of junk', async () => {
    const exit = await runAgent(agent('junk-then-claim.mjs'), invocation());
    expect(exit.claim).toEqual({ status: 'escalated', summary: 'needs a human', report: { ticket: 'T-1', steps: 4 } });
  });

  it('keeps the claim when junk follows it', async () => {
    const exit = await runAgent(agent('claim-then-junk.mjs'), invocation());
    expect(exit.claim).toEqual({ status: 'failure', summary: 'the refund tool is down', report: { report: { tried: 3 } } });
  });

  it('keeps only the last 4 KiB of stderr', async () => {
    const target: AgentTarget = { kind: 'command', command: [process.execPath, '-e', "process.stderr.write('a'.repeat(10000) + 'THE END')"], cwd: scratch };
    const exit = await runAgent(target, invocation());
    expect(exit.stderrTail).toHaveLength(4096);
    expect(exit.stderrTail.endsWith('THE END')).toBe(true);
  });

  it('reports a command that cannot start as a start error, never a throw', async () => {
    const missing = await runAgent({ kind: 'command', command: ['mimir-no-such-agent-binary'], cwd: scratch }, invocation());
    expect(missing).toMatchObject({ startError: 'command not found: mimir-no-such-agent-binary (not on PATH)', exitCode: null, claim: { status: 'unknown' } });

    const script = join(scratch, 'not-executable.sh');
    writeFileSync(script, '#!/bin/sh\necho hi\n');
    chmodSync(script, 0o644);
    const denied = await runAgent({ kind: 'command', command: [script], cwd: scratch }, invocation());
    expect(denied.startError).toBe(`permission denied: ${script} is not executable`);

    const noCwd = await runAgent({ kind: 'command', command: [process.execPath], cwd: join(scratch, 'nowhere') }, invocation());
    expect(noCwd.startError).toBe(`the working directory ${join(scratch, 'nowhere')} does not exist`);

    const empty = await runAgent({ kind: 'command', command: [], cwd: scratch }, invocation());
    expect(empty.startError).toBe('the agent command is empty');

    if (process.platform === 'linux') {
      const huge = await runAgent(agent('well-behaved.mjs'), invocation({ task: { blob: 'b'.repeat(200_000) } }));
      expect(huge.startError).toMatch(/^the task \(200\d\d\d bytes of JSON\) is too large for MIMIR_TASK and the command line \(E2BIG\)/);
    }
  });

  it('lets a caller shutting down kill every running agent group at once', async () => {
    const ready = readyFile();
    const run = runAgent(agent('spawns-grandchild.mjs', ['hang'], { READY_FILE: ready }), invocation({ timeoutMs: 20_000 }), { killGraceMs: 5000 });
    const grandchild = Number(await waitForFile(ready));
    killAllAgentGroups();
    const exit = await run;
    expect(exit).toMatchObject({ signal: 'SIGKILL', killed: false, timedOut: false });
    expect(exit.durationMs).toBeLessThan(5000);
    expect(isRunning(grandchild)).toBe(false);
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners);
  });

  it('does not start an agent whose stop signal has already fired', async () => {
    const stop = new AbortController();
    stop.abort();
    const exit = await runAgent(agent('well-behaved.mjs'), invocation({ signal: stop.signal }));
    expect(exit).toMatchObject({ killed: true, stdoutBytes: 0, durationMs: 0 });
  });
});

describe('runAgent (http)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (!server) return;
    server.closeAllConnections();
    await new Promise((done) => server?.close(done));
    server = undefined;
  });

  async function serve(handler: (request: IncomingMessage, body: string, response: ServerResponse) => void): Promise<string> {
    server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        handler(request, body, response);
      });
    });
    await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/agent`;
  }

  it('POSTs the contract fields and reads the claim from the last line of the body', async () => {
    let received: { body: unknown; auth: string | undefined } | undefined;
    const answer = 'working\n{"status":"success","summary":"refunded","orderId":42}\n';
    const url = await serve((request, body, response) => {
      received = { body: JSON.parse(body), auth: request.headers.authorization };
      response.end(answer);
    });
    const exit = await runAgent({ kind: 'http', url, headers: { authorization: 'Bearer t' } }, invocation({ resume: true, otlpEndpoint: 'http://127.0.0.1:4318' }));
    expect(received).toEqual({
      body: { task: { goal: 'refund order 42' }, runId: RUN_ID, trial: 2, resume: true, mcpUrl: 'http://127.0.0.1:9/mcp', otlpEndpoint: 'http://127.0.0.1:4318', timeoutMs: 5000 },
      auth: 'Bearer t',
    });
    expect(exit).toMatchObject({ exitCode: 0, signal: null, timedOut: false, claim: { status: 'success', summary: 'refunded', report: { orderId: 42 } } });
    expect(exit.stdoutBytes).toBe(Buffer.byteLength(answer));
  });

  it('reads a pretty-printed JSON body as the claim', async () => {
    const url = await serve((_request, _body, response) => {
      response.end(JSON.stringify({ status: 'failure', summary: 'tool down' }, null, 2));
    });
    const exit = await runAgent({ kind: 'http', url }, invocation());
    expect(exit.claim).toEqual({ status: 'failure', summary: 'tool down' });
  });

  it('reports an error status as the exit code and in stderrTail', async () => {
    const url = await serve((_request, _body, response) => {
      response.statusCode = 500;
      response.end('internal error');
    });
    const exit = await runAgent({ kind: 'http', url }, invocation());
    expect(exit).toMatchObject({ exitCode: 500, stderrTail: 'HTTP 500 Internal Server Error', claim: { status: 'unknown' } });
  });

  it('times out an agent that never answers, and stops one when told to', async () => {
    const url = await serve(() => {
      // never answers
    });
    const timedOut = await runAgent({ kind: 'http', url }, invocation({ timeoutMs: 300 }));
    expect(timedOut).toMatchObject({ timedOut: true, killed: false, exitCode: null });
    expect(timedOut.startError).toBeUndefined();
    const stop = new AbortController();
    setTimeout(() => {
      stop.abort();
    }, 100);
    const killed = await runAgent({ kind: 'http', url }, invocation({ signal: stop.signal }));
    expect(killed).toMatchObject({ timedOut: false, killed: true, exitCode: null });
  });

  it('stops reading a body that never ends when the time is up, keeping what it read', async () => {
    const url = await serve((_request, _body, response) => {
      response.write('{"status":"escalated"}\n');
    });
    const exit = await runAgent({ kind: 'http', url }, invocation({ timeoutMs: 300 }));
    expect(exit).toMatchObject({ timedOut: true, exitCode: null, claim: { status: 'escalated' } });
  });

  it('reports a refused connection as a start error', async () => {
    const url = await serve(() => undefined);
    server?.close();
    server = undefined;
    await sleep(20);
    const exit = await runAgent({ kind: 'http', url }, invocation());
    expect(exit.startError).toBe(`connection refused: ${url}`);
    expect(exit.claim.status).toBe('unknown');
  });
});

/** Runs `work` while sampling this process's heap and buffers; returns the growth at the peak. */
async function measurePeakMemory<T>(work: () => Promise<T>): Promise<{ exit: T; peak: number }> {
  const used = (): number => {
    const memory = process.memoryUsage();
    return memory.heapUsed + memory.arrayBuffers;
  };
  const base = used();
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, used() - base);
  }, 5);
  try {
    const exit = await work();
    peak = Math.max(peak, used() - base);
    return { exit, peak };
  } finally {
    clearInterval(sampler);
  }
}
