import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_DATA_POLICIES } from '../../../src/config/alerts.js';
import type { TraceAnalyses } from '../../../src/analysis/types.js';
import { EMPTY_ALERT_STATE, evaluateInstantRules, evaluateWindowRules, type AlertNotification, type AlertState, type WindowSnapshot } from '../../../src/server/alerts/index.js';
import { instantRule, silentRateSnapshot, T0, windowRule, windows } from './support.js';

/** What a window can show: a breach, a clear figure, too few samples (breaching if read), or no runs. */
const SNAPSHOTS: Readonly<Record<string, WindowSnapshot | undefined>> = {
  high: silentRateSnapshot(8, 20),
  low: silentRateSnapshot(0, 20),
  thin: silentRateSnapshot(3, 3),
  none: undefined,
};

const scenario = fc.record({
  forMinutes: fc.constantFrom(0, 5, 10),
  noData: fc.constantFrom(...NO_DATA_POLICIES),
  steps: fc.array(fc.record({ advance: fc.integer({ min: 0, max: 12 }), shows: fc.constantFrom('high', 'low', 'thin', 'none'), again: fc.boolean() }), { maxLength: 40 }),
});

describe('the window state machine (property)', () => {
  it('one notification per state change, resolved only after firing or no-data, firing only after `for`, never from too few samples', () => {
    fc.assert(
      fc.property(scenario, ({ forMinutes, noData, steps }) => {
        const rule = windowRule({ for: `${forMinutes}m`, noData, minSamples: 10 });
        let state: AlertState = EMPTY_ALERT_STATE;
        let now = T0;
        const sent: AlertNotification[] = [];
        let historyNotifications = 0;
        for (const step of steps) {
          now += step.advance * 60_000;
          const snapshot = windows('1h', SNAPSHOTS[step.shows]);
          const result = evaluateWindowRules([rule], snapshot, state, new Date(now));
          state = JSON.parse(JSON.stringify(result.state)) as AlertState;
          sent.push(...result.notifications);
          historyNotifications += result.history.filter((h) => h.notificationId !== undefined).length;
          // Evaluating again with nothing new changes nothing and sends nothing.
          if (step.again) {
            const repeat = evaluateWindowRules([rule], snapshot, state, new Date(now));
            expect(repeat.notifications).toEqual([]);
            expect(repeat.history).toEqual([]);
          }
        }
        expect(new Set(sent.map((n) => n.id)).size).toBe(sent.length);
        expect(historyNotifications).toBe(sent.length);
        let last: AlertNotification['state'] | undefined;
        for (const notification of sent) {
          expect(notification.state).not.toBe(last);
          if (notification.state === 'resolved') expect(['firing', 'no-data']).toContain(last);
          if (notification.state === 'firing') {
            expect(Date.parse(notification.at) - Date.parse(notification.startedAt)).toBeGreaterThanOrEqual(forMinutes * 60_000);
            if (notification.value === null) expect(noData).toBe('alerting');
            else expect(notification.sampleSize).toBeGreaterThanOrEqual(10);
          }
          if (notification.state === 'no-data') expect(noData).toBe('no-data');
          last = notification.state;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('instant rules (property)', () => {
  it('notify each offending run exactly once, however often and in whatever order runs close', () => {
    const offending = { oversight: { unapproved: { count: 1, byTool: { issue_refund: 1 }, examples: [] }, highRiskCalls: 1 } };
    const clean = { oversight: { unapproved: { count: 0, byTool: {}, examples: [] }, highRiskCalls: 1 } };
    fc.assert(
      fc.property(fc.array(fc.record({ run: fc.integer({ min: 0, max: 8 }), bad: fc.boolean() }), { maxLength: 60 }), (closes) => {
        let state: AlertState = EMPTY_ALERT_STATE;
        const sent: string[] = [];
        for (const close of closes) {
          const traces = (close.bad ? offending : clean) as unknown as TraceAnalyses;
          const result = evaluateInstantRules([instantRule({})], { runId: `r${close.run}`, traces }, state, new Date(T0));
          state = JSON.parse(JSON.stringify(result.state)) as AlertState;
          sent.push(...result.notifications.map((n) => n.labels['run']!));
        }
        const expected = [...new Set(closes.filter((c) => c.bad).map((c) => `r${c.run}`))];
        expect(sent).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
