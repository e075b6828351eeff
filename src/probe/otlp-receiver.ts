import { createServer, type IncomingMessage, type Server } from 'node:http';
import { appendFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { hostHeaderValidation, localhostHostValidation, localhostOriginValidation } from '@modelcontextprotocol/node';

/**
 * A minimal OTLP/HTTP trace receiver for probe runs: the agent under test exports its own spans
 * here (OTEL_EXPORTER_OTLP_ENDPOINT), so a probe run is also a traced run. Bodies are stored as
 * they came, in formats mimir's trace readers already read: JSON requests as one line each of a
 * JSON Lines file, protobuf requests as one `.pb` file each. Nothing is parsed here, so a
 * malformed export is kept for the reader to locate and report, not lost. Like the MCP proxy, it
 * answers only requests whose Host (and browser Origin, if any) is local, so a web page cannot
 * reach it through DNS rebinding and plant spans in the audit's evidence.
 *
 * Each agent process of a probe gets its own base endpoint (`endpointFor`): exporters append
 * `/v1/traces` to OTEL_EXPORTER_OTLP_ENDPOINT, so `/lives/<n>/v1/traces` lands in that process's own
 * file, and the audit knows which trial, and which life of it, every span came from without asking
 * the agent to tag anything. Exports to the bare `/v1/traces` go to one shared file.
 */
export interface OtlpReceiver {
  /** The base endpoint, e.g. http://127.0.0.1:41234 (exporters append /v1/traces). */
  readonly endpoint: string;
  /** The directory the received traces are written to (a trace source for `mimir traces`). */
  readonly dir: string;
  received(): number;
  /**
   * A base endpoint of its own for one agent process (`key` names it in `filesOf`): what it
   * exports is stored in files no other process writes.
   */
  endpointFor(key: string): string;
  /** The files (relative to `dir`) that the process given `key` exported to, in the order written. */
  filesOf(key: string): readonly string[];
  close(): Promise<void>;
}

/** The files a receiver writes (and a new session clears). */
const RECEIVED_FILE = /^(life-\d+|probe-traces)(-\d+)?\.(jsonl|pb)$/;

/** Request bodies above this are refused (413) rather than buffered. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export async function startOtlpReceiver(dir: string, host = '127.0.0.1'): Promise<OtlpReceiver> {
  await mkdir(dir, { recursive: true });
  // What an earlier session received belongs to the results this session replaces: appending to its
  // files would mix two sessions' runs under one trial's name.
  for (const entry of await readdir(dir)) if (RECEIVED_FILE.test(entry)) await rm(join(dir, entry), { force: true });
  let count = 0;
  /** Life number → the key it was given for, and the files its exports went to. */
  const lives: { key: string; files: string[] }[] = [];
  const lifeByKey = new Map<string, number>();
  // One write at a time, so JSON lines from concurrent exports never interleave.
  let writes: Promise<unknown> = Promise.resolve();
  // The proxy's rule (src/probe/proxy/http-endpoint.ts): refused with 403 before anything is read.
  const loopback = LOOPBACK_HOSTS.has(host);
  const validateHost = loopback ? localhostHostValidation() : hostHeaderValidation([bracketed(host), 'localhost', '127.0.0.1', '[::1]']);
  const validateOrigin = loopback ? localhostOriginValidation() : undefined;
  const server: Server = createServer((request, response) => {
    if (!validateHost(request, response)) return;
    if (validateOrigin && !validateOrigin(request, response)) return;
    const life = lifeOf(request.url ?? '');
    if (request.method !== 'POST' || life === undefined || (life !== 'shared' && lives[life] === undefined)) {
      response.writeHead(404).end();
      return;
    }
    readBody(request)
      .then(async (body) => {
        if (body === undefined) {
          response.writeHead(413).end();
          return;
        }
        const index = ++count;
        const isJson = (request.headers['content-type'] ?? '').includes('json');
        const stem = life === 'shared' ? 'probe-traces' : `life-${String(life).padStart(4, '0')}`;
        const file = isJson ? `${stem}.jsonl` : `${stem}-${String(index).padStart(6, '0')}.pb`;
        if (life !== 'shared') {
          const files = lives[life]?.files;
          if (files && !files.includes(file)) files.push(file);
        }
        const write = isJson ? appendFile(join(dir, file), `${body.toString('utf8').replace(/\r?\n/g, ' ')}\n`) : writeFile(join(dir, file), body);
        writes = writes.then(() => write);
        await writes;
        response.writeHead(200, { 'content-type': isJson ? 'application/json' : 'application/x-protobuf' }).end(isJson ? '{}' : undefined);
      })
      .catch(() => {
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://${bracketed(host)}:${port}`,
    dir,
    received: () => count,
    endpointFor: (key) => {
      let life = lifeByKey.get(key);
      if (life === undefined) {
        life = lives.push({ key, files: [] }) - 1;
        lifeByKey.set(key, life);
      }
      return `http://${bracketed(host)}:${port}/lives/${life}`;
    },
    filesOf: (key) => {
      const life = lifeByKey.get(key);
      return life === undefined ? [] : [...(lives[life]?.files ?? [])];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** `shared` for the bare `/v1/traces`, a life number for `/lives/<n>/v1/traces`, undefined for anything else. */
function lifeOf(url: string): number | 'shared' | undefined {
  const path = url.split('?')[0] ?? '';
  if (path === '/v1/traces' || path === '/v1/traces/') return 'shared';
  const match = /^\/lives\/(\d{1,6})\/v1\/traces\/?$/.exec(path);
  return match ? Number(match[1]) : undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  const body = Buffer.concat(chunks);
  // Exporters may compress; the stored files are plain so the readers see what was sent.
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body, { maxOutputLength: MAX_BODY_BYTES }) : body;
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
