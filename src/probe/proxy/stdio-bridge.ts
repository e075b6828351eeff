import type { Readable, Writable } from 'node:stream';
import { isJSONRPCRequest, isJSONRPCResultResponse, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/client';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';

/** A running relay between an agent's stdio and the proxy's HTTP endpoint. */
export interface StdioBridge {
  /** Resolves when the relay has ended: the agent closed stdin, or {@link StdioBridge.close} was called. */
  readonly done: Promise<void>;
  /** Ends the MCP session at the proxy and stops relaying. Never throws. */
  close(): Promise<void>;
}

/** JSON-RPC code for a message the proxy could not be reached with (the SDK's "connection closed"). */
const UNREACHABLE_CODE = -32000;

/**
 * For agents that only speak MCP over stdio (`mimir proxy --connect <url>`, which MIMIR_MCP_STDIO
 * names): relays every JSON-RPC message, unchanged, between the agent's stdin/stdout and the
 * proxy's Streamable HTTP endpoint, so the agent gets the same session, faults and ledger as an
 * HTTP agent. Both ends are the SDK's transports; the bridge only forwards.
 */
export async function bridgeStdioToProxy(url: string, stdin: Readable, stdout: Writable, options: { onError?: (error: Error) => void } = {}): Promise<StdioBridge> {
  const onError = options.onError ?? (() => undefined);
  const agent = new StdioServerTransport(stdin, stdout);
  const proxy = new StreamableHTTPClientTransport(new URL(url));
  const initializeIds = new Set<RequestId>();

  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Tell the proxy the session is over (best effort: it may already be gone), then stop both ends.
      await proxy.terminateSession().catch(() => undefined);
      await proxy.close().catch(() => undefined);
      await agent.close().catch(() => undefined);
    })().finally(finish);
    return closing;
  };

  agent.onmessage = (message: JSONRPCMessage) => {
    if (isJSONRPCRequest(message) && message.method === 'initialize') initializeIds.add(message.id);
    proxy.send(message).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      onError(new Error(`could not reach the MCP proxy at ${url}: ${reason}`));
      // A request must still get an answer, or the agent waits forever.
      if (isJSONRPCRequest(message)) {
        agent.send({ jsonrpc: '2.0', id: message.id, error: { code: UNREACHABLE_CODE, message: `MCP proxy unreachable: ${reason}` } }).catch(() => undefined);
      }
    });
  };
  proxy.onmessage = (message: JSONRPCMessage) => {
    if (isJSONRPCResultResponse(message) && initializeIds.delete(message.id)) {
      // Later HTTP requests must carry the negotiated version, as the SDK's own client does.
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') proxy.setProtocolVersion(version);
    }
    agent.send(message).catch((error: unknown) => {
      onError(error instanceof Error ? error : new Error(String(error)));
    });
  };
  agent.onclose = () => {
    void close();
  };
  agent.onerror = onError;
  proxy.onerror = onError;

  await proxy.start();
  await agent.start();
  return { done, close };
}
