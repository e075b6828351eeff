import { expect, it } from 'vitest';
import { llmStep, makeRun, toolStep } from '../../../test/support/synthetic-runs.js';
import type { Run } from '../../model/index.js';
import check from './traces-are-complete.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';

// 20 runs of 4 steps: 20 × (4 + 1 root) = 100 spans.
const runs: Run[] = Array.from({ length: 20 }, (_, i) => makeRun(`r${i}`, [llmStep(`l${i}`), toolStep(`t${i}`, 'x', { i }), llmStep(`m${i}`), toolStep(`u${i}`, 'y', { i })]));
const orphan = { code: 'missing-parent' as const, message: 'parent 9f00 is not in trace ab12', file: 'traces.jsonl', line: 14, runId: 'r3', spanId: 'c0ffee' };

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'OTel GenAI spans for chat and execute_tool, approval events, content captured with a PII redaction processor, no sampling' },
    { name: 'traces: clean', traces: traceEvidence(runs) },
    { name: 'traces: one orphaned span in a hundred is within 1%', traces: traceEvidence(runs, { total: 1, byCode: { 'missing-parent': 1 }, examples: [orphan] }) },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'only model calls are traced; tool calls are plain logs' },
    { name: 'traces: unended and orphaned spans', traces: traceEvidence(runs, { total: 6, byCode: { 'missing-parent': 3, 'unended-span': 3 }, examples: [orphan] }) },
    { name: 'traces: damaged runs', traces: traceEvidence(runs, { total: 2, byCode: { 'no-root': 2 }, damagedRuns: 2 }) },
    { name: 'traces: skipped lines', traces: traceEvidence(runs, { total: 4, byCode: { 'invalid-json': 4 }, skippedRecords: 4 }) },
  ],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'we use logs instead', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces without runs cannot decide', traces: traceEvidence([]), outcome: 'insufficient-evidence', messageIncludes: 'no runs were read' },
    {
      name: 'traces: a zero tolerance fails on one orphan',
      traces: traceEvidence(runs, { total: 1, byCode: { 'missing-parent': 1 }, examples: [orphan] }),
      options: { maxIncompleteShare: 0 },
      outcome: 'fail',
    },
  ],
});

it('traces-are-complete options: defaults parse, invalid values are rejected', () => {
  expect(check.options.parse({})).toEqual({ maxIncompleteShare: 0.01 });
  expect(check.options.safeParse({ maxIncompleteShare: 2 }).success).toBe(false);
});

it('traces-are-complete from traces: measures the shares and points at the problems', () => {
  const finding = runCase(check, { name: 'broken', traces: traceEvidence(runs, { total: 6, byCode: { 'missing-parent': 3, 'unended-span': 3 }, examples: [orphan] }) });
  expect(finding.message).toBe('0% of runs were damaged and 6% of spans were orphaned, unended or skipped; the limit is 1%.');
  expect(finding.references).toEqual([
    { kind: 'span', id: 'c0ffee', label: 'missing-parent: parent 9f00 is not in trace ab12 (run r3)', file: 'traces.jsonl', line: 14 },
  ]);
  expect(finding.measured.find((m) => m.name === 'input skipped or repaired')?.value).toBe(true);
});
