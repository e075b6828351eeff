import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { JSONRPCMessage, Transport, TransportSendOptions } from '@modelcontextprotocol/client';
import { createParser } from 'eventsource-parser';

/** As the SDK's client: redirects followed for one request, at most. */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * The client side of MCP's Streamable HTTP transport, for the proxy's connections to HTTP upstream
 * servers: what the SDK's StreamableHTTPClientTransport does for a client without auth, on
 * node:http with kept-alive connections instead of fetch. Every tool call the proxy forwards
 * crosses this hop, and fetch's web streams (a TextDecoderStream and an SSE parser stream per
 * answer, a request body stream, cloned signals) cost more than the rest of the proxy together.
 *
 * Each message is POSTed; an answer comes back as JSON or as an SSE stream (read as it arrives).
 * The session id from `initialize` and the negotiated protocol version go on every later request;
 * after `notifications/initialized` a GET stream is opened for messages the server starts (not
 * reopened when it ends); `terminateSession` sends DELETE. Same-origin redirects are followed as
 * the SDK follows them (307/308 for a POST). Messages are checked for their JSON-RPC envelope here
 * and validated in full by the protocol layer, as with the SDK's own transports.
 */
export class NodeHttpClientTransport implements Transport {
  /** One HTTP request per outgoing message: the per-request signal cancels it. */
  readonly hasPerRequestStream = true;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: Transport['onmessage'];
  sessionId?: string | undefined;

  private readonly agent: HttpAgent;
  private readonly open = new Set<ClientRequest>();
  private protocolVersion: string | undefined;
  private started = false;
  private closed = false;

  constructor(readonly url: URL) {
    this.agent = url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  }

  start(): Promise<void> {
    if (this.started) return Promise.reject(new Error('NodeHttpClientTransport already started'));
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') return Promise.reject(new Error(`the URL of a Streamable HTTP server must be http: or https:, not ${this.url.protocol}`));
    this.started = true;
    return Promise.resolve();
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  async send(message: JSONRPCMessage | JSONRPCMessage[], options?: TransportSendOptions): Promise<void> {
    const messages = Array.isArray(message) ? message : [message];
    const handshake = messages.some((m) => methodOf(m) === 'initialize');
    const headers = this.commonHeaders(!handshake);
    headers['content-type'] = 'application/json';
    headers.accept = 'application/json, text/event-stream';
    if (options?.headers) {
      for (const [name, value] of Object.entries(options.headers)) if (!RESERVED_HEADERS.has(name.toLowerCase())) headers[name] = value;
    }
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    headers['content-length'] = body.length;
    const signal = options?.requestSignal;
    try {
      const response = await this.exchange('POST', headers, body, signal);
      const status = response.statusCode ?? 0;
      if (handshake && status >= 200 && status < 300) this.sessionId = header(response.headers, 'mcp-session-id');
      if (status < 200 || status >= 300) {
        const text = await readText(response);
        throw new Error(`Error POSTing to endpoint (HTTP ${status}): ${unfollowedRedirect(this.url, response) ?? text}`);
      }
      if (status === 202) {
        response.resume();
        if (messages.some((m) => methodOf(m) === 'notifications/initialized')) this.openServerStream();
        return;
      }
      const expectsAnswer = messages.some((m) => 'method' in m && 'id' in m);
      if (!expectsAnswer) {
        response.resume();
        return;
      }
      const type = mediaType(response.headers['content-type']);
      if (type === 'text/event-stream') {
        this.readEventStream(response, signal, options?.onRequestStreamEnd);
      } else if (type === 'application/json') {
        const data = JSON.parse(await readText(response)) as unknown;
        for (const item of Array.isArray(data) ? data : [data]) this.deliver(item);
      } else {
        response.resume();
        throw new Error(`Unexpected content type: ${String(response.headers['content-type'])}`);
      }
    } catch (error) {
      const failure = asError(error);
      if (signal?.aborted !== true) this.onerror?.(failure);
      throw failure;
    }
  }

  /** Ends the session on the server (DELETE); a server that does not allow that (405) is fine. */
  async terminateSession(): Promise<void> {
    if (this.sessionId === undefined) return;
    const response = await this.exchange('DELETE', this.commonHeaders(true), undefined, undefined);
    const status = response.statusCode ?? 0;
    response.resume();
    if (status !== 405 && (status < 200 || status >= 300)) throw new Error(`Failed to terminate session: HTTP ${status}`);
    this.sessionId = undefined;
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      for (const req of this.open) req.destroy();
      this.open.clear();
      this.agent.destroy();
    }
    this.onclose?.();
    return Promise.resolve();
  }

  private commonHeaders(withSession: boolean): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = {};
    if (withSession && this.sessionId !== undefined) headers['mcp-session-id'] = this.sessionId;
    if (this.protocolVersion !== undefined) headers['mcp-protocol-version'] = this.protocolVersion;
    return headers;
  }

  private deliver(value: unknown): void {
    if (typeof value !== 'object' || value === null || (value as { jsonrpc?: unknown }).jsonrpc !== '2.0') {
      this.onerror?.(new Error('the MCP server sent something that is not a JSON-RPC 2.0 message'));
      return;
    }
    this.onmessage?.(value as JSONRPCMessage);
  }

  /** The server's own stream (GET), for requests and notifications it starts; 405 means it has none. */
  private openServerStream(): void {
    this.exchange('GET', { ...this.commonHeaders(true), accept: 'text/event-stream' }, undefined, undefined).then(
      (response) => {
        if (response.statusCode === 200 && mediaType(response.headers['content-type']) === 'text/event-stream') {
          this.readEventStream(response, undefined, undefined);
        } else {
          response.resume();
          if (response.statusCode !== 405) this.onerror?.(new Error(`Failed to open SSE stream: HTTP ${String(response.statusCode)}`));
        }
      },
      (error: unknown) => {
        if (!this.closed) this.onerror?.(asError(error));
      },
    );
  }

  private readEventStream(response: IncomingMessage, signal: AbortSignal | undefined, onEnd: (() => void) | undefined): void {
    // SSE framing by a maintained parser (the one the MCP SDK itself uses), not by hand.
    const parser = createParser({
      onEvent: ({ event, data }) => {
        if (event !== undefined && event !== '' && event !== 'message') return;
        if (data === '') return;
      let value: unknown;
      try {
        value = JSON.parse(data);
      } catch (error) {
        this.onerror?.(asError(error));
        return;
      }
      this.deliver(value);
      },
    });
    response.setEncoding('utf8');
    let endsWithCR = false;
    response.on('data', (chunk: string) => {
      parser.feed(chunk);
      if (chunk !== '') endsWithCR = chunk.endsWith('\r');
    });
    const intentional = (): boolean => this.closed || signal?.aborted === true;
    response.on('end', () => {
      // A stream may end on a bare CR (a complete line ending), which the parser holds back in case an
      // LF follows; completing it as CRLF dispatches an event the blank line ended, and nothing else.
      if (endsWithCR) parser.feed('\n');
      if (!intentional()) onEnd?.();
    });
    response.on('error', (error) => {
      if (intentional()) return;
      this.onerror?.(new Error(`SSE stream disconnected: ${String(error)}`));
      onEnd?.();
    });
  }

  /** One HTTP exchange, following same-origin redirects; resolves with the final response (its body unread). */
  private async exchange(method: string, headers: OutgoingHttpHeaders, body: Buffer | undefined, signal: AbortSignal | undefined): Promise<IncomingMessage> {
    let url = this.url;
    for (let followed = 0; ; followed++) {
      const response = await this.once(url, method, headers, body, signal, true);
      const target = redirectTarget(url, response);
      if (!target || followed === MAX_REDIRECTS) return response;
      const keepsMethod = method === 'GET' || response.statusCode === 307 || response.statusCode === 308;
      const keepsUserinfo = !(target.username || target.password) || (target.username === url.username && target.password === url.password);
      if (!keepsMethod || !keepsUserinfo || !isWithinOrigin(url, target)) return response;
      response.resume();
      url = target;
    }
  }

  private once(url: URL, method: string, headers: OutgoingHttpHeaders, body: Buffer | undefined, signal: AbortSignal | undefined, retry: boolean): Promise<IncomingMessage> {
    if (this.closed) return Promise.reject(new Error('the connection to the MCP server is closed'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, { method, headers, agent: this.agent });
      this.open.add(req);
      const onAbort = (): void => {
        req.destroy(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      let answered = false;
      req.once('close', () => {
        this.open.delete(req);
        signal?.removeEventListener('abort', onAbort);
      });
      req.once('response', (response) => {
        answered = true;
        resolve(response);
      });
      req.once('error', (error: NodeJS.ErrnoException) => {
        if (answered) return;
        // A kept-alive connection the server closed just before it was reused: the request never
        // reached the server, so it is sent once more on a fresh connection.
        if (retry && req.reusedSocket && error.code === 'ECONNRESET' && !signal?.aborted) {
          this.once(url, method, headers, body, signal, false).then(resolve, reject);
          return;
        }
        reject(error);
      });
      req.end(body);
    });
  }
}

/** Headers that a caller's per-request headers may not replace (as in the SDK's transport). */
const RESERVED_HEADERS = new Set(['content-type', 'accept', 'content-length', 'mcp-session-id', 'mcp-protocol-version', 'host', 'connection']);

function methodOf(message: JSONRPCMessage): string | undefined {
  return 'method' in message ? message.method : undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

function mediaType(contentType: string | undefined): string {
  const [essence = ''] = (contentType ?? '').split(';');
  return essence.trim().toLowerCase();
}

function readText(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.once('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    response.once('error', reject);
  });
}

function redirectTarget(url: URL, response: IncomingMessage): URL | undefined {
  const location = REDIRECT_STATUSES.has(response.statusCode ?? 0) ? response.headers.location : undefined;
  if (!location) return undefined;
  try {
    return new URL(location, url);
  } catch {
    return undefined;
  }
}

/** Whether `to` has the scheme, host and port of `from`, or is its https form with both on the default port. */
function isWithinOrigin(from: URL, to: URL): boolean {
  if (from.protocol === to.protocol && from.host === to.host) return true;
  return from.protocol === 'http:' && to.protocol === 'https:' && from.hostname === to.hostname && !from.port && !to.port;
}

function unfollowedRedirect(url: URL, response: IncomingMessage): string | undefined {
  const target = redirectTarget(url, response);
  if (!target) return undefined;
  target.username = target.password = target.search = target.hash = '';
  return `Redirect to ${target.href} not followed; use that URL as the endpoint if it is the intended server`;
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('This operation was aborted');
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
