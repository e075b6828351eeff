import type { RunRef, TraceAnalyses } from '../../analysis/types.js';
import type { AlertFigure, NoDataPolicy } from '../../config/alerts.js';
import type { Audit } from '../../model/index.js';

/**
 * The shapes the alert engine shares with the server that drives it. The server computes, per
 * window, what `mimir traces` computes for the runs of that window (and, when it has one, the
 * window's audit); the engine only reads those figures, never recomputes them.
 */
export interface WindowSnapshot {
  /** The runs of the window, analysed as `mimir traces` does (`analyzeRuns`); absent when the window has no runs. */
  readonly traces?: TraceAnalyses;
  /** The audit of the window (trace evidence of the window + probes + attestations), when one was computed. */
  readonly audit?: Pick<Audit, 'score' | 'findings'>;
}

/** Snapshots by window length in milliseconds (so `60m` and `1h` are one window). */
export type WindowSnapshots = ReadonlyMap<number, WindowSnapshot>;

/** One closed run's facts for instant rules: the analyses of that run alone. */
export interface ClosedRun {
  readonly runId: string;
  readonly traces: TraceAnalyses;
}

/** What a series of a window rule is doing. `ok` is also where a resolved alert rests. */
export const SERIES_STATUSES = ['ok', 'pending', 'firing', 'no-data'] as const;
export type SeriesStatus = (typeof SERIES_STATUSES)[number];

/** Notified states: `pending` is recorded in the history, never sent (a pending alert that clears is the noise `for` exists to hold back). */
export type NotifiedState = 'firing' | 'resolved' | 'no-data';

export type SeriesLabels = Readonly<Record<string, string>>;

/** One series' state: a rule, for one set of labels (e.g. one tool). Plain JSON, so the server can persist it. */
export interface SeriesState {
  readonly rule: string;
  readonly labels: SeriesLabels;
  readonly status: SeriesStatus;
  /** When the current status began (ISO 8601). */
  readonly since: string;
  /** When the condition started to hold (pending, then firing): the alert's start. */
  readonly activeSince?: string;
  /** Notifications this series has sent: numbers each one, so every notification has an id of its own. */
  readonly notifications: number;
  readonly lastValue?: number | null;
  readonly lastSampleSize?: number;
}

/** An entry of the alert history, one per state change (pending included). */
export interface AlertHistoryEntry {
  readonly at: string;
  readonly rule: string;
  readonly labels: SeriesLabels;
  readonly from: SeriesStatus | 'none';
  readonly to: SeriesStatus | 'resolved';
  readonly value: number | null;
  readonly sampleSize: number;
  /** The notification this change sent, when it sent one. */
  readonly notificationId?: string;
}

/** Everything the engine remembers between evaluations; plain JSON. */
export interface AlertState {
  readonly version: 1;
  /** Window rules' series, by series key (rule + labels). */
  readonly series: Readonly<Record<string, SeriesState>>;
  /** Instant rules: the runs already notified, by rule, oldest first (bounded), so a run reopened by a late span is not notified twice. */
  readonly notifiedRuns: Readonly<Record<string, readonly string[]>>;
}

export const EMPTY_ALERT_STATE: AlertState = { version: 1, series: {}, notifiedRuns: {} };

export type AlertThreshold = { readonly above: number | string } | { readonly below: number | string };

/** A run a notification links to: one of the analysis' examples behind the figure. */
export interface AlertRunLink extends RunRef {
  /** Where the server shows the run, when the engine was given a way to link it. */
  readonly url?: string;
}

/**
 * The notification body, POSTed to webhooks and written to commands' stdin (README, "Alert
 * rules", documents every field). Version 1: fields are only ever added.
 */
export interface AlertNotification {
  readonly version: 1;
  /** Unique per state change: the series key, the series' notification number and the time. Receivers may deduplicate on it. */
  readonly id: string;
  readonly rule: string;
  readonly kind: 'window' | 'instant';
  readonly state: NotifiedState;
  /** One line for chat and pagers. */
  readonly summary: string;
  readonly figure?: AlertFigure;
  readonly event?: string;
  /** The figure's value (null when there was no data); for `verdict`, 0 red, 1 yellow, 2 green. */
  readonly value: number | null;
  readonly threshold?: AlertThreshold;
  /** The window, as written in the rule. */
  readonly window?: string;
  readonly sampleSize: number;
  readonly minSamples?: number;
  readonly noData?: NoDataPolicy;
  readonly labels: SeriesLabels;
  readonly runs: readonly AlertRunLink[];
  /** When the condition started to hold. */
  readonly startedAt: string;
  readonly resolvedAt?: string;
  /** When this notification was made. */
  readonly at: string;
}
