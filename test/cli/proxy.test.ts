import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { verifyLedger } from '../../src/probe/ledger/verify-ledger.js';
import { tempProject } from '../support/run-cli.js';

/**
 * `mimir proxy` as a user runs it: a real process on 127.0.0.1 in front of the back-office example
 * server, reached by an stdio-only client through `mimir proxy --connect` (what MIMIR_MCP_STDIO
 * names), stopped with SIGTERM — and every call is in a verifiable ledger afterwards.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mimir.js');
const SERVER = join(ROOT, 'examples', 'back-office', 'server', 'back-office-server.mjs');

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function project(): string {
  return tempProject({
    'mimir.yaml': `version: 1
system: { name: proxy test }
tools:
  - { name: get_order, risk: read-only }
  - { name: issue_refund, risk: money }
probes:
  agent: { command: [node, agent.mjs] }
  servers: [{ name: back-office, command: [node, ${JSON.stringify(SERVER)}] }]
  tasks: [{ id: t, task: {} }]
  scenarios: scenarios.yaml
`,
    'scenarios.yaml': `version: 1
scenarios:
  - id: orders-down
    title: get_order is down
    task: {}
    faults: [{ tool: get_order, kind: persistent }]
    expect: { claimIn: [failure, escalated] }
`,
  });
}

async function startProxyProcess(dir: string, args: readonly string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'proxy', '--port', '0', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => {
      reject(new Error(`mimir proxy exited with ${String(code)}`));
    });
  });
  return { child, url };
}

async function stdioClient(url: string): Promise<Client> {
  const client = new Client({ name: 'stdio-only agent', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'proxy', '--connect', url], stderr: 'pipe' }));
  return client;
}

describe('mimir proxy', () => {
  it('serves the upstream tools on 127.0.0.1 to an stdio client, simulates high-risk calls and records them', async () => {
    const dir = project();
    const { child, url } = await startProxyProcess(dir, []);
    const client = await stdioClient(url);
    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    expect(tools).toEqual(expect.arrayContaining(['get_order', 'issue_refund', 'request_approval']));

    const order = await client.callTool({ name: 'get_order', arguments: { order_id: 'o-1001' } });
    expect(order.isError).not.toBe(true);
    const refund = await client.callTool({ name: 'issue_refund', arguments: { order_id: 'o-1001', amount_cents: 100, reason: 'test' } });
    expect(JSON.stringify(refund.structuredContent)).toContain('sim-');
    await client.close();

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const ledger = await verifyLedger(join(dir, '.mimir', 'probes', 'proxy-ledger.jsonl'));
    expect(ledger.ok).toBe(true);
    expect(ledger.entries).toBe(2);
  }, 30_000);

  it('applies the faults of the scenario named with --scenario', async () => {
    const dir = project();
    const { child, url } = await startProxyProcess(dir, ['--scenario', 'orders-down']);
    const client = await stdioClient(url);
    const order = await client.callTool({ name: 'get_order', arguments: { order_id: 'o-1001' } });
    expect(order.isError).toBe(true);
    await client.close();
    child.kill('SIGTERM');
  }, 30_000);

  it('refuses an unknown scenario with a suggestion and exit code 2', async () => {
    const dir = project();
    const child = spawn(process.execPath, [BIN, 'proxy', '--scenario', 'orders-dwn'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('did you mean "orders-down"');
  }, 30_000);
});
