import type { Rate, RunRef, TraceAnalyses } from '../../analysis/types.js';
import type { AlertFigure, WindowRuleConfig } from '../../config/alerts.js';
import { VERDICTS, type Verdict } from '../../model/index.js';
import { matchesWildcard } from '../../shared/wildcard.js';
import type { SeriesLabels, WindowSnapshot } from './types.js';

/**
 * How each alertable figure is read, with its sample size, from what `mimir traces` computes for
 * a window's runs (TraceAnalyses) or from the window's audit. Nothing is recomputed here: a figure
 * is a field of those results, and its sample size is the denominator that field was computed
 * over. A figure the window cannot give is `null` with sample size 0, never a guess.
 */
export interface FigureReading {
  readonly labels: SeriesLabels;
  /** null: no data (nothing to compute the figure from). */
  readonly value: number | null;
  /** What the value was computed over: runs, steps, tasks or calls. */
  readonly sampleSize: number;
  /** The analysis' example runs behind the figure (bounded by the analysis). */
  readonly runs: readonly RunRef[];
}

interface FigureReader {
  /** What the sample size counts, for the README and notification summaries. */
  readonly counts: string;
  read(snapshot: WindowSnapshot, rule: WindowRuleConfig): readonly FigureReading[];
}

const NO_LABELS: SeriesLabels = {};

function fromRate(rate: Rate | undefined, runs: readonly RunRef[] = []): FigureReading[] {
  if (rate === undefined) return [{ labels: NO_LABELS, value: null, sampleSize: 0, runs: [] }];
  return [{ labels: NO_LABELS, value: rate.rate, sampleSize: rate.trials, runs }];
}

/** One reading from the traces of the window, or a no-data reading when the window has none. */
function fromTraces(read: (traces: TraceAnalyses) => FigureReading[]) {
  return (snapshot: WindowSnapshot): readonly FigureReading[] =>
    snapshot.traces === undefined ? [{ labels: NO_LABELS, value: null, sampleSize: 0, runs: [] }] : read(snapshot.traces);
}

/** Per-tool readings, one series per tool the window's runs called (narrowed by the rule's `tool:` wildcard). */
function perTool(value: (rate: Rate) => number | null) {
  return (snapshot: WindowSnapshot, rule: WindowRuleConfig): readonly FigureReading[] => {
    const byTool = snapshot.traces?.reliability.byTool ?? {};
    const failed = snapshot.traces?.reliability.failedStepExamples ?? [];
    return Object.entries(byTool)
      .filter(([tool]) => rule.tool === undefined || matchesWildcard(rule.tool, tool))
      .map(([tool, rate]) => ({
        labels: { tool },
        value: rate.trials === 0 ? null : value(rate),
        sampleSize: rate.trials,
        // The reliability analysis names the tool at the start of each failed step's note.
        runs: failed.filter((ref) => ref.note?.startsWith(`tool ${tool} failed`) === true),
      }));
  };
}

/** Verdicts as numbers for thresholds: red 0 < yellow 1 < green 2. */
export function verdictLevel(verdict: Verdict): number {
  return VERDICTS.length - 1 - VERDICTS.indexOf(verdict);
}

/** Findings the audit's score rests on: answered by some evidence (not insufficient-evidence, not n/a). */
function answeredFindings(snapshot: WindowSnapshot): number {
  return snapshot.audit?.findings.filter((finding) => finding.outcome !== 'insufficient-evidence' && finding.outcome !== 'not-applicable').length ?? 0;
}

function fromAudit(value: (audit: NonNullable<WindowSnapshot['audit']>) => number) {
  return (snapshot: WindowSnapshot): readonly FigureReading[] =>
    snapshot.audit === undefined
      ? [{ labels: NO_LABELS, value: null, sampleSize: 0, runs: [] }]
      : [{ labels: NO_LABELS, value: value(snapshot.audit), sampleSize: answeredFindings(snapshot), runs: [] }];
}

export const DEFAULT_PASS_K = 2;

export const FIGURES: Readonly<Record<AlertFigure, FigureReader>> = {
  'silent-failure-rate': {
    counts: 'runs that claimed success and whose real result is known',
    read: fromTraces((t) => fromRate(t.outcomes.silentFailures.rate, t.outcomes.silentFailures.examples)),
  },
  'silent-failures-among-failed': {
    counts: 'runs known to have failed whose claim is known',
    read: fromTraces((t) => fromRate(t.outcomes.silentFailures.amongFailedRuns, t.outcomes.silentFailures.examples)),
  },
  'end-to-end-success': { counts: 'graded runs', read: fromTraces((t) => fromRate(t.outcomes.endToEnd)) },
  'step-reliability': { counts: 'model and tool steps', read: fromTraces((t) => fromRate(t.reliability.steps, t.reliability.failedStepExamples)) },
  'tool-reliability': { counts: "the tool's calls", read: perTool((rate) => rate.rate) },
  'tool-error-rate': { counts: "the tool's calls", read: perTool((rate) => (rate.rate === null ? null : 1 - rate.rate)) },
  'pass-k': {
    counts: 'tasks with at least k graded trials',
    read: (snapshot, rule) => {
      const k = rule.k ?? DEFAULT_PASS_K;
      const passK = snapshot.traces?.passK;
      const entry = passK?.passK.find((p) => p.k === k);
      // pass^k exists only up to the smallest trial count; below it the window cannot say.
      return [{ labels: NO_LABELS, value: entry?.value ?? null, sampleSize: entry === undefined ? 0 : (passK?.tasks ?? 0), runs: [] }];
    },
  },
  'unapproved-high-risk-calls': {
    counts: 'high-risk calls',
    read: fromTraces((t) => [{ labels: NO_LABELS, value: t.oversight.unapproved.count, sampleSize: t.oversight.highRiskCalls, runs: t.oversight.unapproved.examples }]),
  },
  'denials-ignored': {
    counts: 'denials',
    read: fromTraces((t) => [{ labels: NO_LABELS, value: t.oversight.executedAfterDenial.count, sampleSize: t.oversight.denials, runs: t.oversight.executedAfterDenial.examples }]),
  },
  'verdict-score': { counts: 'answered findings of the audit', read: fromAudit((audit) => audit.score.overall) },
  verdict: { counts: 'answered findings of the audit', read: fromAudit((audit) => verdictLevel(audit.score.verdict)) },
};

/** A rule's threshold as a number (verdicts by level). */
export function thresholdValue(threshold: number | Verdict): number {
  return typeof threshold === 'number' ? threshold : verdictLevel(threshold);
}
