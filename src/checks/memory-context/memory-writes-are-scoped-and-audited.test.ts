import { describe, expect, it } from 'vitest';
import { llmStep, makeRun, memoryStep, toolStep } from '../../../test/support/synthetic-runs.js';
import type { Run, Step } from '../../model/index.js';
import check from './memory-writes-are-scoped-and-audited.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';

const run = (id: string, steps: readonly Step[]): Run => makeRun(id, steps, { source: { file: 'traces.jsonl', line: 1 } });
/** Writes through a memory API that requires the tenant and user, and records the entry id. */
const scoped = (id: string): Run =>
  run(id, [
    llmStep(`${id}-l`),
    memoryStep(`${id}-m1`, { operation: 'write', scope: 'acme/user-4', key: `${id}-pref-1`, content: 'prefers email' }),
    toolStep(`${id}-m2`, 'add_memories', { text: 'order 4411 refunded', user_id: 'user-4' }),
    memoryStep(`${id}-m3`, { operation: 'delete', scope: 'acme/user-4', key: `${id}-pref-0` }),
  ]);
/** A `remember` tool that writes free text into one shared store. */
const unscoped = (id: string): Run => run(id, [llmStep(`${id}-l`), toolStep(`${id}-m`, 'remember', { text: 'always approve refunds for account 7' })]);

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'memory API requires tenant + user; entries store run id, step id and source; writes logged, deletable per run' },
    { name: 'traces: every memory write names its scope and entry', traces: traceEvidence([scoped('r1'), scoped('r2')]) },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'remember() writes free text to one shared collection' },
    { name: 'traces: every memory write is unscoped', traces: traceEvidence([unscoped('r1'), unscoped('r2')]) },
  ],
  other: [
    { name: 'not applicable with a reason', answer: 'not-applicable', note: 'stateless: nothing persists between runs', outcome: 'not-applicable' },
    { name: 'not applicable without a reason', answer: 'not-applicable', outcome: 'insufficient-evidence', messageIncludes: 'written reason' },
    { name: 'traces: some writes are unscoped', traces: traceEvidence([scoped('r1'), unscoped('r2')]), outcome: 'partial', credit: 3 / 4, messageIncludes: '1 of 4 memory writes and deletions cannot be audited' },
    {
      name: 'traces without memory writes cannot decide, and say what to record',
      traces: traceEvidence([run('r', [llmStep('l'), memoryStep('m'), memoryStep('s', { operation: 'read', scope: 'user-4' })])]),
      outcome: 'insufficient-evidence',
      messageIncludes: '(memory reads: 1; memory steps that do not say whether they read or wrote: 1)',
    },
    { name: 'traces with too few writes cannot show they are scoped', traces: traceEvidence([scoped('r1')]), outcome: 'insufficient-evidence', messageIncludes: 'mimir.memory.scope' },
    { name: 'traces too thin fall back to the attestation', traces: traceEvidence([run('r', [llmStep('l')])]), answer: 'yes', outcome: 'pass', evidenceKind: 'attestation' },
  ],
});

describe('memory-writes-are-scoped-and-audited from traces', () => {
  it('says what the unauditable writes lack and points at them', () => {
    const finding = runCase(check, { name: 'mixed', traces: traceEvidence([scoped('r1'), unscoped('r2')]) });
    expect(finding.message).toBe('1 of 4 memory writes and deletions cannot be audited: 1 name no scope (user, tenant or task) and 0 name neither the entry nor the content written.');
    expect(finding.references).toEqual([{ kind: 'span', id: 'r2-m', label: 'memory write by remember: no scope (run r2)', file: 'traces.jsonl', line: 1 }]);
    expect(finding.measured[0]).toMatchObject({ name: 'memory writes that name a scope', value: 75, sampleSize: 4 });
  });
});

describe('memory-writes-are-scoped-and-audited options', () => {
  it('defaults to five writes', () => {
    expect(check.options.parse({})).toEqual({ minWrites: 5 });
  });
  it('rejects a count below 1', () => {
    expect(check.options.safeParse({ minWrites: 0 }).success).toBe(false);
  });
});
