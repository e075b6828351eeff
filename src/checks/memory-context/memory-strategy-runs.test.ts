import type { LlmStep, Run, Step } from '../../model/index.js';
import check from './memory-strategy-runs.js';
import { testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';

const calls = (id: string, sizes: readonly number[]): LlmStep[] => sizes.map((inputTokens, i) => ({ id: `${id}-${i}`, kind: 'llm', name: 'chat', status: 'ok', inputTokens }));
const run = (id: string, steps: readonly Step[]): Run => ({ id, steps, claimedStatus: 'success', outcome: { status: 'unknown', source: 'test' } });
/** Grows, is summarised (the input drops), and goes on. */
const trimmed = (id: string): Run => run(id, calls(id, [2000, 6000, 12_000, 20_000, 7000, 9000, 11_000]));
/** Grows, a memory step runs, keeps going. */
const withMemoryStep = (id: string): Run => run(id, [...calls(`${id}a`, [2000, 6000, 12_000]), { id: `${id}-m`, kind: 'memory', name: 'summarise', status: 'ok' }, ...calls(`${id}b`, [13_000, 14_000, 15_000])]);
/** Grows to ten times its first size with nothing visible. */
const unbounded = (id: string): Run => run(id, calls(id, [2000, 5000, 9000, 13_000, 17_000, 20_000]));

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'summariser fires at 60k input tokens, emits a memory.summarise span; seen on 31 of 31 runs over 60k last week' },
    { name: 'traces: the input drops mid-run and a memory step runs', traces: traceEvidence([trimmed('r1'), withMemoryStep('r2')]) },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'summarisation is configured, but we have never seen it run' },
    { name: 'traces: long runs grow with nothing visible', traces: traceEvidence([unbounded('r1'), unbounded('r2')]) },
  ],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'the context never gets big', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces: one of two long runs', traces: traceEvidence([trimmed('r1'), unbounded('r2')]), outcome: 'partial', credit: 0.5, messageIncludes: '1 of 2 long runs' },
    { name: 'traces: only short runs', traces: traceEvidence([run('r1', calls('r1', [2000, 9000, 30_000]))]), outcome: 'insufficient-evidence', messageIncludes: 'no run has 6 or more llm calls' },
    { name: 'traces: long runs that never grew', traces: traceEvidence([run('r1', calls('r1', [2000, 2100, 2200, 2300, 2400, 2500]))]), outcome: 'insufficient-evidence', messageIncludes: 'none did the input grow' },
  ],
});
