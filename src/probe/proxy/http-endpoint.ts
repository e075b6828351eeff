import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostHeaderValidation, localhostHostValidation, localhostOriginValidation } from '@modelcontextprotocol/node';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import type { Server } from '@modelcontextprotocol/server';
import { serveWebTransport } from './web-bridge.js';

/** The path agents post to: http://127.0.0.1:<port>/mcp. */
export const MCP_PATH = '/mcp';

/** One agent connection: its own Streamable HTTP session and its own MCP server instance. */
interface Session {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- see the import above.
  readonly server: Server;
  readonly transport: WebStandardStreamableHTTPServerTransport;
}

export interface HttpEndpoint {
  readonly url: string;
  /** Open sessions (initialized or being initialized). */
  sessionCount(): number;
  /** Stops accepting connections, closes every session, and ends the listener. Never throws. */
  close(): Promise<void>;
}

export interface HttpEndpointOptions {
  readonly host: string;
  readonly port: number;
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- see the import above.
  readonly createServer: () => Server;
  readonly onError: (error: Error) => void;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Serves MCP over Streamable HTTP, one stateful session per agent connection. Requests whose Host
 * (or browser Origin) is not local are refused, so a web page cannot reach the proxy through DNS
 * rebinding. Every failure is answered or reported, never thrown out of the request handler.
 */
export async function startHttpEndpoint(options: HttpEndpointOptions): Promise<HttpEndpoint> {
  const sessions = new Set<Session>();
  const byId = new Map<string, Session>();
  const loopback = LOOPBACK_HOSTS.has(options.host);
  const validateHost = loopback ? localhostHostValidation() : hostHeaderValidation([bracketed(options.host), 'localhost', '127.0.0.1', '[::1]']);
  const validateOrigin = loopback ? localhostOriginValidation() : undefined;
  let closing = false;

  const openSession = async (): Promise<Session> => {
    const server = options.createServer();
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        byId.set(id, session);
      },
    });
    const session: Session = { server, transport };
    sessions.add(session);
    transport.onclose = () => {
      sessions.delete(session);
      if (transport.sessionId !== undefined) byId.delete(transport.sessionId);
    };
    server.onerror = (error) => {
      options.onError(error);
    };
    await server.connect(transport);
    return session;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!validateHost(req, res)) return;
    if (validateOrigin && !validateOrigin(req, res)) return;
    const target = req.url ?? '/';
    const path = target === MCP_PATH ? target : new URL(target, 'http://localhost').pathname;
    if (path !== MCP_PATH) {
      reply(res, 404, -32601, `Not found: the MCP endpoint is ${MCP_PATH}`);
      return;
    }
    if (closing) {
      reply(res, 503, -32000, 'The proxy is shutting down');
      return;
    }
    const header = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(header) ? header[0] : header;
    if (sessionId !== undefined) {
      const session = byId.get(sessionId);
      if (!session) {
        reply(res, 404, -32001, 'Session not found');
        return;
      }
      await serveWebTransport(session.transport, req, res);
      return;
    }
    if (req.method !== 'POST') {
      reply(res, 400, -32000, 'Bad Request: no valid session id provided');
      return;
    }
    // A new connection: the transport answers the initialize request with a fresh session id, or
    // refuses anything else (and then the half-made session is dropped).
    const session = await openSession();
    await serveWebTransport(session.transport, req, res);
    if (session.transport.sessionId === undefined) await closeSession(session);
  };

  const closeSession = async (session: Session): Promise<void> => {
    sessions.delete(session);
    if (session.transport.sessionId !== undefined) byId.delete(session.transport.sessionId);
    await session.server.close().catch((error: unknown) => {
      options.onError(error instanceof Error ? error : new Error(String(error)));
    });
  };

  const http: HttpServer = createServer((req, res) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    handle(req, res).catch((error: unknown) => {
      options.onError(error instanceof Error ? error : new Error(String(error)));
      if (!res.headersSent) reply(res, 500, -32603, 'Internal error');
      else res.destroy();
    });
  });
  http.on('clientError', (_error, socket) => {
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  http.on('error', (error) => {
    options.onError(error);
  });
  const address = http.address() as AddressInfo;
  const urlHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : bracketed(options.host);

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${String(address.port)}${MCP_PATH}`,
    sessionCount: () => sessions.size,
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => http.close(() => {
          resolve();
        }));
        await Promise.all([...sessions].map(closeSession));
        http.closeAllConnections();
        await stopped;
      })().catch((error: unknown) => {
        options.onError(error instanceof Error ? error : new Error(String(error)));
      });
      return closed;
    },
  };
}

function reply(res: ServerResponse, status: number, code: number, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
