import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

/**
 * Starting the back-office example server and the probe agent as real processes, on 127.0.0.1
 * only, and making sure none outlives the test file (`stopAll` in an afterAll).
 */

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const SERVER = join(ROOT, 'examples', 'back-office', 'server', 'back-office-server.mjs');
export const AGENT = join(ROOT, 'test', 'fixtures', 'probe-agent', 'agent.mjs');

const children = new Set<ChildProcess>();
/** Run ids given to agents, whose checkpoint files (careful mode) are removed at the end. */
const runIds = new Set<string>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Kills whatever this file started and is still running, and removes the agents' checkpoint files. */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => stop(child)));
  for (const id of runIds) rmSync(join(tmpdir(), 'mimir-probe-agent', `${id}.json`), { force: true });
  runIds.clear();
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  child.kill('SIGKILL');
  await exited;
}

export interface RunningServer {
  /** The MCP endpoint, http://127.0.0.1:<port>/mcp. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the back-office server with `--http 0` and waits for the port it announces. */
export async function startBackOffice(args: readonly string[] = []): Promise<RunningServer> {
  const child = track(spawn(process.execPath, [SERVER, '--http', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] }));
  const url = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => { reject(new Error(`back-office server exited (${String(code)}): ${stderr}`)); });
  });
  return { url, stop: () => stop(child) };
}

export interface AgentClaim {
  readonly status: 'success' | 'failure' | 'escalated';
  readonly summary: string;
  readonly [field: string]: unknown;
}

export interface AgentRun {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The last line of stdout, parsed; undefined when there is none (e.g. killed). */
  readonly claim: AgentClaim | undefined;
}

export interface AgentOptions {
  readonly mode: 'careful' | 'naive';
  readonly task: unknown;
  readonly url: string;
  readonly runId?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Kill the agent (SIGKILL) once this resolves; the run then ends without a claim. */
  readonly killWhen?: Promise<unknown>;
  /** Kill it after this long, in ms (a safety net for agents that wait forever). */
  readonly killAfterMs?: number;
}

let runCounter = 0;

/** Runs the probe agent once, the way mimir would: env per the agent contract, the claim on stdout. */
export async function runAgent(options: AgentOptions): Promise<AgentRun> {
  const runId = options.runId ?? `test-${String(process.pid)}-${String(Date.now())}-${String(++runCounter)}`;
  runIds.add(runId);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('MIMIR_') && !key.startsWith('PROBE_AGENT_')) env[key] = value;
  Object.assign(env, {
    MIMIR_MCP_URL: options.url,
    MIMIR_TASK: JSON.stringify(options.task),
    MIMIR_RUN_ID: runId,
    MIMIR_TRIAL: '1',
    PROBE_AGENT_MODE: options.mode,
    // The careful agent's 2 s per-call timeout is tight for a loaded CI machine running many agents
    // at once; tests that exercise the timeout set their own.
    PROBE_AGENT_TIMEOUT_MS: '10000',
    ...options.env,
  });
  const child = track(spawn(process.execPath, [AGENT], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<[number | null, string | null]>((resolve) => child.once('close', (code, signal) => { resolve([code, signal]); }));
  void options.killWhen?.then(() => stop(child));
  const timer = options.killAfterMs === undefined ? undefined : setTimeout(() => void stop(child), options.killAfterMs);
  const [code, signal] = await exited;
  clearTimeout(timer);
  const last = stdout.trimEnd().split('\n').at(-1);
  return { code, signal, stdout, stderr, claim: last ? (JSON.parse(last) as AgentClaim) : undefined };
}

// ─── The world, as the verifier sees it ──────────────────────────────────────────────────────────

export interface Refund { refund_id: string; order_id: string; amount_cents: number; reason: string; idempotency_key: string | null }
export interface Email { message_id: string; to: string; subject: string; idempotency_key: string | null }
export interface Deletion { kind: 'customer' | 'order'; id: string }
export interface Order { order_id: string; customer_id: string; status: string; amount_cents: number; refunded_cents: number; customer_email: string | null }
export interface World {
  customers: { customer_id: string; email: string }[];
  orders: Order[];
  refunds: Refund[];
  emails: Email[];
  deleted: Deletion[];
}

/** The server's whole state, read through `inspect_state`. */
export async function inspectWorld(url: string): Promise<World> {
  const client = new Client({ name: 'verifier', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  try {
    const result = await client.callTool({ name: 'inspect_state', arguments: {} });
    return result.structuredContent as World;
  } finally {
    await client.close();
  }
}
