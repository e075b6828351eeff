import { durationMs, type WindowRuleConfig } from '../../config/alerts.js';
import { FIGURES, thresholdValue, type FigureReading } from './figures.js';
import { describeNotification, linkRuns, type LinkOptions } from './notification.js';
import type { AlertHistoryEntry, AlertNotification, AlertState, NotifiedState, SeriesLabels, SeriesState, SeriesStatus, WindowSnapshots } from './types.js';

/**
 * The window rules' state machine, pure: the same rules, snapshots, state and clock give the same
 * result, and evaluating again with nothing changed gives no notification. Per series (a rule and
 * its labels, e.g. one tool):
 *
 *   ok ──condition holds──► pending ──held `for` long──► firing ──condition clears──► ok (resolved)
 *   pending ──condition clears──► ok (recorded, not notified)
 *   any ──no data, policy no-data──► no-data ──data again──► as the data says (resolved, unless it fires at once)
 *
 * Without data (no runs, or fewer samples than `minSamples`) the rule never reads the figure: it
 * follows its `noData` policy. `keep-state` changes nothing, and a pending alert never fires
 * while there is no data: firing needs evidence (it fires when data shows the condition still holds
 * and `for` has passed since it began).
 */
export interface EvaluationResult {
  readonly state: AlertState;
  readonly notifications: readonly AlertNotification[];
  readonly history: readonly AlertHistoryEntry[];
}

/** A series' key: the rule and its labels, in a stable order. */
export function seriesKey(rule: string, labels: SeriesLabels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`);
  return parts.length === 0 ? rule : `${rule}{${parts.join(',')}}`;
}

export function evaluateWindowRules(
  rules: readonly WindowRuleConfig[],
  snapshots: WindowSnapshots,
  state: AlertState,
  now: Date,
  options: LinkOptions = {},
): EvaluationResult {
  const at = now.toISOString();
  const ruleNames = new Set(rules.map((rule) => rule.name));
  // Series of rules no longer configured are forgotten (silently: the rule, not the system, changed).
  const series: Record<string, SeriesState> = Object.fromEntries(Object.entries(state.series).filter(([, s]) => ruleNames.has(s.rule)));
  const notifications: AlertNotification[] = [];
  const history: AlertHistoryEntry[] = [];

  for (const rule of rules) {
    const windowMs = durationMs(rule.window) ?? 0;
    const readings = new Map<string, FigureReading>();
    for (const reading of FIGURES[rule.figure].read(snapshots.get(windowMs) ?? {}, rule)) readings.set(seriesKey(rule.name, reading.labels), reading);
    // A series the window no longer shows (a tool not called in it) has no data this time.
    for (const [key, known] of Object.entries(series)) {
      if (known.rule === rule.name && !readings.has(key)) readings.set(key, { labels: known.labels, value: null, sampleSize: 0, runs: [] });
    }
    for (const [key, read] of readings) {
      // Below the minimum sample the figure is not shown anywhere, so no one reads a number the rule did not use.
      const reading = read.sampleSize < rule.minSamples ? { ...read, value: null } : read;
      const step = advance(rule, series[key], reading, now);
      if (step === undefined) continue;
      if (step.next === undefined) {
        Reflect.deleteProperty(series, key);
      } else {
        series[key] = step.next;
      }
      if (step.change === undefined) continue;
      const { from, to, notify } = step.change;
      const notification =
        notify === undefined ? undefined : windowNotification(rule, key, step.next ?? series[key], step.previous, notify, reading, at, options);
      if (notification !== undefined) notifications.push(notification);
      history.push({
        at,
        rule: rule.name,
        labels: reading.labels,
        from,
        to,
        value: reading.value,
        sampleSize: reading.sampleSize,
        ...(notification !== undefined && { notificationId: notification.id }),
      });
    }
  }
  return { state: { ...state, series }, notifications, history };
}

interface Step {
  readonly previous: SeriesState | undefined;
  /** undefined: forget the series. */
  readonly next: SeriesState | undefined;
  readonly change?: { readonly from: SeriesStatus | 'none'; readonly to: SeriesStatus | 'resolved'; readonly notify?: NotifiedState };
}

/** One series' next state; undefined when nothing at all changes. */
function advance(rule: WindowRuleConfig, previous: SeriesState | undefined, reading: FigureReading, now: Date): Step | undefined {
  const at = now.toISOString();
  const measured = reading.value !== null && reading.sampleSize >= rule.minSamples;
  const status = previous?.status ?? 'ok';
  const from = previous?.status ?? 'none';
  const base: SeriesState = previous ?? { rule: rule.name, labels: reading.labels, status: 'ok', since: at, notifications: 0 };
  const observed = { ...base, lastValue: reading.value, lastSampleSize: reading.sampleSize };

  let holds: boolean;
  if (measured) {
    holds = breaches(rule, reading.value);
  } else {
    switch (rule.noData) {
      case 'keep-state':
        return undefined;
      case 'no-data': {
        if (status === 'no-data') return undefined;
        const next: SeriesState = { rule: base.rule, labels: base.labels, status: 'no-data', since: at, notifications: base.notifications + 1, lastValue: reading.value, lastSampleSize: reading.sampleSize };
        return { previous, next, change: { from, to: 'no-data', notify: 'no-data' } };
      }
      case 'ok':
        holds = false;
        break;
      case 'alerting':
        holds = true;
        break;
    }
  }

  if (!holds) {
    const rest: SeriesState = { rule: base.rule, labels: base.labels, status: 'ok', since: at, notifications: base.notifications };
    switch (status) {
      case 'ok':
        if (measured) return { previous, next: observed };
        if (previous === undefined) return undefined;
        // A quiet series without data is forgotten, which keeps the state bounded; one that has
        // notified keeps its count, so the ids of its later notifications stay unique.
        return { previous, next: base.notifications === 0 ? undefined : observed };
      case 'pending':
        return { previous, next: { ...rest, lastValue: reading.value, lastSampleSize: reading.sampleSize }, change: { from, to: 'ok' } };
      case 'firing':
      case 'no-data':
        return {
          previous,
          next: { ...rest, lastValue: reading.value, lastSampleSize: reading.sampleSize, notifications: base.notifications + 1 },
          change: { from, to: 'resolved', notify: 'resolved' },
        };
    }
  }

  const forMs = durationMs(rule.for) ?? 0;
  switch (status) {
    case 'ok':
    case 'no-data':
      if (forMs === 0) return { previous, next: { ...observed, status: 'firing', since: at, activeSince: at, notifications: base.notifications + 1 }, change: { from, to: 'firing', notify: 'firing' } };
      // Leaving no-data for pending ends a notified state, so receivers hear that data is back (resolved).
      if (status === 'no-data') {
        return { previous, next: { ...observed, status: 'pending', since: at, activeSince: at, notifications: base.notifications + 1 }, change: { from, to: 'pending', notify: 'resolved' } };
      }
      return { previous, next: { ...observed, status: 'pending', since: at, activeSince: at }, change: { from, to: 'pending' } };
    case 'pending': {
      const activeSince = base.activeSince ?? base.since;
      if (now.getTime() - Date.parse(activeSince) < forMs) return { previous, next: observed };
      return { previous, next: { ...observed, status: 'firing', since: at, activeSince, notifications: base.notifications + 1 }, change: { from, to: 'firing', notify: 'firing' } };
    }
    case 'firing':
      return { previous, next: observed };
  }
}

/** Whether a measured value crosses the rule's threshold (strictly). */
export function breaches(rule: WindowRuleConfig, value: number): boolean {
  if (rule.above !== undefined) return value > thresholdValue(rule.above);
  if (rule.below !== undefined) return value < thresholdValue(rule.below);
  return false;
}

function windowNotification(
  rule: WindowRuleConfig,
  key: string,
  next: SeriesState | undefined,
  previous: SeriesState | undefined,
  state: NotifiedState,
  reading: FigureReading,
  at: string,
  options: LinkOptions,
): AlertNotification {
  const sequence = next?.notifications ?? (previous?.notifications ?? 0) + 1;
  const startedAt = state === 'resolved' ? (previous?.activeSince ?? previous?.since ?? at) : (next?.activeSince ?? at);
  const notification: Omit<AlertNotification, 'summary'> = {
    version: 1,
    id: `${key}#${sequence}@${at}`,
    rule: rule.name,
    kind: 'window',
    state,
    figure: rule.figure,
    value: reading.value,
    threshold: rule.above !== undefined ? { above: rule.above } : { below: rule.below ?? 0 },
    window: rule.window,
    sampleSize: reading.sampleSize,
    minSamples: rule.minSamples,
    noData: rule.noData,
    labels: reading.labels,
    runs: linkRuns(reading.runs, options),
    startedAt,
    ...(state === 'resolved' && { resolvedAt: at }),
    at,
  };
  return { ...notification, summary: describeNotification(notification) };
}
