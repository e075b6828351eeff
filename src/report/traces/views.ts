import type { Rate, TraceAnalyses } from '../../analysis/types.js';
import { failureRate } from '../present/index.js';

/** Derived views shared by the text tables and the HTML charts. */

export interface ToolReliability {
  readonly tool: string;
  readonly failures: Rate;
}

/** Tools worst first: highest failure rate, then most calls (more evidence), then by name. */
export function toolsWorstFirst(byTool: Readonly<Record<string, Rate>>): readonly ToolReliability[] {
  return Object.entries(byTool)
    .map(([tool, rate]) => ({ tool, failures: failureRate(rate) }))
    .sort((a, b) => (b.failures.rate ?? -1) - (a.failures.rate ?? -1) || b.failures.trials - a.failures.trials || (a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0));
}

export interface ConfidenceBand {
  /** Lowest confidence in the band, in hundredths. */
  readonly from: number;
  readonly to: number;
  readonly outputs: number;
  readonly reviewed: number;
}

/** Confidence in hundredths folded into tenths (0.90–1.00 is one band), non-empty bands only. */
export function confidenceBands(confidence: TraceAnalyses['oversight']['confidence']): readonly ConfidenceBand[] {
  const bands = new Map<number, { outputs: number; reviewed: number }>();
  for (const [key, value] of Object.entries(confidence)) {
    const hundredths = Number(key);
    if (!Number.isFinite(hundredths)) continue;
    const band = Math.min(90, Math.max(0, Math.floor(hundredths / 10) * 10));
    const sum = bands.get(band) ?? { outputs: 0, reviewed: 0 };
    sum.outputs += value.outputs;
    sum.reviewed += value.reviewed;
    bands.set(band, sum);
  }
  return [...bands.entries()]
    .sort(([a], [b]) => a - b)
    .filter(([, v]) => v.outputs > 0)
    .map(([from, v]) => ({ from, to: from === 90 ? 100 : from + 9, ...v }));
}

/** "0.70–0.79" */
export function formatConfidenceBand(band: ConfidenceBand): string {
  return `${(band.from / 100).toFixed(2)}–${(band.to / 100).toFixed(2)}`;
}
