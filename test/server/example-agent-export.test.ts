import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/audit/load-config.js';
import { runCli, tempProject } from '../support/run-cli.js';
import { eventually, getJson, startTestServer } from './support.js';

/**
 * A real agent's own exporter: the example back-office agents (Vercel AI SDK, examples/agents) run
 * as processes with OTEL_EXPORTER_OTLP_ENDPOINT pointed at mimir serve on loopback, exporting
 * OTLP/HTTP JSON after every step as they do in production. A recording relay in front of the
 * server keeps every request body it forwards, one per line, which is an OTLP JSON Lines file:
 * `mimir traces` on that file must give the figures the server's API gives for the same runs.
 * (The SDK's own JSON and protobuf exporters are covered in serve-e2e.test.ts.)
 */
const ROOT = join(import.meta.dirname, '..', '..');
const AGENTS = join(ROOT, 'examples', 'agents');
const CONFIG = join(AGENTS, 'naive', 'mimir.yaml');
const RUNS = [
  { build: 'naive', runId: 'export-naive-refund', task: { id: 'refund-o1002', kind: 'refund', order_id: 'o-1002', reason: 'arrived broken', notify: true } },
  { build: 'hardened', runId: 'export-hardened-refund', task: { id: 'refund-o1002', kind: 'refund', order_id: 'o-1002', reason: 'arrived broken', notify: true } },
  { build: 'naive', runId: 'export-naive-close', task: { id: 'close-c005', kind: 'close-account', email: 'edsger@example.com', confirm_by_email: true } },
] as const;

let served: Awaited<ReturnType<typeof startTestServer>>;
let relay: Server;
let recorded: string;
let requests = 0;

beforeAll(async () => {
  const config = await loadConfig(CONFIG);
  served = await startTestServer({ readOptions: config.traces!.readOptions });
  const scratch = tempProject({});
  recorded = join(scratch, 'exported.otlp.jsonl');
  relay = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      appendFileSync(recorded, `${body.toString('utf8')}\n`);
      requests++;
      fetch(`${served.server.url}${request.url ?? '/'}`, { method: 'POST', headers: { 'content-type': request.headers['content-type'] ?? 'application/json' }, body })
        .then(async (answer) => {
          response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(await answer.text());
        })
        .catch((error: unknown) => {
          response.writeHead(502).end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const address = relay.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  // The hardened agent's journal goes under TMPDIR, the scratch directory removed with the test. One after another: the file then lists the runs in the order they started, the order the server reads a window in.
  for (const run of RUNS) {
    const claim = await runAgent(join(AGENTS, run.build, 'agent.mjs'), { MIMIR_TASK: JSON.stringify(run.task), MIMIR_RUN_ID: run.runId, MIMIR_TRIAL: '1', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, TMPDIR: scratch });
    expect(claim).toMatch(/"status":/);
  }
  await eventually(async () => ((await served.server.store.counts()).runs === RUNS.length && served.server.liveRuns.openCount === 0 ? true : undefined), 20_000, 'every run to close');
}, 90_000);

afterAll(async () => {
  relay.close();
  await served.dispose();
}, 15_000);

function runAgent(script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(stdout.trim().split('\n').at(-1) ?? '');
      else reject(new Error(`${script} exited ${String(code)}: ${stderr}`));
    });
  });
}

/** Run references name the file they came from; the server's name no file. */
function withoutPlaces(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPlaces);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'file' && key !== 'line').map(([key, item]) => [key, withoutPlaces(item)]));
}

describe("the example agents' own OTLP exporter, sending to mimir serve", () => {
  it('exports every step as it happens, and the server assembles each run once', async () => {
    expect(requests).toBeGreaterThan(RUNS.length);
    const { body } = await getJson(`${served.server.url}/api/runs?limit=100`);
    const runs = (body as { runs: { runId: string; service: string; tools: string[] }[] }).runs;
    expect(runs.map((run) => run.runId).sort()).toEqual(RUNS.map((run) => run.runId).sort());
    expect(new Set(runs.map((run) => run.service))).toEqual(new Set(['back-office-naive', 'back-office-hardened']));
    expect(runs.find((run) => run.runId === 'export-naive-refund')?.tools).toContain('issue_refund');
  });

  it('gives the figures mimir traces gives on the exported requests', async () => {
    const cli = await runCli(['traces', recorded, '-c', CONFIG, '--format', 'json']);
    expect(cli.code, cli.stderr).toBe(0);
    const fromFile = JSON.parse(cli.stdout) as {
      runs: number;
      analyses: { oversight: { highRiskCalls: number; unapproved: { count: number } }; reliability: { byTool: Record<string, { successes: number; trials: number }> } };
    };
    expect(fromFile.runs).toBe(RUNS.length);
    const { status, body } = await getJson(`${served.server.url}/api/figures?window=1h`);
    expect(status).toBe(200);
    const fromServer = body as { runs: number; analyses: unknown };
    expect(fromServer.runs).toBe(RUNS.length);
    expect(withoutPlaces(fromServer.analyses)).toEqual(withoutPlaces(fromFile.analyses));
    // Not two empty analyses: the naive runs' refund, email and deletion went unapproved.
    expect(fromFile.analyses.oversight.highRiskCalls).toBeGreaterThan(0);
    expect(fromFile.analyses.oversight.unapproved.count).toBeGreaterThan(0);
    // The span table counts the Vercel AI SDK's tool-call spans as the readers do: per-tool calls and
    // errors from one SQL scan equal the analyses' per-tool tallies.
    const tools = (await getJson(`${served.server.url}/api/tools?window=1h`)).body as { tools: { tool: string; calls: number; errors: number }[] };
    const fromSpans = Object.fromEntries(tools.tools.map((tool) => [tool.tool, { trials: tool.calls, successes: tool.calls - tool.errors }]));
    const fromRuns = Object.fromEntries(Object.entries(fromFile.analyses.reliability.byTool).map(([tool, rate]) => [tool, { trials: rate.trials, successes: rate.successes }]));
    expect(Object.keys(fromSpans).length).toBeGreaterThan(0);
    expect(fromSpans).toEqual(fromRuns);
  });
});
