import { describe, expect, it } from 'vitest';
import { llmStep, makeRun, stateWriteStep, toolStep } from '../../../test/support/synthetic-runs.js';
import type { Run, StateWrite, Step } from '../../model/index.js';
import check from './state-changes-are-explicit.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const at = (ms: number): string => new Date(T0 + ms).toISOString();
const write = (id: string, stateWrite: StateWrite, start: number, end: number): Step => stateWriteStep(id, stateWrite, { startedAt: at(start), endedAt: at(end) });
const run = (id: string, steps: readonly Step[]): Run => makeRun(id, steps, { source: { file: 'traces.jsonl', line: 1 } });

/** Three compare-and-set writes in a chain and two merged notes: nothing overwritten. */
const versioned = (id: string): Run =>
  run(id, [
    llmStep(`${id}-l`),
    write(`${id}-w1`, { key: 'case', baseVersion: 'v1', version: 'v2' }, 0, 10),
    write(`${id}-w2`, { key: 'case', baseVersion: 'v2', version: 'v3' }, 20, 30),
    write(`${id}-w3`, { key: 'case', baseVersion: 'v3', version: 'v4' }, 40, 50),
    write(`${id}-n1`, { key: 'notes', merge: 'append' }, 0, 50),
    write(`${id}-n2`, { key: 'notes', merge: 'append' }, 10, 40),
  ]);
/** Two parallel branches both read v1; the second write silently wins. */
const lostUpdate = run('lost', [write('a', { key: 'customer/42', baseVersion: 'v1', version: 'v2' }, 0, 10), write('b', { key: 'customer/42', baseVersion: 'v1', version: 'v3' }, 5, 15)]);
/** Sub-agents assign to one key at the same time, with no version. */
const blind = run('blind', [write('a', { key: 'plan' }, 0, 10), write('b', { key: 'plan' }, 5, 15)]);

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'LangGraph state with a reducer per key; case records updated with ETag compare-and-set' },
    { name: 'traces: every write is versioned or merged and none overwrote another', traces: traceEvidence([versioned('r1'), versioned('r2')]) },
    { name: 'traces: one silent overwrite within a looser limit', traces: traceEvidence([versioned('r1'), lostUpdate]), options: { maxSilentOverwrites: 1 } },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'sub-agents write to one shared dict, last write wins' },
    { name: 'traces: a write based on a stale version succeeded (lost update)', traces: traceEvidence([versioned('r1'), lostUpdate]) },
    { name: 'traces: unversioned writes to one key overlapped', traces: traceEvidence([blind]) },
  ],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'single-threaded agent', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    {
      name: 'traces: some writes are plain overwrites that nothing overlapped',
      traces: traceEvidence([versioned('r1'), run('plain', [write('p1', { key: 'case' }, 0, 10), write('p2', { key: 'case' }, 20, 30)])]),
      outcome: 'partial',
      credit: 5 / 7,
      messageIncludes: '2 of 7 state writes are plain overwrites',
    },
    {
      name: 'traces without state writes cannot decide, and say what to record',
      traces: traceEvidence([run('r', [llmStep('l'), toolStep('t', 'update_ticket', { id: 1 }, { risk: 'reversible-write' })])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'mimir.state.base_version',
    },
    {
      name: 'traces whose writes name a key but never a version cannot tell compare-and-set from overwrite',
      traces: traceEvidence([run('r', [write('a', { key: 'k' }, 0, 10), write('b', { key: 'k' }, 20, 30)])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'none records the version',
    },
    {
      name: 'traces with too few writes cannot show explicitness',
      traces: traceEvidence([run('r', [write('a', { key: 'k', baseVersion: 'v1', version: 'v2' }, 0, 10)])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'state writes with a key recorded: 1; at least 5 are needed',
    },
    { name: 'traces too thin fall back to the attestation', traces: traceEvidence([run('r', [llmStep('l')])]), answer: 'yes', outcome: 'pass', evidenceKind: 'attestation' },
  ],
});

describe('state-changes-are-explicit from traces', () => {
  it('names the silent overwrites and points at the writes that made them', () => {
    const finding = runCase(check, { name: 'lost', traces: traceEvidence([versioned('r1'), lostUpdate, blind]) });
    expect(finding.message).toBe(
      'State writes that overwrote another unseen: 2, at most 0 allowed (lost updates, based on a version older than the latest: 1; unversioned writes overlapping another write to the same key: 1).',
    );
    expect(finding.references.map((r) => [r.kind, r.id])).toEqual([
      ['span', 'b'],
      ['span', 'b'],
    ]);
    expect(finding.references[0]?.label).toContain('based on version v1 succeeded after version v2 was written');
    expect(finding.measured.find((m) => m.name === 'lost updates')).toMatchObject({ value: 1 });
  });
});

describe('state-changes-are-explicit options', () => {
  it('defaults to no silent overwrite and five writes', () => {
    expect(check.options.parse({})).toEqual({ maxSilentOverwrites: 0, minWrites: 5 });
  });
  it('rejects negative or fractional limits', () => {
    expect(check.options.safeParse({ maxSilentOverwrites: -1 }).success).toBe(false);
    expect(check.options.safeParse({ minWrites: 0 }).success).toBe(false);
    expect(check.options.safeParse({ minWrites: 2.5 }).success).toBe(false);
  });
});
