import type { RunFacts, StoredRun } from '../../src/server/store/types.js';

/**
 * The server's JSON API, typed by the server's own contract (src/server/http/api-contract.ts and the
 * store's types): the page reads exactly what the handlers answer, and the typecheck says when they part.
 */
export type {
  AlertsNow,
  AuditDiffReply,
  AuditList,
  Checklist,
  ChecklistAnswerBody,
  ChecklistQuestion,
  ChecksNow,
  ProbesNow,
  ReadinessHistory,
} from '../../src/server/http/api-contract.js';
export type { RunFacts, StoredRun };

export interface Health {
  readonly status: 'ok' | 'store-failing';
  readonly version: string;
  readonly startedAt: string;
  readonly stored: Readonly<Record<string, number>>;
  readonly openRuns: number;
}

export interface RunList {
  readonly runs: readonly RunFacts[];
}

export interface ToolRates {
  readonly window: { readonly from: string; readonly to: string };
  readonly tools: readonly { readonly tool: string; readonly calls: number; readonly errors: number }[];
}

/** What a read gave: the data, or the server saying it has no such endpoint (yet), or an error to show. */
export type Loaded<T> = { readonly kind: 'ok'; readonly data: T } | { readonly kind: 'not-provided'; readonly path: string } | { readonly kind: 'error'; readonly message: string };

/**
 * A server bound beyond loopback needs its token on every API request. The page is opened once as
 * `/?token=<token>`: the token is kept in this tab's session storage (not in the address, which is
 * cleaned at once, nor in a cookie, which the browser would send cross-site) and sent as a bearer.
 */
const TOKEN_KEY = 'mimir.token';

function serverToken(): string | null {
  const params = new URLSearchParams(window.location.search);
  const given = params.get('token');
  if (given !== null) {
    window.sessionStorage.setItem(TOKEN_KEY, given);
    params.delete('token');
    const query = params.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${query === '' ? '' : `?${query}`}${window.location.hash}`);
  }
  return window.sessionStorage.getItem(TOKEN_KEY);
}

function headersWith(headers: Record<string, string>): Record<string, string> {
  const token = serverToken();
  return token === null ? headers : { ...headers, authorization: `Bearer ${token}` };
}

const NEEDS_TOKEN = 'this server needs its token: open this page once as /?token=<the token mimir serve was started with> (kept for this browser tab only)';

export async function getJson<T>(path: string): Promise<Loaded<T>> {
  let response: Response;
  try {
    response = await fetch(path, { headers: headersWith({ accept: 'application/json' }) });
  } catch (error) {
    return { kind: 'error', message: `the server did not answer (${error instanceof Error ? error.message : String(error)})` };
  }
  if (response.status === 404) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    // The API's own "nothing at /api/…" means the endpoint does not exist; another 404 (no such run) is an answer.
    if (body.error === undefined || body.error.startsWith('nothing at')) return { kind: 'not-provided', path: path.split('?')[0] ?? path };
    return { kind: 'error', message: body.error };
  }
  if (response.status === 401) return { kind: 'error', message: NEEDS_TOKEN };
  if (!response.ok) return { kind: 'error', message: await errorText(response) };
  return { kind: 'ok', data: (await response.json()) as T };
}

export async function putJson<T>(path: string, body: unknown): Promise<Loaded<T>> {
  const response = await fetch(path, { method: 'PUT', headers: headersWith({ 'content-type': 'application/json', accept: 'application/json' }), body: JSON.stringify(body) });
  if (response.status === 401) return { kind: 'error', message: NEEDS_TOKEN };
  if (!response.ok) return { kind: 'error', message: await errorText(response) };
  return { kind: 'ok', data: (await response.json()) as T };
}

async function errorText(response: Response): Promise<string> {
  const body = (await response.json().catch(() => ({}))) as { error?: string; expected?: string; hint?: string };
  const parts = [body.error ?? `${response.status} ${response.statusText}`, body.expected && `expected: ${body.expected}`, body.hint].filter(Boolean);
  return parts.join(' — ');
}
