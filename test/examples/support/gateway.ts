import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Server, createMcpHandler, type CallToolResult, type Tool } from '@modelcontextprotocol/server';
import { toNodeHandler, type NodeIncomingMessageLike } from '@modelcontextprotocol/node';

/**
 * A tiny stand-in for mimir's MCP proxy, for testing the probe agent fixture on its own: it sits
 * between the agent and the back-office server, adds the `request_approval` tool (answered as told),
 * applies a few faults, and records every call in order. Deliberately minimal — the real proxy,
 * ledger and fault plans live in src/probe; this only gives the agent's behaviours something to
 * meet in these tests.
 */

export type Fault =
  | { readonly kind: 'error'; /** fail only the first N calls (flapping); absent: every call */ readonly times?: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'truncated' }
  | { readonly kind: 'injection'; readonly payload: string };

export interface GatewayOptions {
  /** The back-office server's MCP URL. */
  readonly upstream: string;
  /** How request_approval answers; 'none' leaves the tool out altogether. Default 'approve'. */
  readonly approval?: 'approve' | 'deny' | 'timeout' | 'none';
  readonly faults?: Readonly<Record<string, Fault>>;
}

export interface GatewayCall {
  readonly tool: string;
  readonly arguments: Record<string, unknown>;
  readonly disposition: 'forwarded' | 'faulted' | 'approval';
  readonly fault?: Fault['kind'];
  /** For approvals: what was asked and answered. */
  readonly approval?: { readonly tool: unknown; readonly arguments: unknown; readonly decision: string };
}

export interface Gateway {
  readonly url: string;
  /** Every call, in the order it arrived (approvals included). */
  readonly calls: GatewayCall[];
  /** Resolves when a call to `tool` has been answered `count` times (forwarded or faulted). */
  answered(tool: string, count?: number): Promise<void>;
  close(): Promise<void>;
}

const APPROVAL_TOOL: Tool = {
  name: 'request_approval',
  description: 'Ask a human to approve a high-risk tool call before making it.',
  inputSchema: {
    type: 'object',
    properties: { tool: { type: 'string' }, arguments: { type: 'object' }, reason: { type: 'string' } },
    required: ['tool', 'arguments'],
  },
};

const DECISIONS = { approve: 'approved', deny: 'denied', timeout: 'timeout' } as const;

const textResult = (text: string, isError = false): CallToolResult => ({ content: [{ type: 'text', text }], ...(isError ? { isError } : {}) });

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const approval = options.approval ?? 'approve';
  const upstream = new Client({ name: 'test-gateway', version: '1.0.0' });
  await upstream.connect(new StreamableHTTPClientTransport(new URL(options.upstream)));
  const { tools } = await upstream.listTools();
  const calls: GatewayCall[] = [];
  const counts = new Map<string, number>();
  const hanging = new Set<() => void>();
  const waiters: { tool: string; count: number; resolve: () => void }[] = [];

  const record = (call: GatewayCall) => {
    calls.push(call);
    const done = calls.filter((c) => c.tool === call.tool && c.disposition !== 'approval').length;
    for (const waiter of waiters.filter((w) => w.tool === call.tool && w.count <= done)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  async function handleCall(tool: string, args: Record<string, unknown>): Promise<CallToolResult> {
    if (tool === APPROVAL_TOOL.name && approval !== 'none') {
      const decision = DECISIONS[approval];
      calls.push({ tool, arguments: args, disposition: 'approval', approval: { tool: args.tool, arguments: args.arguments, decision } });
      const answer = { decision, approval_id: `ap-${String(calls.length)}` };
      return { ...textResult(JSON.stringify(answer)), structuredContent: answer };
    }
    const n = (counts.get(tool) ?? 0) + 1;
    counts.set(tool, n);
    const fault = options.faults?.[tool];
    const applies = fault !== undefined && !(fault.kind === 'error' && fault.times !== undefined && n > fault.times);
    if (!applies) {
      const result = await upstream.callTool({ name: tool, arguments: args });
      record({ tool, arguments: args, disposition: 'forwarded' });
      return result;
    }
    switch (fault.kind) {
      case 'error':
        record({ tool, arguments: args, disposition: 'faulted', fault: 'error' });
        return textResult('Error: 503 service unavailable (injected)', true);
      case 'hang':
        calls.push({ tool, arguments: args, disposition: 'faulted', fault: 'hang' });
        await new Promise<void>((resolve) => hanging.add(resolve)); // until the gateway closes
        return textResult('Error: gateway closed', true);
      case 'malformed': {
        record({ tool, arguments: args, disposition: 'faulted', fault: 'malformed' });
        const junk = { order_id: 42, status: 'teleported' };
        return { ...textResult(JSON.stringify(junk)), structuredContent: junk };
      }
      case 'empty':
        record({ tool, arguments: args, disposition: 'faulted', fault: 'empty' });
        return { content: [] };
      case 'truncated': {
        // Half the text, and every list in the structured content cut to half: a list that looks shorter.
        const result = await upstream.callTool({ name: tool, arguments: args });
        record({ tool, arguments: args, disposition: 'forwarded', fault: 'truncated' });
        const halve = (value: unknown): unknown => Array.isArray(value)
          ? value.slice(0, Math.floor(value.length / 2)).map(halve)
          : typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, halve(v)])) : value;
        const content = result.content.map((c) => (c.type === 'text' ? { ...c, text: c.text.slice(0, Math.floor(c.text.length / 2)) } : c));
        return { ...result, content, structuredContent: halve(result.structuredContent) };
      }
      case 'injection': {
        // The real answer, with the payload appended to its text: what a poisoned record looks like.
        const result = await upstream.callTool({ name: tool, arguments: args });
        record({ tool, arguments: args, disposition: 'forwarded', fault: 'injection' });
        const content = result.content.map((c, i) => (i === 0 && c.type === 'text' ? { ...c, text: `${c.text}\n\n${fault.payload}` } : c));
        return { ...result, content };
      }
    }
  }

  const handler = createMcpHandler(() => {
    // A pass-through needs the low-level Server: it relays tool definitions and results as they are.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const server = new Server({ name: 'test-gateway', version: '1.0.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler('tools/list', () => ({ tools: approval === 'none' ? tools : [...tools, APPROVAL_TOOL] }));
    server.setRequestHandler('tools/call', (request) => handleCall(request.params.name, request.params.arguments ?? {}));
    return server;
  });
  const handle = toNodeHandler(handler);
  // (The SDK's duck type says `method?: string`, Node's `method: string | undefined`: the same thing
  // except under exactOptionalPropertyTypes.)
  const http = createServer((req, res) => void handle(req as NodeIncomingMessageLike, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${String(port)}/mcp`,
    calls,
    answered: (tool, count = 1) => new Promise<void>((resolve) => {
      const done = calls.filter((c) => c.tool === tool && c.disposition !== 'approval').length;
      if (done >= count) resolve();
      else waiters.push({ tool, count, resolve });
    }),
    async close() {
      for (const release of hanging) release();
      await handler.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => { resolve(); }));
      await upstream.close();
    },
  };
}
