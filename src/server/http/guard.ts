import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may talk to the server. Loopback by default; a non-loopback bind needs a token, and then
 * every request must carry it (`Authorization: Bearer …`; OTLP exporters send it from
 * OTEL_EXPORTER_OTLP_HEADERS). Whatever the bind, the `Host` header must name this server (a page
 * on another site reaching 127.0.0.1 through DNS rebinding sends its own host name), a browser's
 * `Origin` must be this server's own, and writes must declare a JSON or protobuf body: a form post
 * (the one cross-site write a browser sends without asking) is refused, and a cross-site script
 * asking first gets no CORS permission.
 */
export interface GuardOptions {
  /** The address bound, as given (127.0.0.1, ::1, localhost, 0.0.0.0, a host name…). */
  readonly host: string;
  readonly token: string | undefined;
  /**
   * Reads that need no token: the web UI's own files, which hold no data (every figure comes from
   * /api, which does need it), so a browser can load the page that then asks for the token.
   * Host and Origin are checked for them as for everything else.
   */
  readonly public?: (method: string, path: string) => boolean;
}

export interface Refusal {
  readonly status: 401 | 403 | 415;
  readonly message: string;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/** Body types a write may have: none of them can be sent cross-site without a CORS preflight. */
const WRITE_TYPES = new Set(['application/json', 'application/x-protobuf']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function createGuard(options: GuardOptions): (request: IncomingMessage) => Refusal | undefined {
  const allowedHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);
  const bound = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  // A wildcard bind is reached by whatever name the machine has: the token is what guards it then.
  const anyHost = options.host === '0.0.0.0' || options.host === '::';
  if (!anyHost) allowedHosts.add(bound.toLowerCase());
  const token = options.token === undefined ? undefined : Buffer.from(options.token, 'utf8');

  return (request) => {
    const hostHeader = request.headers.host;
    const hostName = hostHeader === undefined ? undefined : hostNameOf(hostHeader);
    if (hostName === undefined || (!anyHost && !allowedHosts.has(hostName))) {
      return { status: 403, message: `Host ${JSON.stringify(hostHeader ?? '')} is not this server's (allowed: ${[...allowedHosts].join(', ')})` };
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let originHost: string | undefined;
      try {
        originHost = new URL(origin).host.toLowerCase();
      } catch {
        originHost = undefined;
      }
      if (originHost !== hostHeader?.toLowerCase()) return { status: 403, message: `Origin ${origin} is not this server's: cross-site requests are refused` };
    } else if (origin === 'null') {
      return { status: 403, message: 'an opaque Origin (null) is refused' };
    }
    // Public reads are asked about only when the token is missing or wrong: ingestion never parses its URL here.
    if (token !== undefined && !bearerMatches(request.headers.authorization, token) && options.public?.(request.method ?? 'GET', pathOf(request.url)) !== true) {
      return { status: 401, message: 'this server needs its token: send Authorization: Bearer <token> (for exporters, OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>)' };
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!WRITE_TYPES.has(type)) return { status: 415, message: `a write must send Content-Type application/json or application/x-protobuf, not ${JSON.stringify(type)}` };
    }
    return undefined;
  };
}

/** The host name of a Host header, lower-cased, brackets kept for IPv6; the port dropped. */
function pathOf(url: string | undefined): string {
  return new URL(url ?? '/', 'http://mimir.invalid').pathname;
}

function hostNameOf(header: string): string | undefined {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end < 0 ? undefined : value.slice(0, end + 1);
  }
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  return name === '' ? undefined : name;
}

function bearerMatches(header: string | undefined, token: Buffer): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1].trim(), 'utf8');
  return given.length === token.length && timingSafeEqual(given, token);
}
