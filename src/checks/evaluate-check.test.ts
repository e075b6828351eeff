import { describe, expect, it } from 'vitest';
import { evaluateCheck } from './evaluate-check.js';
import tracesAreComplete from './architecture/traces-are-complete.js';
import { traceEvidence } from './test-support/traces.js';
import type { Run } from '../model/index.js';

const run = (id: string): Run => ({
  id,
  steps: [{ kind: 'tool', id: `${id}-t`, name: 'get_user', toolName: 'get_user', status: 'ok', startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:01Z' }],
  claimedStatus: 'success',
  outcome: { status: 'unknown', source: 'none' },
  startedAt: '2026-01-01T00:00:00Z',
  endedAt: '2026-01-01T00:00:02Z',
});

describe('evaluateCheck', () => {
  const context = (fromProbes?: { runs: number }) => {
    const traces = traceEvidence(['a', 'b', 'c', 'd'].map(run));
    return {
      system: { name: 'x', tools: [] },
      evidence: { traces: fromProbes ? { ...traces, fromProbes: { ...fromProbes, interfered: 0, withOutcome: 0, leftOut: 0, files: 1 } } : traces, sources: [] },
      now: new Date('2026-12-07T00:00:00Z'),
      attestationValidityDays: 180,
    };
  };

  it("says where a trace finding's runs came from when some are the agent's traces of a probe run", () => {
    const finding = evaluateCheck(tracesAreComplete, context({ runs: 3 }));
    expect(finding.evidenceKind).toBe('trace');
    expect(finding.measured).toContainEqual({ name: 'trace runs: recorded by the agent during the probe run / from the trace sources', value: '3 / 1' });
  });

  it('adds nothing when every trace run came from the trace sources', () => {
    const finding = evaluateCheck(tracesAreComplete, context());
    expect(finding.measured.some((m) => m.name.startsWith('trace runs: recorded'))).toBe(false);
  });
});
