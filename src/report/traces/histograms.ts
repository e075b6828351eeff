import type { Histogram } from '../../analysis/types.js';
import { plural } from '../present/index.js';

/** Histograms (integer key → count), read without assuming anything about their keys. */

export interface HistogramRow {
  readonly key: number;
  readonly count: number;
}

export function histogramRows(histogram: Histogram): readonly HistogramRow[] {
  return Object.entries(histogram)
    .map(([key, count]) => ({ key: Number(key), count }))
    .filter((row) => Number.isFinite(row.key) && row.count > 0)
    .sort((a, b) => a.key - b.key);
}

export interface HistogramStats {
  readonly count: number;
  readonly median: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles: each one is a key that really occurred, never an interpolation. */
export function histogramStats(histogram: Histogram): HistogramStats | undefined {
  const rows = histogramRows(histogram);
  const count = rows.reduce((sum, row) => sum + row.count, 0);
  const last = rows.at(-1);
  if (count === 0 || last === undefined) return undefined;
  const percentile = (p: number): number => {
    const rank = Math.max(1, Math.ceil(p * count));
    let seen = 0;
    for (const row of rows) {
      seen += row.count;
      if (seen >= rank) return row.key;
    }
    return last.key;
  };
  return { count, median: percentile(0.5), p90: percentile(0.9), p99: percentile(0.99), max: last.key };
}

/**
 * "0: 12 · 1: 5 · 2: 3" — every key when there are few, else the first ones and the rest folded
 * into "6+: n", so a long tail stays one line.
 */
export function histogramSummary(
  histogram: Histogram,
  noun: string,
  maxKeys = 8,
  entry: (key: string, count: string) => string = (key, count) => `${key}: ${count}`,
): string {
  const rows = histogramRows(histogram);
  const shown = rows.length <= maxKeys ? rows : rows.slice(0, maxKeys - 1);
  const rest = rows.slice(shown.length);
  const parts = shown.map((row, i) => entry(String(row.key), i === 0 ? plural(row.count, noun) : String(row.count)));
  const firstRest = rest[0];
  if (firstRest !== undefined) parts.push(entry(`${firstRest.key}+`, String(rest.reduce((sum, row) => sum + row.count, 0))));
  return parts.join(' · ');
}

/** At most `max` items, always the first and the last, the rest evenly spaced between them. */
export function sampleEvenly<T>(items: readonly T[], max: number): readonly T[] {
  if (items.length <= max) return items;
  if (max < 2) return items.slice(0, Math.max(0, max));
  const picked = new Set<number>();
  for (let i = 0; i < max; i++) picked.add(Math.round((i * (items.length - 1)) / (max - 1)));
  return [...picked].sort((a, b) => a - b).flatMap((i) => (items[i] === undefined ? [] : [items[i]]));
}
