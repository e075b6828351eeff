import { describe, expect, it } from 'vitest';
import type { RiskClass, Run, Step } from '../../model/index.js';
import check from './tools-have-declared-risk-classes.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';
import { probeEvidence } from '../test-support/probe-evidence.js';

const declared = { name: 'back office', tools: [{ name: 'get_order', risk: 'read-only' as const }, { pattern: 'refund_*', risk: 'money' as const }] };

const call = (id: string, toolName: string, risk?: RiskClass): Step => ({ id, kind: 'tool', name: `execute_tool ${toolName}`, toolName, status: 'ok', ...(risk && { risk }) });
const run = (id: string, ...steps: Step[]): Run => ({ id, steps, claimedStatus: 'success', outcome: { status: 'unknown', source: 'test' } });

testCheck(check, {
  pass: [
    { name: 'probes: every offered tool matches a declaration, by name or pattern', probes: probeEvidence([], ['get_order', 'refund_order', 'request_approval']), system: declared },
    { name: 'attested yes', answer: 'yes', note: 'all 14 tools matched in mimir.yaml; CI fails on an unmatched tool' },
    { name: 'traces: every called tool has a class', traces: traceEvidence([run('r1', call('a', 'search', 'read-only'), call('b', 'issue_refund', 'money'))]) },
  ],
  fail: [
    { name: 'probes: no offered tool is declared', probes: probeEvidence([], ['get_order', 'refund_order']) },
    { name: 'attested no', answer: 'no', note: 'risk classes not declared yet' },
    { name: 'traces: no called tool has a class', traces: traceEvidence([run('r1', call('a', 'search'), call('b', 'issue_credit'))]) },
  ],
  other: [
    {
      name: 'probes: one offered tool of two is undeclared',
      probes: probeEvidence([], ['get_order', 'issue_credit']),
      system: declared,
      outcome: 'partial',
      credit: 0.5,
      messageIncludes: '1 of 2 tools the agent is offered (listed through the probe proxy) have no risk class in mimir.yaml: issue_credit',
    },
    {
      name: 'probes that listed no tool cannot decide',
      probes: probeEvidence([], ['request_approval']),
      outcome: 'insufficient-evidence',
      messageIncludes: 'listed no tools',
    },
    { name: 'always applies', answer: 'not-applicable', note: 'we have few tools', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    {
      name: 'traces: one of two tools has no class',
      traces: traceEvidence([run('r1', call('a', 'search', 'read-only'), call('b', 'issue_credit'))]),
      outcome: 'partial',
      credit: 0.5,
      messageIncludes: 'no risk class: issue_credit',
    },
    { name: 'traces: no tool was called', traces: traceEvidence([run('r1')]), outcome: 'insufficient-evidence', messageIncludes: 'no tool call' },
  ],
});

describe('tools-have-declared-risk-classes from traces', () => {
  it('points at the first call of each unclassified tool', () => {
    const finding = runCase(check, { name: 'refs', traces: traceEvidence([run('r1', call('a', 'zeta'), call('b', 'alpha'), call('c', 'zeta'))]) });
    expect(finding.references.map((r) => r.id)).toEqual(['b', 'a']);
    expect(finding.measured).toEqual(expect.arrayContaining([{ name: 'tools with no risk class', value: 'alpha, zeta' }]));
  });
});
