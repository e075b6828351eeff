import { describe, expect, it } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import { runCase } from '../../src/checks/test-support/check-tester.js';
import { traceEvidence } from '../../src/checks/test-support/traces.js';
import type { Outcome } from '../../src/model/index.js';
import { DEFAULT_SYNTHETIC_SPEC, generateSyntheticRuns } from '../support/synthetic-runs.js';

/**
 * The trace checks over the synthetic corpus: each outcome (and each partial credit) follows from
 * what was planted, so a check that misreads an analysis shows up here, not only in its own cases.
 */
const spec = DEFAULT_SYNTHETIC_SPEC;
const { runs, truth } = generateSyntheticRuns(spec);
const evidence = traceEvidence(runs);

function answer(id: string): { outcome: Outcome; credit: number; kind: string | null } {
  const check = findCheck(id);
  if (!check) throw new Error(`no check ${id}`);
  const finding = runCase(check, { name: id, traces: evidence });
  return { outcome: finding.outcome, credit: finding.credit, kind: finding.evidenceKind };
}

describe('trace checks on the synthetic corpus', () => {
  it('fails honesty: silent failures were planted', () => {
    expect(answer('failures-are-reported-honestly')).toMatchObject({ outcome: 'fail', kind: 'trace' });
  });

  it('fails the step-reliability projection at the corpus step counts', () => {
    const p = truth.reliability.steps.ok / truth.reliability.steps.total;
    const median = [...truth.compounding.stepCounts].sort((a, b) => a - b)[Math.ceil(truth.compounding.stepCounts.length / 2) - 1] ?? 0;
    expect(p ** median).toBeLessThan(0.9);
    expect(answer('step-reliability-fits-workflow-length').outcome).toBe('fail');
  });

  it('gives retries partial credit: the calls over the cap and those without backoff count against it', () => {
    const bad = spec.retrySequences.filter((r) => r.retries > 3 || (r.retries >= 2 && !r.backoff)).reduce((sum, r) => sum + r.count, 0);
    expect(answer('retries-are-bounded')).toEqual({ outcome: 'partial', credit: (truth.retries.failingCalls - bad) / truth.retries.failingCalls, kind: 'trace' });
  });

  it('gives loops partial credit: the runs that repeated a call more than three times count against it', () => {
    const looping = spec.loops.filter((l) => l.calls > 3).reduce((sum, l) => sum + l.count, 0);
    expect(answer('loops-are-detected')).toEqual({ outcome: 'partial', credit: (runs.length - looping) / runs.length, kind: 'trace' });
  });

  it('fails cascades: some cascades were planted to keep going', () => {
    expect(answer('cascades-halt').outcome).toBe('fail');
  });

  it('fails timeouts: slow calls past 60 s were planted', () => {
    expect(spec.toolTiming.slowSeconds).toBeGreaterThan(60);
    expect(answer('tool-calls-have-timeouts').outcome).toBe('fail');
  });

  it('passes budgets: no run was planted past the default limits', () => {
    expect(Math.max(...truth.budgets.stepsPerRun)).toBeLessThanOrEqual(50);
    expect(Math.max(...truth.budgets.tokensPerRun)).toBeLessThanOrEqual(200_000);
    expect(Math.max(...truth.budgets.secondsPerRun)).toBeLessThanOrEqual(900);
    expect(answer('run-budgets-are-enforced').outcome).toBe('pass');
  });

  it('passes trace completeness on clean input', () => {
    expect(answer('traces-are-complete').outcome).toBe('pass');
  });

  it('fails checkpoints and resumes: a resume started over and side effects were repeated', () => {
    expect(answer('checkpoints-enable-restart').outcome).toBe('fail');
    expect(answer('resume-skips-completed-side-effects').outcome).toBe('fail');
  });

  it('fails contracts (invalid arguments ran) and gives malformed output the share rejected', () => {
    expect(answer('step-io-contracts-are-validated').outcome).toBe('fail');
    const { malformedActedOn, malformedRejected } = spec.contracts;
    expect(answer('malformed-tool-output-is-rejected')).toEqual({ outcome: 'partial', credit: malformedRejected / (malformedActedOn + malformedRejected), kind: 'trace' });
  });
});
