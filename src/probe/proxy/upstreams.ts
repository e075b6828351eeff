import type { Readable } from 'node:stream';
import { Client, ProtocolError } from '@modelcontextprotocol/client';
import type { CallToolResult, Tool, Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { MIMIR_VERSION } from '../../shared/version.js';
import { NodeHttpClientTransport } from './http-client-transport.js';

/** One real MCP server behind the proxy: a command it spawns (stdio) or a Streamable HTTP URL. */
export interface UpstreamSpec {
  /** A short name for messages and the ledger ("orders", "payments"). */
  readonly name: string;
  /** argv of a stdio server; the first element is the executable. */
  readonly command?: readonly string[];
  readonly cwd?: string;
  /** Added to a minimal inherited environment (PATH, HOME, …), as the SDK's stdio transport does. */
  readonly env?: Readonly<Record<string, string>>;
  /** Streamable HTTP endpoint of a server that is already running. */
  readonly url?: string;
  /** A sandbox: its high-risk calls are forwarded (overrides the proxy's `allowSideEffects`). */
  readonly allowSideEffects?: boolean;
}

/** A connected upstream server and the tools it offers. */
export interface Upstream {
  readonly spec: UpstreamSpec;
  readonly client: Client;
  readonly transport: Transport;
  readonly tools: readonly Tool[];
  /** False once its connection closed (the process died, the server went away). */
  isConnected(): boolean;
  /** The last lines it wrote to stderr, for messages about why it went away. */
  stderrTail(): string;
}

/** The proxy's view of all upstream servers: which one owns which tool. */
export interface UpstreamPool {
  readonly upstreams: readonly Upstream[];
  /** Every upstream tool, in upstream order, exactly as the servers listed them. */
  readonly tools: readonly Tool[];
  ownerOf(tool: string): Upstream | undefined;
  toolNamed(tool: string): Tool | undefined;
  /** Forwards one call; throws what the upstream (or its broken connection) answered. */
  call(tool: string, args: Record<string, unknown> | undefined, options: { signal?: AbortSignal; timeoutMs: number }): Promise<CallToolResult>;
  close(): Promise<void>;
}

const STDERR_TAIL_CHARS = 4000;

/**
 * Connects to every upstream and lists its tools. A tool name offered by two upstreams (or by an
 * upstream and mimir itself, via `reservedNames`) is an error: the proxy could not tell which one
 * an agent means. On any failure the upstreams already started are closed again.
 */
export async function connectUpstreams(specs: readonly UpstreamSpec[], options: { reservedNames?: readonly string[]; onError?: (error: Error) => void; connectTimeoutMs?: number } = {}): Promise<UpstreamPool> {
  const upstreams: Upstream[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all(upstreams.map((upstream) => closeUpstream(upstream)));
  };
  try {
    const names = new Set<string>();
    for (const spec of specs) {
      if (names.has(spec.name)) throw new Error(`two upstream MCP servers are both named "${spec.name}"`);
      names.add(spec.name);
    }
    const connected = await Promise.allSettled(specs.map((spec) => connectOne(spec, options)));
    for (const outcome of connected) if (outcome.status === 'fulfilled') upstreams.push(outcome.value);
    const failed = connected.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));

    const reserved = new Set(options.reservedNames);
    const owners = new Map<string, Upstream>();
    for (const upstream of upstreams) {
      for (const tool of upstream.tools) {
        const other = owners.get(tool.name);
        if (other) {
          throw new Error(`tool "${tool.name}" is offered by both upstream "${other.spec.name}" and upstream "${upstream.spec.name}"; the proxy cannot tell which one an agent means`);
        }
        if (reserved.has(tool.name)) {
          throw new Error(`tool "${tool.name}" of upstream "${upstream.spec.name}" has the name of mimir's own tool; name it as the agent's approval tool in mimir.yaml instead`);
        }
        owners.set(tool.name, upstream);
      }
    }
    const tools = upstreams.flatMap((upstream) => upstream.tools);
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    return {
      upstreams,
      tools,
      ownerOf: (tool) => owners.get(tool),
      toolNamed: (tool) => byName.get(tool),
      async call(tool, args, callOptions) {
        const upstream = owners.get(tool);
        if (!upstream) throw new ProtocolError(-32602, `Unknown tool: ${tool}`);
        if (!upstream.isConnected()) throw new UpstreamUnavailableError(upstream);
        try {
          // request() rather than callTool(): the proxy passes the upstream's answer through as it
          // is, without the client-side output-schema check (the agent's own client does that).
          return await upstream.client.request(
            { method: 'tools/call', params: args === undefined ? { name: tool } : { name: tool, arguments: args } },
            { timeout: callOptions.timeoutMs, ...(callOptions.signal && { signal: callOptions.signal }) },
          );
        } catch (error) {
          if (!upstream.isConnected()) throw new UpstreamUnavailableError(upstream);
          // A JSON-RPC error from the upstream passes through as it is; anything else (a refused
          // connection, a timeout) is named after the upstream it came from.
          if (error instanceof ProtocolError) throw error;
          throw new Error(`upstream MCP server "${upstream.spec.name}" failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** A session on an HTTP upstream is ended politely (bounded: the server may be gone); a stdio one is stopped by the SDK (stdin closed, then SIGTERM, then SIGKILL). */
async function closeUpstream(upstream: Upstream): Promise<void> {
  if (upstream.transport instanceof NodeHttpClientTransport && upstream.isConnected()) {
    const ended = upstream.transport.terminateSession().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
  }
  await upstream.client.close().catch(() => undefined);
}

/** The upstream server is gone (its process exited, its connection closed). */
export class UpstreamUnavailableError extends Error {
  override readonly name = 'UpstreamUnavailableError';
  constructor(upstream: Upstream) {
    const tail = upstream.stderrTail().trim().split('\n').slice(-3).join(' | ');
    super(`upstream MCP server "${upstream.spec.name}" is not available (its connection closed)${tail ? `: ${tail}` : ''}`);
  }
}

async function connectOne(spec: UpstreamSpec, options: { onError?: (error: Error) => void; connectTimeoutMs?: number }): Promise<Upstream> {
  let stderr = '';
  let transport: Transport;
  if (spec.command && spec.command.length > 0) {
    const [command, ...args] = spec.command as [string, ...string[]];
    const stdio = new StdioClientTransport({ command, args, ...(spec.cwd !== undefined && { cwd: spec.cwd }), ...(spec.env && { env: { ...spec.env } }), stderr: 'pipe' });
    const stream = stdio.stderr as Readable | null;
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    stream?.on('error', () => undefined);
    transport = stdio;
  } else if (spec.url) {
    transport = new NodeHttpClientTransport(new URL(spec.url));
  } else {
    throw new Error(`upstream MCP server "${spec.name}" has neither a command nor a url`);
  }

  const client = new Client({ name: 'mimir-proxy', version: MIMIR_VERSION });
  let connected = false;
  client.onclose = () => {
    connected = false;
  };
  client.onerror = (error) => options.onError?.(new Error(`upstream "${spec.name}": ${error.message}`));
  try {
    await client.connect(transport, { timeout: options.connectTimeoutMs ?? 30_000 });
    connected = true;
    const listed = await client.listTools(undefined, { timeout: options.connectTimeoutMs ?? 30_000 });
    return { spec, client, transport, tools: listed.tools, isConnected: () => connected, stderrTail: () => stderr };
  } catch (error) {
    await client.close().catch(() => undefined);
    const tail = stderr.trim().split('\n').slice(-3).join(' | ');
    throw new Error(`could not connect to upstream MCP server "${spec.name}": ${error instanceof Error ? error.message : String(error)}${tail ? ` (stderr: ${tail})` : ''}`, { cause: error });
  }
}
