import type { RunRef, TraceAnalyses } from '../../analysis/types.js';
import type { AlertEvent, InstantRuleConfig } from '../../config/alerts.js';
import { matchesWildcard } from '../../shared/wildcard.js';
import type { EvaluationResult } from './evaluate.js';
import { describeNotification, linkRuns, type LinkOptions } from './notification.js';
import type { AlertHistoryEntry, AlertNotification, AlertState, ClosedRun } from './types.js';

/**
 * Instant rules: one closed run's oversight facts, as the oversight analysis found them in that run
 * alone. Each offending run is notified once per rule, even when a late span reopens the run and it
 * closes again: the state remembers the runs it notified (the newest {@link MAX_REMEMBERED_RUNS}
 * per rule, so memory stays bounded).
 */
export const MAX_REMEMBERED_RUNS = 10_000;

interface EventFacts {
  /** Offending calls in the run. */
  readonly count: number;
  /** What the count is out of (high-risk calls, denials). */
  readonly sampleSize: number;
  readonly runs: readonly RunRef[];
}

/** Both analyses' example notes begin with the tool name and a space. */
function noteTool(ref: RunRef): string | undefined {
  return ref.note?.split(' ')[0];
}

function matching(refs: readonly RunRef[], tool: string | undefined): RunRef[] {
  return refs.filter((ref) => {
    const name = noteTool(ref);
    return tool === undefined || (name !== undefined && matchesWildcard(tool, name));
  });
}

const EVENTS: Readonly<Record<AlertEvent, (traces: TraceAnalyses, tool: string | undefined) => EventFacts>> = {
  'unapproved-high-risk-call': (traces, tool) => {
    const { unapproved, highRiskCalls } = traces.oversight;
    const count = tool === undefined ? unapproved.count : Object.entries(unapproved.byTool).reduce((sum, [name, n]) => (matchesWildcard(tool, name) ? sum + n : sum), 0);
    return { count, sampleSize: highRiskCalls, runs: matching(unapproved.examples, tool) };
  },
  'denial-ignored': (traces, tool) => {
    const { executedAfterDenial, denials } = traces.oversight;
    // The analysis counts violations without naming tools; narrowed to a tool, its (bounded) examples are what can be counted.
    const runs = matching(executedAfterDenial.examples, tool);
    return { count: tool === undefined ? executedAfterDenial.count : runs.length, sampleSize: denials, runs };
  },
};

/** Whether any of these rules finds an offence in the run: a run with none changes no state and is not queued. */
export function anyInstantRuleOffended(rules: readonly InstantRuleConfig[], run: ClosedRun): boolean {
  return rules.some((rule) => EVENTS[rule.event](run.traces, rule.tool).count > 0);
}

/** Several closed runs in one evaluation, in order: one load and one save of the state for all of them. */
export function evaluateInstantRulesForRuns(rules: readonly InstantRuleConfig[], runs: readonly { readonly run: ClosedRun; readonly now: Date }[], state: AlertState, options: LinkOptions = {}): EvaluationResult {
  let current = state;
  const notifications: AlertNotification[] = [];
  const history: AlertHistoryEntry[] = [];
  for (const { run, now } of runs) {
    const result = evaluateInstantRules(rules, run, current, now, options);
    current = result.state;
    notifications.push(...result.notifications);
    history.push(...result.history);
  }
  return { state: current, notifications, history };
}

export function evaluateInstantRules(rules: readonly InstantRuleConfig[], run: ClosedRun, state: AlertState, now: Date, options: LinkOptions = {}): EvaluationResult {
  const at = now.toISOString();
  const notifiedRuns: Record<string, readonly string[]> = { ...state.notifiedRuns };
  const notifications: AlertNotification[] = [];
  const history: AlertHistoryEntry[] = [];
  for (const rule of rules) {
    const facts = EVENTS[rule.event](run.traces, rule.tool);
    const seen = notifiedRuns[rule.name] ?? [];
    if (facts.count === 0 || seen.includes(run.runId)) continue;
    notifiedRuns[rule.name] = [...seen, run.runId].slice(-MAX_REMEMBERED_RUNS);
    const labels = { run: run.runId };
    const notification: Omit<AlertNotification, 'summary'> = {
      version: 1,
      id: `${rule.name}{run=${JSON.stringify(run.runId)}}@${at}`,
      rule: rule.name,
      kind: 'instant',
      state: 'firing',
      event: rule.event,
      value: facts.count,
      sampleSize: facts.sampleSize,
      labels,
      runs: linkRuns(facts.runs, options),
      startedAt: at,
      at,
    };
    const full = { ...notification, summary: describeNotification(notification) };
    notifications.push(full);
    history.push({ at, rule: rule.name, labels, from: 'none', to: 'firing', value: facts.count, sampleSize: facts.sampleSize, notificationId: full.id });
  }
  // Rules no longer configured are forgotten.
  const names = new Set(rules.map((rule) => rule.name));
  for (const name of Object.keys(notifiedRuns)) if (!names.has(name)) Reflect.deleteProperty(notifiedRuns, name);
  return { state: { ...state, notifiedRuns }, notifications, history };
}
