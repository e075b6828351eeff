import { describe, expect, it } from 'vitest';
import { analyzeRuns } from '../../../src/analysis/index.js';
import type { Run } from '../../../src/model/index.js';
import { ALERT_FIGURES } from '../../../src/config/alerts.js';
import { userSecretPattern } from '../../../src/shared/redact.js';
import { evaluateInstantRules, evaluateWindowRules, EMPTY_ALERT_STATE, FIGURES, MAX_REMEMBERED_RUNS, type AlertState } from '../../../src/server/alerts/index.js';
import { approvalStep, failedTool, llmStep, makeRun, toolStep } from '../../support/synthetic-runs.js';
import { at, instantRule, windowRule, windows } from './support.js';

/** Four runs that claimed success: three verified, one graded failure; refunds fail once in four calls. */
function window(): Run[] {
  const graded = (id: string, status: 'success' | 'failure', refundFails: boolean, task: string) =>
    makeRun(id, [llmStep(`${id}-l`), refundFails ? failedTool(`${id}-t`, 'issue_refund', { id }) : toolStep(`${id}-t`, 'issue_refund', { id }), toolStep(`${id}-k`, 'lookup', { id })], {
      claimedStatus: 'success',
      outcome: { status, source: 'test' },
      taskId: task,
    });
  return [graded('a', 'success', false, 't1'), graded('b', 'success', false, 't1'), graded('c', 'failure', true, 't2'), graded('d', 'success', false, 't2')];
}

describe('figures read what `mimir traces` computed, with its sample size', () => {
  const traces = analyzeRuns(window());

  it('silent-failure rate: the analysis rate over the runs that claimed success', () => {
    const [reading] = FIGURES['silent-failure-rate'].read({ traces }, windowRule({}));
    expect(reading).toMatchObject({ value: traces.outcomes.silentFailures.rate.rate, sampleSize: 4 });
    expect(reading!.value).toBe(0.25);
    expect(reading!.runs.map((r) => r.runId)).toEqual(['c']);
  });

  it('per-tool reliability: one series per tool, with the failed calls of that tool as links', () => {
    const readings = FIGURES['tool-reliability'].read({ traces }, windowRule({ figure: 'tool-reliability', above: undefined, below: 0.9 }));
    expect(readings.map((r) => [r.labels['tool'], r.value, r.sampleSize])).toEqual([
      ['issue_refund', 0.75, 4],
      ['lookup', 1, 4],
    ]);
    expect(readings[0]!.runs.map((r) => r.runId)).toEqual(['c']);
    expect(FIGURES['tool-error-rate'].read({ traces }, windowRule({ figure: 'tool-error-rate', tool: 'issue_*' })).map((r) => r.value)).toEqual([0.25]);
  });

  it('pass^k exists only up to the smallest trial count; beyond it there is no data', () => {
    expect(FIGURES['pass-k'].read({ traces }, windowRule({ figure: 'pass-k', above: undefined, below: 0.5, k: 2 }))[0]).toMatchObject({ value: 0.5, sampleSize: 2 });
    expect(FIGURES['pass-k'].read({ traces }, windowRule({ figure: 'pass-k', above: undefined, below: 0.5, k: 3 }))[0]).toMatchObject({ value: null, sampleSize: 0 });
  });

  it('every figure says no data (null, sample 0) for an empty window, never a number', () => {
    for (const figure of ALERT_FIGURES) {
      const rule = windowRule({ figure, ...(figure === 'verdict' ? { above: undefined, below: 'green' } : {}) });
      for (const reading of FIGURES[figure].read({}, rule)) expect(reading).toMatchObject({ value: null, sampleSize: 0 });
    }
  });
});

describe('instant rules', () => {
  const highRisk = (id: string, approved: boolean): Run =>
    makeRun(id, [
      ...(approved ? [approvalStep(`${id}-ap`, `${id}-call`)] : []),
      toolStep(`${id}-t`, 'issue_refund', { id }, { risk: 'money', callId: `${id}-call`, startedAt: '2026-01-01T00:00:02Z' }),
    ]);

  it('fire once per offending run, even when the run closes again after a late span', () => {
    const rule = instantRule({});
    let state: AlertState = EMPTY_ALERT_STATE;
    const sent = [];
    for (const run of [highRisk('r1', false), highRisk('r2', true), highRisk('r1', false), highRisk('r3', false)]) {
      const result = evaluateInstantRules([rule], { runId: run.id, traces: analyzeRuns([run]) }, state, at(0), { runUrl: (id) => `http://127.0.0.1:4318/runs/${id}` });
      state = result.state;
      sent.push(...result.notifications);
    }
    expect(sent.map((n) => n.labels['run'])).toEqual(['r1', 'r3']);
    expect(sent[0]).toMatchObject({ kind: 'instant', state: 'firing', event: 'unapproved-high-risk-call', value: 1, sampleSize: 1 });
    expect(sent[0]!.runs[0]).toMatchObject({ runId: 'r1', spanId: 'r1-t', url: 'http://127.0.0.1:4318/runs/r1' });
  });

  it('a tool filter narrows the event to matching tools', () => {
    const run = highRisk('r1', false);
    const result = evaluateInstantRules([instantRule({ tool: 'send_*' })], { runId: 'r1', traces: analyzeRuns([run]) }, EMPTY_ALERT_STATE, at(0));
    expect(result.notifications).toEqual([]);
  });

  it('a denied call that ran anyway fires denial-ignored', () => {
    const run = makeRun('r9', [
      approvalStep('ap', 'c1', { decision: 'denied', toolName: 'issue_refund' } as never),
      toolStep('t', 'issue_refund', { id: 1 }, { risk: 'money', callId: 'c1' }),
    ]);
    const traces = analyzeRuns([run]);
    expect(traces.oversight.executedAfterDenial.count).toBe(1);
    const result = evaluateInstantRules([instantRule({ name: 'denied', event: 'denial-ignored' })], { runId: 'r9', traces }, EMPTY_ALERT_STATE, at(0));
    expect(result.notifications.map((n) => n.summary)).toEqual(['denied firing: 1 × denial-ignored in run r9']);
  });

  it('remembers a bounded number of runs per rule', () => {
    const state: AlertState = { ...EMPTY_ALERT_STATE, notifiedRuns: { unapproved: Array.from({ length: MAX_REMEMBERED_RUNS }, (_, i) => `old${i}`) } };
    const run = highRisk('new', false);
    const result = evaluateInstantRules([instantRule({})], { runId: 'new', traces: analyzeRuns([run]) }, state, at(0));
    expect(result.state.notifiedRuns['unapproved']).toHaveLength(MAX_REMEMBERED_RUNS);
    expect(result.state.notifiedRuns['unapproved']!.at(-1)).toBe('new');
  });
});

describe('notifications leave the machine', () => {
  it('with secrets in the example notes redacted (built-in and mimir.yaml patterns), unless redaction is off', () => {
    const run = makeRun('r1', [failedTool('t1', 'issue_refund', { id: 1 }, 'tool_error', { error: { type: 'tool_error', message: 'auth failed for sk-proj-abcdefghijklmnopqrstuvwxyz0123456789 ACME-42' } })]);
    const traces = analyzeRuns([run]);
    const rule = windowRule({ figure: 'step-reliability', above: undefined, below: 0.9, minSamples: 1 });
    const notes = (redaction?: false) => {
      const result = evaluateWindowRules([rule], windows('1h', { traces }), EMPTY_ALERT_STATE, at(0), redaction === false ? { redaction: false } : { redaction: [userSecretPattern('acme', 'ACME-\\d+')] });
      return result.notifications[0]!.runs.map((r) => r.note).join('\n');
    };
    expect(notes()).toContain('tool issue_refund failed');
    expect(notes()).not.toContain('abcdefghijklmnop');
    expect(notes()).not.toContain('ACME-42');
    expect(notes(false)).toContain('ACME-42');
  });
});
