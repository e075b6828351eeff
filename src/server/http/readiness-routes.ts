import type { ServerResponse } from 'node:http';
import type { AlertsConfig } from '../../config/alerts.js';
import type { AlertEngine } from '../alerts/engine.js';
import type { AlertStateStore } from '../alerts/state-store.js';
import type { SeriesState } from '../alerts/types.js';
import type { VerifierPool } from '../verifiers/verifier-pool.js';
import type { ReadinessScheduler } from '../windows/scheduler.js';
import type { ServeStore } from '../store/types.js';
import type { AlertRuleView, AlertsNow, CheckNow, ChecksNow, ReadinessHistory, VerificationsNow } from './api-contract.js';

/**
 * The readiness, alert and verifier part of the API, in the types of api-contract.ts:
 *   GET /api/readiness?window=1h&limit=N   ReadinessHistory (points oldest first; default 100, at most 1000)
 *   GET /api/checks?window=1h              ChecksNow (each check's outcome in the last 100 points)
 *   GET /api/alerts?limit=N                AlertsNow (history newest first; default 100)
 *   GET /api/verifications?limit=N         VerificationsNow (the verifiers' counters, their latest answers newest first)
 * Windows are those the server keeps: 1h, 24h, 7d, `serve.windows` and the alert rules' windows.
 */
export interface ReadinessApiContext {
  readonly store: ServeStore;
  readonly scheduler: ReadinessScheduler;
  readonly alertsConfig: AlertsConfig | undefined;
  readonly alerts: AlertEngine | undefined;
  readonly alertState: AlertStateStore | undefined;
  readonly verifiers: VerifierPool | undefined;
}

type Reply = readonly [status: number, body: unknown];
const PATHS = new Set(['/api/readiness', '/api/checks', '/api/alerts', '/api/verifications']);
/** Points a check's history reaches back over. */
const CHECK_HISTORY_POINTS = 100;

/** Answers the request when the path is one of these routes; false lets the main API answer it. */
export async function handleReadinessApi(path: string, query: URLSearchParams, method: string, response: ServerResponse, context: ReadinessApiContext): Promise<boolean> {
  if (!PATHS.has(path)) return false;
  const reply = method === 'GET' ? await route(path, query, context) : ([405, { error: `${method} ${path} is not supported; it answers GET` }] as const);
  response.writeHead(reply[0], { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(reply[1]));
  return true;
}

async function route(path: string, query: URLSearchParams, context: ReadinessApiContext): Promise<Reply> {
  const limit = limitOf(query);
  if (typeof limit === 'string') return [400, { error: limit, expected: 'an integer from 1 to 1000' }];
  if (path === '/api/alerts') return [200, await alertsNow(context, limit)];
  if (path === '/api/verifications') {
    const reply: VerificationsNow = {
      verifiers: context.verifiers?.stats() ?? [],
      verifications: (await context.store.verifications(limit)).map(({ atMs, ...rest }) => ({ at: new Date(atMs).toISOString(), ...rest })),
    };
    return [200, reply];
  }
  const name = query.get('window') ?? '1h';
  if (!context.scheduler.windows.some((window) => window.name === name)) {
    return [400, { error: `window=${name} is not a window this server keeps`, expected: context.scheduler.windows.map((window) => window.name).join(' | ') }];
  }
  if (path === '/api/readiness') {
    const points = await context.store.readinessPoints(name, limit);
    const history: ReadinessHistory = { window: name, points: points.map((stored) => stored.point), nextAt: context.scheduler.nextAt()?.toISOString() };
    return [200, history];
  }
  return [200, await checksNow(context.store, name)];
}

async function checksNow(store: ServeStore, window: string): Promise<ChecksNow> {
  const points = await store.readinessPoints(window, CHECK_HISTORY_POINTS);
  const latest = points.at(-1);
  const oldest = points[0];
  if (latest === undefined || oldest === undefined) return { window, at: undefined, checks: [] };
  const byCheck = new Map<string, { at: string; outcome: CheckNow['outcome'] }[]>();
  for (const entry of await store.checkHistory(window, Date.parse(oldest.point.at))) {
    const list = byCheck.get(entry.checkId) ?? [];
    list.push({ at: new Date(entry.atMs).toISOString(), outcome: entry.outcome });
    byCheck.set(entry.checkId, list);
  }
  const checks = latest.checks.map((check): CheckNow => ({ ...check, history: byCheck.get(check.id) ?? [] }));
  return { window, at: latest.point.at, checks };
}

const STATUS_ORDER: Readonly<Record<SeriesState['status'], number>> = { firing: 0, pending: 1, 'no-data': 2, ok: 3 };

async function alertsNow(context: ReadinessApiContext, limit: number): Promise<AlertsNow> {
  if (context.alertsConfig === undefined || context.alerts === undefined || context.alertState === undefined) {
    return { rules: [], series: [], history: [], delivery: 'alerts: no rules (add an alerts section to mimir.yaml and start mimir serve with -c mimir.yaml)' };
  }
  const state = await context.alertState.load();
  const series = Object.values(state.series).sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.rule.localeCompare(b.rule));
  const history = [...(await context.alertState.history(limit))].reverse();
  return { rules: context.alertsConfig.rules.map(ruleView), series, history, delivery: context.alerts.describeDelivery("mimir serve's log (its standard error)") };
}

function ruleView(rule: AlertsConfig['rules'][number]): AlertRuleView {
  if ('event' in rule) return { name: rule.name, kind: 'instant', event: rule.event };
  const threshold = rule.above !== undefined ? `above ${String(rule.above)}` : `below ${String(rule.below)}`;
  return { name: rule.name, kind: 'window', figure: rule.figure, window: rule.window, threshold, minSamples: rule.minSamples, for: rule.for, noData: rule.noData };
}

function limitOf(query: URLSearchParams): number | string {
  const text = query.get('limit');
  if (text === null) return 100;
  const limit = Number(text);
  return Number.isInteger(limit) && limit >= 1 && limit <= 1000 ? limit : `limit=${text} is not a count`;
}
