import { request, type IncomingHttpHeaders } from 'node:http';

export interface RawHttpReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Milliseconds from sending until the response headers came (a slow SSE stream sends them first). */
  readonly headersAfterMs: number;
  readonly body: string;
}

/**
 * One HTTP request exactly as given (node sends the Host header we set, not one derived from the
 * URL), for what an SDK client would never send: a foreign Host, a missing session, a malformed body.
 */
export function rawHttp(url: string | URL, options: { method: string; headers?: Record<string, string>; body?: string }): Promise<RawHttpReply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers }, (res) => {
      const headersAfterMs = performance.now() - started;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, headersAfterMs, body });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
