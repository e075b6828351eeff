import { createServer } from 'node:http';
import { rawHttp } from '../../../test/support/raw-http.js';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, ProtocolError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { NodeHttpClientTransport } from './http-client-transport.js';
import { ProxyHarness } from './test-support/proxy-harness.js';

const harness = new ProxyHarness();
const servers: HttpServer[] = [];
afterEach(async () => {
  await harness.cleanup();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A scripted HTTP server: `answer` gets each request (body read) and writes the response. */
async function scripted(answer: (seen: Seen, res: ServerResponse) => void): Promise<{ url: URL; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(entry);
      answer(entry, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${String((server.address() as AddressInfo).port)}/mcp`), seen };
}

function collect(transport: NodeHttpClientTransport): { messages: JSONRPCMessage[]; errors: Error[] } {
  const messages: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  transport.onmessage = (message) => messages.push(message);
  transport.onerror = (error) => errors.push(error);
  return { messages, errors };
}

const request = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } });

async function until<T>(probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('timed out');
}

describe('NodeHttpClientTransport', () => {
  it('reads an SSE answer split anywhere, with CRLF or CR line ends, comments, other events and multi-line data', async () => {
    const events =
      ': keep-alive\r\n\r\n' +
      'event: other\ndata: {"ignored": true}\n\n' +
      'id: 7\r\nevent: message\r\ndata: {"jsonrpc":"2.0","method":"notifications/progress",\r\ndata: "params":{"progressToken":1,"progress":1}}\r\n\r\n' +
      'data: {"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"ünï ✓"}]}}\r\r';
    const { url } = await scripted((_seen, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const bytes = Buffer.from(events, 'utf8');
      // One byte at a time, across UTF-8 sequences and CR/LF pairs.
      let i = 0;
      const next = (): void => {
        if (i >= bytes.length) {
          res.end();
          return;
        }
        res.write(bytes.subarray(i, ++i));
        setImmediate(next);
      };
      next();
    });
    const transport = new NodeHttpClientTransport(url);
    const { messages, errors } = collect(transport);
    await transport.start();
    await transport.send(request(1));
    await until(() => (messages.length === 2 ? true : undefined));
    expect(messages).toEqual([
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } },
      { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'ünï ✓' }] } },
    ]);
    expect(errors).toEqual([]);
    await transport.close();
  });

  it('reads JSON answers (one message or a batch), and sends the session id and protocol version once known', async () => {
    const { url, seen } = await scripted((entry, res) => {
      const message = JSON.parse(entry.body) as { id?: number; method: string };
      if (message.method === 'initialize') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'mcp-session-id': 'session-1' }).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: {} }));
      } else if (message.id === undefined) {
        res.writeHead(202).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ jsonrpc: '2.0', method: 'notifications/message', params: {} }, { jsonrpc: '2.0', id: message.id, result: { ok: true } }]));
      }
    });
    const transport = new NodeHttpClientTransport(url);
    const { messages } = collect(transport);
    await transport.start();
    await transport.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {} });
    transport.setProtocolVersion('2025-11-25');
    await transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 0 } });
    await transport.send(request(2));
    expect(transport.sessionId).toBe('session-1');
    expect(messages).toEqual([
      { jsonrpc: '2.0', id: 0, result: {} },
      { jsonrpc: '2.0', method: 'notifications/message', params: {} },
      { jsonrpc: '2.0', id: 2, result: { ok: true } },
    ]);
    expect(seen[0]!.headers['mcp-session-id']).toBeUndefined();
    expect(seen[0]!.headers.accept).toBe('application/json, text/event-stream');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[2]!.headers).toMatchObject({ 'mcp-session-id': 'session-1', 'mcp-protocol-version': '2025-11-25' });
    await transport.close();
  });

  it('fails a send the server refuses, naming the status, and ends the session with DELETE', async () => {
    const { url, seen } = await scripted((entry, res) => {
      if (entry.method === 'DELETE') res.writeHead(405).end();
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"},"id":null}');
    });
    const transport = new NodeHttpClientTransport(url);
    const { errors } = collect(transport);
    await transport.start();
    await expect(transport.send(request(1))).rejects.toThrow(/HTTP 404.*Session not found/);
    expect(errors).toHaveLength(1);
    transport.sessionId = 'session-9';
    await transport.terminateSession();
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', headers: { 'mcp-session-id': 'session-9' } });
    expect(transport.sessionId).toBeUndefined();
    await transport.close();
  });

  it('follows a same-origin 307 with the body, and not a redirect elsewhere', async () => {
    const { url, seen } = await scripted((entry, res) => {
      if (entry.url === '/mcp') res.writeHead(307, { location: '/mcp/' }).end();
      else if (entry.url === '/mcp/') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: {} }));
      else res.writeHead(308, { location: 'http://elsewhere.invalid/mcp' }).end();
    });
    const transport = new NodeHttpClientTransport(url);
    const { messages } = collect(transport);
    await transport.start();
    await transport.send(request(1));
    expect(messages).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
    expect(seen.map((entry) => [entry.url, JSON.parse(entry.body) as unknown])).toEqual([
      ['/mcp', request(1)],
      ['/mcp/', request(1)],
    ]);
    const away = new NodeHttpClientTransport(new URL('/away', url));
    collect(away);
    await away.start();
    await expect(away.send(request(2))).rejects.toThrow(/Redirect to http:\/\/elsewhere\.invalid\/mcp not followed/);
    await away.close();
    await transport.close();
  });

  it('drops a request when its signal aborts, reporting nothing, and every open request on close', async () => {
    const { url } = await scripted(() => undefined);
    const transport = new NodeHttpClientTransport(url);
    const { errors } = collect(transport);
    let closed = false;
    transport.onclose = () => (closed = true);
    await transport.start();
    const abort = new AbortController();
    const sent = transport.send(request(1), { requestSignal: abort.signal });
    setTimeout(() => {
      abort.abort();
    }, 50);
    await expect(sent).rejects.toThrow();
    expect(errors).toEqual([]);
    const pending = transport.send(request(2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await transport.close();
    await expect(pending).rejects.toThrow();
    expect(closed).toBe(true);
  });

  it('gives the SDK client the same answers as the SDK transport, from a real MCP server', async () => {
    const upstream = await harness.httpUpstream();
    const connect = async (transport: NodeHttpClientTransport | StreamableHTTPClientTransport): Promise<Client> => {
      const client = new Client({ name: 'compare', version: '1.0.0' });
      await client.connect(transport);
      return client;
    };
    const ours = await connect(new NodeHttpClientTransport(new URL(upstream.url)));
    const sdk = await connect(new StreamableHTTPClientTransport(new URL(upstream.url)));
    try {
      expect((await ours.listTools()).tools).toEqual((await sdk.listTools()).tools);
      const call = { name: 'get_order', arguments: { order_id: 'ORD-1002' } };
      expect(await ours.callTool(call)).toEqual(await sdk.callTool(call));
      const unknown = (client: Client): Promise<unknown> => client.request({ method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } }).catch((error: unknown) => error);
      expect(await unknown(ours)).toEqual(await unknown(sdk));
      // A method the server does not serve: a JSON-RPC error, the same through both.
      const bad = (client: Client): Promise<unknown> => client.request({ method: 'resources/read', params: { uri: 'mimir://nothing' } }).catch((error: unknown) => error);
      const [a, b] = [await bad(ours), await bad(sdk)];
      expect(a).toBeInstanceOf(ProtocolError);
      expect(a).toMatchObject({ code: (b as ProtocolError).code, message: (b as ProtocolError).message });
    } finally {
      await Promise.all([ours.close(), sdk.close()]);
    }
  });
});

/** One raw POST to the proxy: status, headers, the time the headers came, the body. */
async function post(url: string, sessionId: string | undefined, body: unknown): Promise<{ status: number; type: string | undefined; length: string | undefined; headersAfterMs: number; body: string; sessionId: string | undefined }> {
  const reply = await rawHttp(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(sessionId !== undefined && { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' }) },
    body: JSON.stringify(body),
  });
  const id = reply.headers['mcp-session-id'];
  return { status: reply.status, type: reply.headers['content-type'], length: reply.headers['content-length'], headersAfterMs: reply.headersAfterMs, body: reply.body, sessionId: Array.isArray(id) ? id[0] : id };
}

describe("the proxy's HTTP answers", () => {
  it('answers a call that completes at once with one JSON response, and a slow one as an SSE stream whose headers come first', async () => {
    const { proxy } = await harness.start({ faults: [{ tool: 'echo', kind: 'latency', latencyMs: 1500 }] });
    const init = await post(proxy.url, undefined, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    expect(init).toMatchObject({ status: 200, type: 'application/json' });
    const sessionId = init.sessionId;
    expect(sessionId).toBeDefined();
    await post(proxy.url, sessionId, { jsonrpc: '2.0', method: 'notifications/initialized' });

    const quick = await post(proxy.url, sessionId, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_order', arguments: { order_id: 'ORD-1001' } } });
    expect(quick).toMatchObject({ status: 200, type: 'application/json', length: String(Buffer.byteLength(quick.body)) });
    expect(JSON.parse(quick.body)).toMatchObject({ jsonrpc: '2.0', id: 1, result: { structuredContent: { order_id: 'ORD-1001' } } });

    const slow = await post(proxy.url, sessionId, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'later' } } });
    expect(slow).toMatchObject({ status: 200, type: 'text/event-stream' });
    expect(slow.headersAfterMs).toBeLessThan(1200);
    const data = slow.body.split('\n').find((line) => line.startsWith('data: '));
    expect(JSON.parse(data!.slice('data: '.length))).toMatchObject({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'later' }] } });
  });
});
