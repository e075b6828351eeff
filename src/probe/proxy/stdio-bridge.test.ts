import { PassThrough } from 'node:stream';
import type { Readable, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, ProtocolError, ReadBuffer, serializeMessage } from '@modelcontextprotocol/client';
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { APPROVAL_TOOL_NAME } from '../../model/index.js';
import { bridgeStdioToProxy } from './stdio-bridge.js';
import type { StdioBridge } from './stdio-bridge.js';
import { callRaw, ProxyHarness, textOf } from './test-support/proxy-harness.js';

/** The agent's side of a stdio connection: newline-delimited JSON-RPC over a pair of streams. */
class StreamPairTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  private readonly buffer = new ReadBuffer();

  constructor(
    private readonly toBridge: Writable,
    private readonly fromBridge: Readable,
  ) {}

  start(): Promise<void> {
    this.fromBridge.on('data', (chunk: Buffer) => {
      this.buffer.append(chunk);
      for (let message = this.buffer.readMessage(); message !== null; message = this.buffer.readMessage()) this.onmessage?.(message);
    });
    return Promise.resolve();
  }

  send(message: JSONRPCMessage): Promise<void> {
    this.toBridge.write(serializeMessage(message));
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.toBridge.end();
    this.onclose?.();
    return Promise.resolve();
  }
}

const harness = new ProxyHarness();
const bridges: StdioBridge[] = [];
afterEach(async () => {
  await Promise.all(bridges.splice(0).map((bridge) => bridge.close()));
  await harness.cleanup();
});

async function stdioAgent(url: string): Promise<{ client: Client; bridge: StdioBridge; stdin: PassThrough }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const bridge = await bridgeStdioToProxy(url, stdin, stdout);
  bridges.push(bridge);
  const client = new Client({ name: 'stdio-agent', version: '1.0.0' });
  await client.connect(new StreamPairTransport(stdin, stdout));
  return { client, bridge, stdin };
}

describe('bridgeStdioToProxy', () => {
  it('relays an stdio agent to the proxy: same tools, same faults, same ledger', async () => {
    const { proxy, ledger } = await harness.start({ faults: [{ tool: 'echo', kind: 'error', calls: [1] }] });
    const { client } = await stdioAgent(proxy.url);
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['get_order', 'issue_refund', APPROVAL_TOOL_NAME]));
    expect((await callRaw(client, 'echo', { text: 'one' })).isError).toBe(true);
    expect(textOf(await callRaw(client, 'echo', { text: 'two' }))).toBe('two');
    const refund = await client.callTool({ name: 'issue_refund', arguments: { order_id: 'ORD-1001', amount: 2 } });
    expect(refund.structuredContent).toMatchObject({ status: 'issued' });
    expect(ledger.entries.map((entry) => [entry.tool, entry.disposition, entry.fault?.kind])).toEqual([
      ['echo', 'faulted', 'error'],
      ['echo', 'forwarded', undefined],
      ['issue_refund', 'simulated', undefined],
    ]);
  });

  it('passes JSON-RPC errors back to the agent', async () => {
    const { proxy } = await harness.start({ faults: [{ tool: 'echo', kind: 'protocol-error' }] });
    const { client } = await stdioAgent(proxy.url);
    const error = await callRaw(client, 'echo', { text: 'x' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe(-32603);
  });

  it('ends when the agent closes stdin', async () => {
    const { proxy } = await harness.start();
    const { client, bridge, stdin } = await stdioAgent(proxy.url);
    await callRaw(client, 'echo', { text: 'x' });
    stdin.end();
    await bridge.done;
  });

  it('answers requests with an error when the proxy cannot be reached', async () => {
    const { proxy } = await harness.start();
    const url = proxy.url;
    await proxy.close();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const errors: Error[] = [];
    const bridge = await bridgeStdioToProxy(url, stdin, stdout, { onError: (error) => errors.push(error) });
    bridges.push(bridge);
    const client = new Client({ name: 'stdio-agent', version: '1.0.0' });
    await expect(client.connect(new StreamPairTransport(stdin, stdout))).rejects.toThrow(/MCP proxy unreachable/);
    expect(errors.map((error) => error.message).join('\n')).toMatch(/could not reach the MCP proxy/);
  });
});
