import { describe, expect, it } from 'vitest';
import { EMPTY_ALERT_STATE, evaluateWindowRules, type AlertState, type WindowSnapshot } from '../../../src/server/alerts/index.js';
import type { WindowRuleConfig } from '../../../src/config/alerts.js';
import { at, silentRateSnapshot, windowRule, windows } from './support.js';

/** Runs the evaluator over a timeline: (minute, snapshot) pairs, threading the state through. */
function timeline(rule: WindowRuleConfig, steps: readonly [number, WindowSnapshot | undefined][]) {
  let state: AlertState = EMPTY_ALERT_STATE;
  return steps.map(([minute, snapshot]) => {
    const result = evaluateWindowRules([rule], windows(rule.window, snapshot), state, at(minute));
    state = result.state;
    return result;
  });
}

const HIGH = silentRateSnapshot(5, 20); // 0.25 > 0.1
const LOW = silentRateSnapshot(1, 20); // 0.05

describe('window rules', () => {
  it('fires only after the condition held for `for`, once, and resolves once when it clears', () => {
    const results = timeline(windowRule({ for: '10m' }), [
      [0, HIGH],
      [5, HIGH],
      [10, HIGH],
      [11, HIGH],
      [20, LOW],
      [21, LOW],
    ]);
    expect(results.map((r) => r.notifications.map((n) => n.state))).toEqual([[], [], ['firing'], [], ['resolved'], []]);
    expect(results.map((r) => r.history.map((h) => h.to))).toEqual([['pending'], [], ['firing'], [], ['resolved'], []]);
    const [firing] = results[2]!.notifications;
    expect(firing).toMatchObject({
      rule: 'silent',
      figure: 'silent-failure-rate',
      value: 0.25,
      threshold: { above: 0.1 },
      window: '1h',
      sampleSize: 20,
      startedAt: at(0).toISOString(),
      runs: [{ runId: 'r1' }],
    });
    const [resolved] = results[4]!.notifications;
    expect(resolved).toMatchObject({ state: 'resolved', startedAt: at(0).toISOString(), resolvedAt: at(20).toISOString() });
    expect(resolved!.id).not.toBe(firing!.id);
  });

  it('a condition that clears while pending is recorded, never notified', () => {
    const results = timeline(windowRule({ for: '10m' }), [
      [0, HIGH],
      [5, LOW],
      [20, LOW],
    ]);
    expect(results.flatMap((r) => r.notifications)).toEqual([]);
    expect(results.flatMap((r) => r.history.map((h) => `${h.from}->${h.to}`))).toEqual(['none->pending', 'pending->ok']);
  });

  it('below minSamples the value is never read: a breaching figure from too few runs does not fire', () => {
    const results = timeline(windowRule({ minSamples: 30, noData: 'ok' }), [[0, silentRateSnapshot(9, 10)]]);
    expect(results[0]!.notifications).toEqual([]);
  });

  it('direction `below` alerts on values under the threshold', () => {
    const rule = windowRule({ figure: 'end-to-end-success', above: undefined, below: 0.9, minSamples: 1 });
    const snapshot = { traces: { outcomes: { endToEnd: { successes: 8, trials: 10, rate: 0.8, interval: null } } } } as unknown as WindowSnapshot;
    expect(timeline(rule, [[0, snapshot]])[0]!.notifications.map((n) => n.state)).toEqual(['firing']);
  });

  describe('without data, the rule follows its noData policy', () => {
    it('keep-state: a firing alert stays firing, and a pending one does not progress to firing', () => {
      const firing = timeline(windowRule({ noData: 'keep-state' }), [
        [0, HIGH],
        [5, undefined],
        [6, silentRateSnapshot(1, 3)],
      ]);
      expect(firing.map((r) => r.notifications.map((n) => n.state))).toEqual([['firing'], [], []]);
      expect(firing[2]!.state.series['silent']!.status).toBe('firing');
      const pending = timeline(windowRule({ noData: 'keep-state', for: '10m' }), [
        [0, HIGH],
        [30, undefined],
      ]);
      expect(pending[1]!.state.series['silent']!.status).toBe('pending');
      expect(pending[1]!.notifications).toEqual([]);
    });

    it('ok: no data counts as not alerting, so a firing alert resolves', () => {
      const results = timeline(windowRule({ noData: 'ok' }), [
        [0, HIGH],
        [5, undefined],
      ]);
      expect(results.map((r) => r.notifications.map((n) => n.state))).toEqual([['firing'], ['resolved']]);
      expect(results[1]!.notifications[0]!.value).toBeNull();
    });

    it('alerting: no data counts as alerting, through `for` like any breach', () => {
      const results = timeline(windowRule({ noData: 'alerting', for: '5m' }), [
        [0, undefined],
        [5, undefined],
      ]);
      expect(results.map((r) => r.notifications.map((n) => n.state))).toEqual([[], ['firing']]);
      expect(results[1]!.notifications[0]).toMatchObject({ value: null, sampleSize: 0 });
    });

    it('no-data: its own state, notified once, resolved when data returns', () => {
      const results = timeline(windowRule({ noData: 'no-data' }), [
        [0, undefined],
        [1, silentRateSnapshot(0, 2)],
        [2, LOW],
        [3, LOW],
      ]);
      expect(results.map((r) => r.notifications.map((n) => n.state))).toEqual([['no-data'], [], ['resolved'], []]);
      expect(results[0]!.notifications[0]!.summary).toContain('fewer than the 10 the rule needs');
    });
  });

  it('per-tool figures keep one series per tool, each deduplicated on its own', () => {
    const rule = windowRule({ name: 'tools', figure: 'tool-reliability', above: undefined, below: 0.9, minSamples: 5 });
    const snapshot = (refundOk: number) =>
      ({
        traces: {
          reliability: {
            byTool: {
              issue_refund: { successes: refundOk, trials: 10, rate: refundOk / 10, interval: null },
              lookup: { successes: 10, trials: 10, rate: 1, interval: null },
            },
            failedStepExamples: [{ runId: 'r7', note: 'tool issue_refund failed: timeout' }, { runId: 'r8', note: 'model call chat failed: x' }],
          },
        },
      }) as unknown as WindowSnapshot;
    const results = timeline(rule, [
      [0, snapshot(5)],
      [1, snapshot(5)],
      [2, snapshot(10)],
    ]);
    expect(results.map((r) => r.notifications.map((n) => `${n.state} ${n.labels['tool'] ?? ''}`))).toEqual([['firing issue_refund'], [], ['resolved issue_refund']]);
    expect(results[0]!.notifications[0]!.runs.map((r) => r.runId)).toEqual(['r7']);
    expect(results[0]!.notifications[0]!.id).toBe(`tools{tool="issue_refund"}#1@${at(0).toISOString()}`);
  });

  it('verdict thresholds are verdicts: below yellow fires on red', () => {
    const rule = windowRule({ name: 'verdict-drop', figure: 'verdict', above: undefined, below: 'yellow', minSamples: 1 });
    const audit = (verdict: string) => ({ audit: { score: { verdict, overall: 40 }, findings: [{ outcome: 'fail' }] } }) as unknown as WindowSnapshot;
    const results = timeline(rule, [
      [0, audit('yellow')],
      [1, audit('red')],
      [2, audit('green')],
    ]);
    expect(results.map((r) => r.notifications.map((n) => n.state))).toEqual([[], ['firing'], ['resolved']]);
    expect(results[1]!.notifications[0]).toMatchObject({ value: 0, threshold: { below: 'yellow' }, sampleSize: 1 });
  });

  it('forgets the series of a rule that is no longer configured, and state survives JSON', () => {
    const [first] = timeline(windowRule({}), [[0, HIGH]]);
    const revived = JSON.parse(JSON.stringify(first!.state)) as AlertState;
    expect(evaluateWindowRules([windowRule({})], windows('1h', HIGH), revived, at(1)).notifications).toEqual([]);
    expect(evaluateWindowRules([], windows('1h', HIGH), revived, at(1)).state.series).toEqual({});
  });
});
