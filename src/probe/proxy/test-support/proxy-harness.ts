import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { canonicalJson, sha256 } from '../../../shared/hash.js';
import type { RiskClass } from '../../../model/system.js';
import { GENESIS_HASH } from '../../types.js';
import type { LedgerEntry, LedgerRecord, LedgerSink } from '../../types.js';
import { startProxy } from '../mcp-proxy.js';
import type { ProxyConfig, RunningProxy, UpstreamSpec } from '../mcp-proxy.js';

/** The tiny MCP server the proxy tests run behind the proxy. */
export const UPSTREAM_FIXTURE = fileURLToPath(new URL('../../../../test/fixtures/mcp-upstream/test-upstream.mjs', import.meta.url));

export const FIXTURE_RISKS: Readonly<Record<string, RiskClass>> = {
  get_order: 'read-only',
  echo: 'read-only',
  get_refunds: 'read-only',
  ask_manager: 'read-only',
  issue_refund: 'money',
  crash: 'read-only',
};

export function stdioUpstream(name = 'shop', args: readonly string[] = [], env?: Record<string, string>): UpstreamSpec {
  return { name, command: [process.execPath, UPSTREAM_FIXTURE, ...args], ...(env && { env }) };
}

/** An in-memory ledger with the same hash chain as the file ledger, so tests read what a verifier would. */
export function memoryLedger(): LedgerSink & { readonly entries: LedgerEntry[] } {
  const entries: LedgerEntry[] = [];
  return {
    entries,
    append(record: LedgerRecord): Promise<LedgerEntry> {
      const prev = entries.at(-1)?.hash ?? GENESIS_HASH;
      const unhashed = { ...record, seq: entries.length, prev };
      const entry: LedgerEntry = { ...unhashed, hash: sha256(prev + canonicalJson(unhashed)) };
      entries.push(entry);
      return Promise.resolve(entry);
    },
  };
}

/** Raw tools/call: what the agent receives, without the SDK client's own output-schema check. */
export function callRaw(client: Client, name: string, args: Record<string, unknown> = {}, options: { signal?: AbortSignal } = {}): Promise<CallToolResult> {
  return client.request({ method: 'tools/call', params: { name, arguments: args } }, options);
}

export function textOf(result: CallToolResult): string {
  return result.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

export async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Starts proxies and agent clients for a test and closes them all afterwards. */
export class ProxyHarness {
  private readonly proxies: RunningProxy[] = [];
  private readonly clients: Client[] = [];
  private readonly processes: ChildProcess[] = [];
  readonly errors: Error[] = [];

  async start(overrides: Partial<ProxyConfig> = {}): Promise<{ proxy: RunningProxy; ledger: ReturnType<typeof memoryLedger> }> {
    const ledger = memoryLedger();
    const proxy = await startProxy({
      upstreams: [stdioUpstream()],
      riskOf: (tool) => FIXTURE_RISKS[tool],
      allowSideEffects: false,
      ledger,
      run: { runId: 'run-1', scenarioId: 'scenario-1', trial: 1 },
      faults: [],
      seed: 1,
      approvals: 'approve',
      onError: (error) => this.errors.push(error),
      ...overrides,
    });
    this.proxies.push(proxy);
    return { proxy, ledger };
  }

  /** An agent: the SDK client over Streamable HTTP. */
  async connect(url: string): Promise<Client> {
    const client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    this.clients.push(client);
    return client;
  }

  /** The fixture upstream serving Streamable HTTP on 127.0.0.1; `kill` ends it abruptly. */
  async httpUpstream(): Promise<{ url: string; kill: () => Promise<void> }> {
    const child = spawn(process.execPath, [UPSTREAM_FIXTURE, '--http', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.processes.push(child);
    const line = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      createInterface({ input: child.stdout }).once('line', resolve);
    });
    const kill = (): Promise<void> =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        child.kill('SIGKILL');
      });
    return { url: (JSON.parse(line) as { url: string }).url, kill };
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.close().catch(() => undefined)));
    await Promise.all(this.proxies.splice(0).map((proxy) => proxy.close()));
    await Promise.all(
      this.processes.splice(0).map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            child.once('exit', () => {
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
