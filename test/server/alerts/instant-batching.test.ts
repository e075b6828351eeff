import { describe, expect, it } from 'vitest';
import { analyzeRuns } from '../../../src/analysis/index.js';
import { alertsSchema } from '../../../src/config/alerts.js';
import { AlertEngine, InMemoryAlertStateStore } from '../../../src/server/alerts/index.js';
import type { AlertState } from '../../../src/server/alerts/types.js';
import { makeRun, toolStep } from '../../support/synthetic-runs.js';
import { at } from './support.js';

/** Counts the engine's reads and writes of its state: under load each one is a store transaction. */
class CountingStore extends InMemoryAlertStateStore {
  saves = 0;
  override save(state: AlertState): Promise<void> {
    this.saves++;
    return super.save(state);
  }
}

const config = alertsSchema.parse({ rules: [{ name: 'unapproved', event: 'unapproved-high-risk-call' }] });
const offending = (id: string) => ({ runId: id, traces: analyzeRuns([makeRun(id, [toolStep(`${id}-t`, 'issue_refund', { order: 1 }, { risk: 'money', callId: `${id}-c` })])]) });
const clean = (id: string) => ({ runId: id, traces: analyzeRuns([makeRun(id, [toolStep(`${id}-t`, 'lookup_order', { order: 1 }, { callId: `${id}-c` })])]) });

describe('instant rules under a stream of closed runs', () => {
  it('queues no evaluation for a run no rule finds an offence in', async () => {
    const store = new CountingStore();
    const engine = new AlertEngine({ config, store, log: () => undefined });
    const sent = await Promise.all(Array.from({ length: 20 }, (_, index) => engine.runClosed(clean(`clean-${index}`), at(index))));
    expect(sent.flat()).toEqual([]);
    expect(store.saves).toBe(0);
  });

  it('evaluates runs that arrive together in one step: one save, each offending run notified once', async () => {
    const store = new CountingStore();
    const log: string[] = [];
    const engine = new AlertEngine({ config, store, log: (line) => log.push(line) });
    const runs = Array.from({ length: 50 }, (_, index) => (index % 5 === 0 ? clean(`run-${index}`) : offending(`run-${index}`)));
    const replies = await Promise.all(runs.map((run, index) => engine.runClosed(run, at(index))));
    await engine.idle();
    expect(store.saves).toBe(1);
    const notified = new Set(replies.flat().map((notification) => notification.labels.run));
    expect([...notified].sort()).toEqual(runs.filter((_, index) => index % 5 !== 0).map((run) => run.runId).sort());
    expect(log).toHaveLength(40);

    // A run closed again later (a late span) is not notified again, and a new offence is.
    expect(await engine.runClosed(offending('run-1'), at(100))).toEqual([]);
    expect((await engine.runClosed(offending('run-new'), at(101))).map((notification) => notification.labels.run)).toEqual(['run-new']);
  });
});
