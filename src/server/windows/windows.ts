import { durationMs } from '../../config/alerts.js';
import { BUILT_IN_WINDOWS } from '../../config/serve.js';

/** A readiness window: the runs that started in the last `ms` milliseconds, named as mimir.yaml writes durations. */
export interface ReadinessWindow {
  readonly name: string;
  readonly ms: number;
}

const UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** The largest unit that divides the length: 3 600 000 → `1h`, 5 400 000 → `90m`. Days only up to 7d, so `24h` stays `24h`. */
export function windowName(ms: number): string {
  for (const [unit, size] of UNITS) {
    if (unit === 'd' && ms < 7 * size) continue;
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * 1h, 24h and 7d, then `serve.windows`, then the windows the alert rules read: one per length (so
 * `60m` and `1h` are one window), shortest first.
 */
export function readinessWindows(custom: readonly string[], alertWindowsMs: readonly number[]): ReadinessWindow[] {
  const byLength = new Map<number, string>();
  for (const text of [...BUILT_IN_WINDOWS, ...custom]) {
    const ms = durationMs(text);
    if (ms !== undefined && ms > 0 && !byLength.has(ms)) byLength.set(ms, windowName(ms));
  }
  for (const ms of alertWindowsMs) if (ms > 0 && !byLength.has(ms)) byLength.set(ms, windowName(ms));
  return [...byLength].map(([ms, name]) => ({ name, ms })).sort((a, b) => a.ms - b.ms);
}
