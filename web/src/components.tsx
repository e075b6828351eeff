import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson, type Loaded } from './api.js';

/** Reads an endpoint when the page opens (and again when `key` changes, or every `refreshMs`). */
export function useApi<T>(path: string | undefined, refreshMs?: number): Loaded<T> | undefined {
  const [loaded, setLoaded] = useState<Loaded<T> | undefined>(undefined);
  useEffect(() => {
    if (path === undefined) return undefined;
    let live = true;
    const read = () => {
      void getJson<T>(path).then((result) => {
        if (live) setLoaded(result);
      });
    };
    read();
    const timer = refreshMs === undefined ? undefined : window.setInterval(read, refreshMs);
    return () => {
      live = false;
      if (timer !== undefined) window.clearInterval(timer);
    };
  }, [path, refreshMs]);
  return loaded;
}

/** Shows the data, or says plainly why there is none: still loading, not provided by this server, or an error. */
export function Show<T>({ loaded, what, children }: { loaded: Loaded<T> | undefined; what: string; children: (data: T) => ComponentChildren }) {
  if (loaded === undefined) return <p class="muted" aria-busy="true">Loading {what}…</p>;
  if (loaded.kind === 'not-provided') {
    return (
      <p class="notice" role="status">
        This server does not provide {what} yet (<code>{loaded.path}</code> answered 404).
      </p>
    );
  }
  if (loaded.kind === 'error') {
    return (
      <p class="notice error" role="alert">
        Could not read {what}: {loaded.message}
      </p>
    );
  }
  return <>{children(loaded.data)}</>;
}

export function VerdictBadge({ verdict }: { verdict: 'red' | 'yellow' | 'green' }) {
  return <span class={`badge badge-${verdict}`}>{verdict.toUpperCase()}</span>;
}

export function OutcomePill({ outcome }: { outcome: string }) {
  return <span class={`pill outcome-${outcome}`}>{outcome}</span>;
}

export function StatusPill({ status }: { status: string }) {
  return <span class={`pill status-${status}`}>{status}</span>;
}

export function time(iso: string | number | undefined): string {
  if (iso === undefined) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(Math.round(value * 1000) / 10).toFixed(1)}%`;
}

/** Scores as mimir's reports show them (src/scoring/score.ts formatScore): one decimal. */
export function score(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(1);
}
