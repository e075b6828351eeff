import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { DEFAULT_MAX_REQUEST_BODY_SIZE } from '@modelcontextprotocol/server';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';

/**
 * How long the answer to a POST may be held back so that it goes out in one write, as plain JSON
 * when it is a single response message (the Streamable HTTP spec lets the server answer a POST with
 * JSON or with an SSE stream). An answer that takes longer is streamed as SSE from then on, exactly
 * as the SDK writes it, keep-alive comments included, so an agent waiting on a slow call still sees
 * headers and traffic.
 */
const SSE_HOLD_MS = 250;

/** What one SSE event written by the SDK starts with: `event: message\ndata: <one line of JSON>\n\n`. */
const MESSAGE_EVENT_PREFIX = Buffer.from('event: message\ndata: ', 'utf8');
const NEWLINE = 0x0a;

type Body =
  | { readonly kind: 'json'; readonly value: unknown }
  /** Not JSON: handed to the SDK as it came, so the SDK answers it with its own error. */
  | { readonly kind: 'raw'; readonly bytes: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'gone' };

/**
 * Serves one HTTP request with the SDK's web-standard Streamable HTTP transport, in place of
 * `@modelcontextprotocol/node` (which converts through @hono/node-server on every request). The SDK
 * still decides every answer (status codes, session checks, JSON-RPC errors); this bridge only
 * moves bytes: the body is read and parsed here (the SDK's `parsedBody` option), and an SSE answer
 * that is complete within {@link SSE_HOLD_MS} goes out in one write, as `application/json` when it
 * is the single response message, which costs the agent's client far less to read than a stream.
 */
export async function serveWebTransport(transport: WebStandardStreamableHTTPServerTransport, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') {
    // As the SDK answers any other method (it could not be put into a web Request anyway).
    res
      .writeHead(405, { allow: 'GET, POST, DELETE', 'content-type': 'application/json' })
      .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null }));
    return;
  }
  const body = method === 'POST' ? await readBody(req, DEFAULT_MAX_REQUEST_BODY_SIZE) : undefined;
  if (body?.kind === 'gone') return;
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    if (name !== undefined && value !== undefined) headers.append(name, value);
  }
  if (body?.kind === 'too-large') {
    // The SDK refuses a declared length over its limit with its own 413, after its own header checks.
    headers.set('content-length', String(DEFAULT_MAX_REQUEST_BODY_SIZE + 1));
    // A body that was partly read is not drained: the connection is not reused.
    if (!req.readableEnded && req.readableFlowing !== null) {
      res.shouldKeepAlive = false;
      res.once('finish', () => req.destroy());
    }
  } else if (body?.kind === 'raw') {
    headers.set('content-length', String(body.bytes.length));
  }
  // The request's signal aborts when the agent hangs up before its answer is complete, as with
  // @hono/node-server: a call handler listens to it (ctx.http.req.signal) to stop waiting.
  const hangUp = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) hangUp.abort(new Error('Client connection prematurely closed.'));
  });
  const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
    method,
    headers,
    signal: hangUp.signal,
    ...(body?.kind === 'raw' && { body: body.bytes }),
  });
  const response = await transport.handleRequest(request, body?.kind === 'json' ? { parsedBody: body.value } : undefined);
  await writeResponse(response, res, method === 'POST');
}

function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  if (Number(req.headers['content-length']) > limit) return Promise.resolve({ kind: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (body: Body): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onGone);
      resolve(body);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) {
        req.pause();
        finish({ kind: 'too-large' });
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = (): void => {
      const bytes = Buffer.concat(chunks, received);
      try {
        finish({ kind: 'json', value: JSON.parse(bytes.toString('utf8')) as unknown });
      } catch {
        finish({ kind: 'raw', bytes });
      }
    };
    // The agent went away before its request was complete: there is no one to answer.
    const onGone = (): void => {
      finish({ kind: 'gone' });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onGone);
  });
}

async function writeResponse(response: Response, res: ServerResponse, holdEventStream: boolean): Promise<void> {
  const headers: OutgoingHttpHeaders = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const stream = response.body;
  if (stream === null) {
    res.writeHead(response.status, headers).end();
    return;
  }
  if (!String(headers['content-type']).startsWith('text/event-stream')) {
    const bytes = Buffer.from(await response.arrayBuffer());
    headers['content-length'] = bytes.length;
    res.writeHead(response.status, headers).end(bytes);
    return;
  }

  const reader = (stream as ReadableStream<Uint8Array>).getReader();
  const held: Uint8Array[] = [];
  // Changed by callbacks as well as below, hence an object (its fields are not narrowed away).
  const state = { streaming: false, gone: false };
  const startStreaming = (): void => {
    if (state.streaming || state.gone) return;
    state.streaming = true;
    res.writeHead(response.status, headers);
    res.flushHeaders();
    for (const chunk of held) res.write(chunk);
    held.length = 0;
  };
  // The agent hung up: stop reading, so the SDK drops the stream (as it does when hono cancels it).
  res.once('close', () => {
    state.gone = true;
    clearTimeout(timer);
    reader.cancel().catch(() => undefined);
  });
  const timer = holdEventStream ? setTimeout(startStreaming, SSE_HOLD_MS) : undefined;
  if (!holdEventStream) startStreaming();
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done || state.gone) break;
      if (state.streaming) res.write(next.value);
      else held.push(next.value);
    }
  } catch {
    // The stream failed (the session closed under it): end the answer as it stands.
  }
  clearTimeout(timer);
  if (state.gone) return;
  if (state.streaming) {
    res.end();
    return;
  }
  // The whole answer is here: one write. A single message event goes out as the JSON it carries.
  const only = held.length === 1 ? held[0] : undefined;
  const json = only && messageEventData(only);
  if (json) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = json.length;
    res.writeHead(response.status, headers).end(json);
    return;
  }
  const bytes = Buffer.concat(held);
  headers['content-length'] = bytes.length;
  res.writeHead(response.status, headers).end(bytes);
}

/** The JSON of a chunk that is exactly one `event: message` SSE event with one data line, else undefined. */
function messageEventData(chunk: Uint8Array): Buffer | undefined {
  const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const start = MESSAGE_EVENT_PREFIX.length;
  if (bytes.length < start + 2 || bytes.compare(MESSAGE_EVENT_PREFIX, 0, start, 0, start) !== 0) return undefined;
  if (bytes.indexOf(NEWLINE, start) !== bytes.length - 2 || bytes[bytes.length - 1] !== NEWLINE) return undefined;
  return bytes.subarray(start, bytes.length - 2);
}
