import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { TraceReadOptions } from '../evidence/trace/types.js';
import type { SecretPattern } from '../shared/redact.js';
import type { LoadedConfig } from '../audit/load-config.js';
import { handleAudits } from './audits/audit-routes.js';
import { handleApi, type ApiContext } from './http/api-routes.js';
import { FiguresCache } from './windows/figures-cache.js';
import { createChecklistService, type ChecklistSource } from './checklist/checklist.js';
import { handleChecklist } from './http/checklist-routes.js';
import { handleReadinessApi } from './http/readiness-routes.js';
import { createGuard } from './http/guard.js';
import { defaultWebRoot, handleStatic, isWebPath } from './http/static-routes.js';
import { handleExport } from './http/otlp-routes.js';
import { IngestPipeline } from './ingest/pipeline.js';
import { openSegmentLog } from './ingest/segment-log.js';
import { handleProbes, type ProbeResultsSource } from './probes/probes-now.js';
import { createRunAssembler } from './runs/assemble-run.js';
import { LiveRuns, type RunClosedHook } from './runs/live-runs.js';
import { openDuckDbStore } from './store/duckdb-store.js';
import type { ServeStore } from './store/types.js';
import { createMonitoring, type Monitoring } from './windows/monitoring.js';

/**
 * `mimir serve`: one process that receives OTLP, keeps it durably, assembles runs live and answers
 * the JSON API. Start order matters for durability: the store opens, the ingest log's unapplied
 * batches are replayed into it, open traces are found again, and only then does the port open.
 */
export interface ServeOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** Holds `ingest/` (the durable log) and `mimir.duckdb` (the store). */
  readonly dataDir: string;
  readonly token: string | undefined;
  readonly readOptions: TraceReadOptions;
  /** Undefined: spans are stored as they came (`--no-redact`). */
  readonly redaction: readonly SecretPattern[] | undefined;
  readonly quietMs: number;
  readonly maxOpenMs: number;
  readonly maxOpenTraces: number;
  readonly maxBodyBytes: number;
  readonly maxQueuedBytes: number;
  readonly onStoreError?: (error: unknown) => void;
  /** The store behind the interface (default: DuckDB in `<dataDir>/mimir.duckdb`); another backend plugs in here. */
  readonly openStore?: (dataDir: string) => Promise<ServeStore>;
  /** mimir.yaml and its answers file, for the checklist walk-through in the web UI (`/api/checklist`). */
  readonly checklist?: ChecklistSource;
  /** The built web UI (default: dist/web). */
  readonly webRoot?: string;
  /** mimir.yaml's probes section: `GET /api/probes` reads its results file. */
  readonly probeResults?: ProbeResultsSource;
  /** mimir.yaml (`-c`): the window audits' system, policy, answers and probes, the alert rules, `serve.windows` and the verifiers. */
  readonly config?: LoadedConfig;
  /** The server's log: where notifications go, readiness warnings, delivery failures. */
  readonly log?: (line: string) => void;
  /** Overrides `serve.evaluateEvery` (tests use a short one). */
  readonly evaluateEveryMs?: number;
}

export const DEFAULT_SERVE_LIMITS = {
  quietMs: 5000,
  maxOpenMs: 10 * 60_000,
  maxOpenTraces: 50_000,
  maxBodyBytes: 16 * 1024 * 1024,
  maxQueuedBytes: 64 * 1024 * 1024,
} as const;

/** How long closing waits for requests in flight before cutting their connections. */
const CLOSE_GRACE_MS = 2000;

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Batches found in the ingest log on start and applied to the store. */
  readonly replayed: number;
  readonly store: ServeStore;
  readonly liveRuns: LiveRuns;
  /** Readiness windows, alert rules and verifiers, fed by closed runs. */
  readonly monitoring: Monitoring;
  /** More work on closed runs hooks in here (the verifiers, alert rules and readiness windows of `monitoring` do). */
  onRunClosed(hook: RunClosedHook): void;
  close(): Promise<void>;
}

export async function startServe(options: ServeOptions): Promise<RunningServer> {
  const store = await (options.openStore ?? ((dir: string) => openDuckDbStore(join(dir, 'mimir.duckdb'))))(options.dataDir);
  const log = await openSegmentLog(join(options.dataDir, 'ingest'));
  const liveRuns = new LiveRuns(store, createRunAssembler(options.readOptions), { ...options, ...(options.onStoreError && { onError: options.onStoreError }) });
  const pipeline = new IngestPipeline(log, store, {
    maxQueuedBytes: options.maxQueuedBytes,
    applyGroup: 64,
    onApplied: (batches) => {
      for (const batch of batches) liveRuns.noteBatch(batch);
    },
    ...(options.onStoreError && { onStoreError: options.onStoreError }),
  });
  const replayed = await pipeline.replay();
  await liveRuns.restore();
  let baseUrl = '';
  const monitoring = createMonitoring({
    store,
    liveRuns,
    config: options.config,
    log: options.log ?? (() => undefined),
    onError: options.onStoreError ?? (() => undefined),
    ...(options.evaluateEveryMs !== undefined && { evaluateEveryMs: options.evaluateEveryMs }),
    runUrl: (runId) => `${baseUrl}/api/runs/${encodeURIComponent(runId)}`,
    redaction: options.redaction ?? false,
  });
  liveRuns.start();

  const guard = createGuard({ host: options.host, token: options.token, public: (method, path) => (method === 'GET' || method === 'HEAD') && isWebPath(path) });
  const api: ApiContext = { store, pipeline, liveRuns, startedAtMs: Date.now(), figures: new FiguresCache(store) };
  const checklist = options.checklist && createChecklistService(options.checklist);
  const webRoot = options.webRoot ?? defaultWebRoot();
  const audits = { store, redaction: options.redaction, maxBodyBytes: options.maxBodyBytes };
  const otlp = { pipeline, maxBodyBytes: options.maxBodyBytes, maxAttributeBytes: options.readOptions.maxAttributeBytes, redaction: options.redaction, retryAfterSeconds: 1 };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const refusal = guard(request);
    if (refusal) {
      request.resume();
      response.writeHead(refusal.status, { 'content-type': 'application/json', ...(refusal.status === 401 && { 'www-authenticate': 'Bearer' }) }).end(JSON.stringify({ error: refusal.message }));
      return;
    }
    const url = new URL(request.url ?? '/', 'http://mimir.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/v1/traces') return handleExport('traces', request, response, otlp);
    if (path === '/v1/logs') return handleExport('logs', request, response, otlp);
    if (path === '/api/checklist' || path.startsWith('/api/checklist/')) return handleChecklist(path, request, response, checklist);
    if (path === '/api/audits' || path.startsWith('/api/audits/')) return handleAudits(path, url.searchParams, request, response, audits);
    if (path === '/api/probes') return handleProbes(request, response, options.probeResults);
    if (path.startsWith('/api/')) {
      if (await handleReadinessApi(path, url.searchParams, request.method ?? 'GET', response, monitoring.api)) {
        request.resume();
        return;
      }
      return handleApi(path, url.searchParams, request, response, api);
    }
    if (isWebPath(url.pathname)) return handleStatic(url.pathname, request, response, webRoot);
    request.resume();
    response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `nothing at ${path}: the web UI is at /, OTLP goes to /v1/traces and /v1/logs, the API is under /api/` }));
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.onStoreError?.(error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'internal error: the request was not stored' }));
    });
  });
  server.keepAliveTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await liveRuns.stop();
    await monitoring.close();
    await pipeline.stop();
    await log.close();
    await store.close();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  baseUrl = `http://${hostInUrl}:${port}`;
  monitoring.start();
  return {
    url: baseUrl,
    port,
    replayed,
    store,
    liveRuns,
    monitoring,
    onRunClosed: (hook) => {
      liveRuns.onRunClosed(hook);
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeIdleConnections();
        // Requests still open after the grace period were never acknowledged: their exporters retry them.
        setTimeout(() => {
          server.closeAllConnections();
        }, CLOSE_GRACE_MS).unref();
      });
      // Everything acknowledged reaches the store; open runs stay open and are found again on start.
      await pipeline.drain();
      await liveRuns.stop();
      await monitoring.close();
      await pipeline.stop();
      await log.close();
      await store.close();
    },
  };
}
