import type { TraceAnalyses } from '../../../src/analysis/types.js';
import { alertsSchema, durationMs, type InstantRuleConfig, type WindowRuleConfig } from '../../../src/config/alerts.js';
import type { WindowSnapshot, WindowSnapshots } from '../../../src/server/alerts/index.js';

/** A window rule as mimir.yaml would give it, defaults applied by the schema itself. */
export function windowRule(fields: Record<string, unknown>): WindowRuleConfig {
  const parsed = alertsSchema.parse({ rules: [{ name: 'silent', figure: 'silent-failure-rate', window: '1h', above: 0.1, minSamples: 10, ...fields }] });
  return parsed.rules[0] as WindowRuleConfig;
}

export function instantRule(fields: Record<string, unknown>): InstantRuleConfig {
  const parsed = alertsSchema.parse({ rules: [{ name: 'unapproved', event: 'unapproved-high-risk-call', ...fields }] });
  return parsed.rules[0] as InstantRuleConfig;
}

/**
 * A window whose silent-failure rate is `silent / trials`, for state-machine tests that need a
 * figure and a sample size and nothing else (figures.test.ts reads the real analyses).
 */
export function silentRateSnapshot(silent: number, trials: number): WindowSnapshot {
  const rate = { successes: silent, trials, rate: trials === 0 ? null : silent / trials, interval: null };
  return { traces: { outcomes: { silentFailures: { rate, amongFailedRuns: rate, examples: [{ runId: 'r1', note: 'claimed success; graded failure' }] } } } as unknown as TraceAnalyses };
}

export function windows(window: string, snapshot: WindowSnapshot | undefined): WindowSnapshots {
  return new Map(snapshot === undefined ? [] : [[durationMs(window) ?? 0, snapshot]]);
}

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const at = (minutes: number) => new Date(T0 + minutes * 60_000);
