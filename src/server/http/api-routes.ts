import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLAIMED_STATUSES, type ClaimedStatus, type RunOutcome } from '../../model/index.js';
import { MIMIR_VERSION } from '../../shared/version.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import type { LiveRuns } from '../runs/live-runs.js';
import type { RunFilter, ServeStore, StoredLabel, TimeWindow } from '../store/types.js';
import type { FiguresCache } from '../windows/figures-cache.js';
import { parseLabels } from './labels-body.js';

/**
 * The JSON API the web UI (and `mimir` commands, while the server owns the store) reads:
 *   GET  /api/health                 ingestion and store counts
 *   GET  /api/runs?…                 runs, filtered by claimed / outcome / tool / failure / window
 *   GET  /api/runs/<run or trace id> one run with its steps (stored redacted, as reports show them)
 *   GET  /api/traces/<trace id>      the trace's spans as stored (ids, names, times, status, service)
 *   GET  /api/figures?window=24h     the trace figures of a window: the same analyses as `mimir traces`
 *   GET  /api/tools?window=1h        per-tool calls and errors over a window, from the span table
 *   POST /api/labels                 verified outcomes, as lines of a labels file would give them
 * Windows: `window=1h|24h|7d` (ending now) or `from=<ISO time>&to=<ISO time>`.
 */
export interface ApiContext {
  readonly store: ServeStore;
  readonly pipeline: IngestPipeline;
  readonly liveRuns: LiveRuns;
  readonly startedAtMs: number;
  /** `/api/figures` per window, computed again only when the window's runs changed. */
  readonly figures: FiguresCache;
}

/** Labels taken in one request at most. */
const MAX_LABELS_BODY = 1024 * 1024;
const WINDOWS: Readonly<Record<string, number>> = { '1h': 3600_000, '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000 };
const OUTCOMES: readonly RunOutcome['status'][] = ['success', 'failure', 'unknown'];

/** A request the API cannot answer as asked: 400 with what was expected. */
class BadApiRequest extends Error {
  constructor(
    message: string,
    readonly expected: string,
  ) {
    super(message);
  }
}

export async function handleApi(path: string, query: URLSearchParams, request: IncomingMessage, response: ServerResponse, context: ApiContext): Promise<void> {
  let reply: Reply;
  try {
    reply = await route(path, query, request, context);
  } catch (error) {
    if (!(error instanceof BadApiRequest)) throw error;
    reply = [400, { error: error.message, expected: error.expected }];
  }
  response.writeHead(reply[0], { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(reply[1]));
}

type Reply = readonly [status: number, body: unknown];
const ROUTES = ['/api/health', '/api/runs', '/api/figures', '/api/tools', '/api/labels'];

async function route(path: string, query: URLSearchParams, request: IncomingMessage, context: ApiContext): Promise<Reply> {
  const method = request.method ?? 'GET';
  if (method === 'GET') {
    if (path === '/api/health') return [200, await health(context)];
    if (path === '/api/runs') return [200, { runs: await context.store.findRuns(runFilter(query)) }];
    if (path.startsWith('/api/runs/')) {
      const stored = await context.store.getRun(decodeURIComponent(path.slice('/api/runs/'.length)));
      return stored === undefined ? [404, { error: 'no such run (give a run id or a trace id)' }] : [200, stored];
    }
    if (path.startsWith('/api/traces/')) return traceSpans(context.store, decodeURIComponent(path.slice('/api/traces/'.length)));
    if (path === '/api/figures') return [200, await figures(context.figures, query)];
    if (path === '/api/tools') {
      const window = windowOf(query, '1h');
      return [200, { window: windowJson(window), tools: await context.store.toolErrorRates(window) }];
    }
  }
  if (path === '/api/labels' && method === 'POST') return [200, await postLabels(request, context)];
  request.resume();
  return ROUTES.includes(path) ? [405, { error: `${method} ${path} is not supported` }] : [404, { error: `nothing at ${path}` }];
}

async function health(context: ApiContext): Promise<unknown> {
  const counts = await context.store.counts();
  return {
    status: context.pipeline.pressure() === 'unavailable' ? 'store-failing' : 'ok',
    version: MIMIR_VERSION,
    startedAt: new Date(context.startedAtMs).toISOString(),
    stored: counts,
    ingest: context.pipeline.stats(),
    openRuns: context.liveRuns.openCount,
    memory: memoryMb(),
  };
}

/** The process's memory in MB: resident, the JS heap in use, and what lives outside it (DuckDB's buffers show in rss only). */
function memoryMb(): { rss: number; heapUsed: number; external: number } {
  const { rss, heapUsed, external } = process.memoryUsage();
  const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);
  return { rss: mb(rss), heapUsed: mb(heapUsed), external: mb(external) };
}

async function traceSpans(store: ServeStore, traceId: string): Promise<Reply> {
  const contents = await store.traceContents(traceId.toLowerCase());
  if (contents.spans.length === 0 && contents.events.length === 0) return [404, { error: `no span of trace ${traceId} is stored` }];
  const spans = contents.spans.map(({ service, span }) => ({
    service,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    start: span.startMs === undefined ? undefined : new Date(span.startMs).toISOString(),
    end: span.endMs === undefined ? undefined : new Date(span.endMs).toISOString(),
    status: span.statusCode,
  }));
  return [200, { traceId, spans, events: contents.events.length, damaged: contents.damaged }];
}

/** The analyses of `mimir traces`, over the runs that started in the window (cached while they are unchanged). */
async function figures(cache: FiguresCache, query: URLSearchParams): Promise<unknown> {
  const window = windowOf(query, '24h');
  const key = query.has('from') ? `range:${window.fromMs}:${window.toMs}` : `last:${window.toMs - window.fromMs}`;
  const { runs, analyses } = await cache.figures(key, window);
  return { window: windowJson(window), runs, analyses };
}

async function postLabels(request: IncomingMessage, context: ApiContext): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_LABELS_BODY) throw new BadApiRequest(`the body is over ${MAX_LABELS_BODY} bytes`, 'at most 1 MiB of labels per request');
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new BadApiRequest(`the body is not JSON (${error instanceof Error ? error.message : String(error)})`, 'a label object or a list of them');
  }
  const parsed = parseLabels(body, Date.now());
  if ('error' in parsed) throw new BadApiRequest(parsed.error, parsed.expected);
  const reassessed = new Set<string>();
  for (const label of parsed.labels) {
    await context.store.putLabel(label);
    const names = namesOf(label);
    const traceIds = await context.store.tracesNamedBy(names);
    context.liveRuns.labelStored(names, traceIds);
    for (const traceId of traceIds) reassessed.add(traceId);
  }
  return { accepted: parsed.labels.length, runsReassessed: reassessed.size };
}

const namesOf = (label: StoredLabel): string[] => [label.key, ...label.aliases];

function runFilter(query: URLSearchParams): RunFilter {
  const claimed = query.get('claimed');
  const outcome = query.get('outcome');
  const failure = query.get('failure');
  const limit = query.get('limit');
  if (claimed !== null && !(CLAIMED_STATUSES as readonly string[]).includes(claimed)) throw new BadApiRequest(`claimed=${claimed} is not a claimed status`, CLAIMED_STATUSES.join(' | '));
  if (outcome !== null && !(OUTCOMES as readonly string[]).includes(outcome)) throw new BadApiRequest(`outcome=${outcome} is not a verified outcome`, OUTCOMES.join(' | '));
  if (failure !== null && failure !== 'step' && failure !== 'silent') throw new BadApiRequest(`failure=${failure} is not a failure filter`, 'step (a step failed) | silent (claimed success, verified failure)');
  const count = limit === null ? 100 : Number(limit);
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw new BadApiRequest(`limit=${limit ?? ''} is not a run count`, 'an integer from 1 to 1000');
  const hasWindow = query.has('window') || query.has('from');
  return {
    limit: count,
    ...(claimed !== null && { claimed: claimed as ClaimedStatus }),
    ...(outcome !== null && { outcome: outcome as RunOutcome['status'] }),
    ...(query.get('tool') !== null && { tool: query.get('tool') as string }),
    ...(failure !== null && { failure }),
    ...(hasWindow && { window: windowOf(query, '24h') }),
  };
}

function windowOf(query: URLSearchParams, fallback: string): TimeWindow {
  const from = query.get('from');
  if (from !== null) {
    const to = query.get('to');
    const fromMs = Date.parse(from);
    const toMs = to === null ? Date.now() : Date.parse(to);
    if (Number.isNaN(fromMs) || Number.isNaN(toMs) || toMs <= fromMs) throw new BadApiRequest(`from=${from}${to === null ? '' : `&to=${to}`} is not a window`, 'ISO 8601 times, from before to (to defaults to now)');
    return { fromMs, toMs };
  }
  const name = query.get('window') ?? fallback;
  const length = WINDOWS[name];
  if (length === undefined) throw new BadApiRequest(`window=${name} is not a window`, `${Object.keys(WINDOWS).join(' | ')}, or from=…&to=…`);
  const now = Date.now();
  return { fromMs: now - length, toMs: now + 1 };
}

const windowJson = (window: TimeWindow) => ({ from: new Date(window.fromMs).toISOString(), to: new Date(window.toMs).toISOString() });
