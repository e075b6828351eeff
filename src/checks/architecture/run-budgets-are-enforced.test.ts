import { describe, expect, it } from 'vitest';
import { llmStep, makeRun, toolStep } from '../../../test/support/synthetic-runs.js';
import type { Run, Step } from '../../model/index.js';
import check from './run-budgets-are-enforced.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';

const at = (seconds: number): string => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();

/** A run of `calls` model and tool calls, `tokens` tokens in all, lasting `seconds`. */
function run(id: string, calls: number, tokens: number | undefined, seconds: number | undefined): Run {
  const steps: Step[] = Array.from({ length: calls }, (_, i) =>
    i % 2 === 0 ? llmStep(`${id}-l${i}`, i === 0 && tokens !== undefined ? { inputTokens: tokens } : {}) : toolStep(`${id}-t${i}`, 'search', { i }),
  );
  return makeRun(id, steps, { ...(seconds !== undefined && { startedAt: at(0), endedAt: at(seconds) }), source: { file: 'traces.jsonl', line: 3 } });
}

const normal = [run('a', 12, 30_000, 120), run('b', 20, 60_000, 300), run('c', 8, 9_000, 40)];

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'loop guard: 40 steps, 150k tokens, 10 min, $2; breach ends the run as escalated' },
    { name: 'traces: every run stayed within steps, tokens and time', traces: traceEvidence(normal) },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'only a max-iterations hint in the system prompt' },
    { name: 'traces: a runaway run made 120 calls', traces: traceEvidence([...normal, run('runaway', 120, 90_000, 600)]) },
    { name: 'traces: a run burned 450k tokens', traces: traceEvidence([...normal, run('hungry', 10, 450_000, 200)]) },
    { name: 'traces: a run took an hour', traces: traceEvidence([...normal, run('slow', 10, 10_000, 3600)]) },
  ],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'runs are short', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    {
      name: 'traces without token counts cannot check the token budget',
      traces: traceEvidence([run('a', 12, undefined, 120)]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'token counts were not recorded',
    },
    { name: 'traces: limits are options', traces: traceEvidence([run('runaway', 120, 90_000, 600)]), options: { maxSteps: 200 }, outcome: 'pass' },
  ],
});

it('run-budgets-are-enforced from traces: names the budget that ran out and the runs that went past it', () => {
  const finding = runCase(check, { name: 'runaway', traces: traceEvidence([...normal, run('runaway', 120, 450_000, 600)]) });
  expect(finding.message).toBe(
    "Runs went past their budgets: model and tool calls up to 120 (limit 50); tokens up to 450000 (limit 200000) (the limits are mimir's defaults; set policy.checks.run-budgets-are-enforced.maxSteps, .maxTokens to the agent's own budgets).",
  );
  expect(finding.references).toEqual([
    { kind: 'run', id: 'runaway', label: '120 model and tool calls', file: 'traces.jsonl', line: 3 },
    { kind: 'run', id: 'runaway', label: '450000 tokens', file: 'traces.jsonl', line: 3 },
  ]);
  expect(finding.measured.map((m) => m.name)).toContain('p95 seconds per run');
  expect(runCase(check, { name: 'ok', traces: traceEvidence(normal) }).message).toBe(
    "All 3 runs stayed within their budgets: at most 20 model and tool calls (limit 50), 60000 tokens (limit 200000) and 300 s (limit 900) (the limits are mimir's defaults; set policy.checks.run-budgets-are-enforced.maxSteps, .maxTokens, .maxDurationSeconds to the agent's own budgets).",
  );
  // A limit the team set is its budget, named as such by nothing more than the number; the others stay marked.
  const set = runCase(check, { name: 'set', traces: traceEvidence([...normal, run('runaway', 120, 450_000, 600)]), options: { maxSteps: 100 } });
  expect(set.message).toBe(
    "Runs went past their budgets: model and tool calls up to 120 (limit 100); tokens up to 450000 (limit 200000) (maxTokens is mimir's default; set policy.checks.run-budgets-are-enforced.maxTokens to the agent's own budget).",
  );
});

describe('run-budgets-are-enforced options', () => {
  it('defaults to 50 steps, 200000 tokens and 900 seconds', () => {
    expect(check.options.parse({})).toEqual({ maxSteps: 50, maxTokens: 200_000, maxDurationSeconds: 900 });
  });
  it('rejects non-positive, fractional, non-numeric and unknown values', () => {
    expect(check.options.safeParse({ maxSteps: 0 }).success).toBe(false);
    expect(check.options.safeParse({ maxTokens: -1 }).success).toBe(false);
    expect(check.options.safeParse({ maxDurationSeconds: 1.5 }).success).toBe(false);
    expect(check.options.safeParse({ maxSteps: '50' }).success).toBe(false);
    expect(check.options.safeParse({ maxCost: 2 }).success).toBe(false);
  });
});
