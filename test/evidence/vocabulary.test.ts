import { describe, expect, it } from 'vitest';
import { DECISIONS } from '../../src/evidence/trace/conventions/vocabulary.js';
import type { ApprovalStep, Run } from '../../src/model/index.js';
import { jsonLines, readText, span } from './support.js';

/**
 * Issue 16, item 1: one vocabulary. Every reader accepts the same spellings of mimir's values
 * (approval decisions, claimed statuses, outcomes), case-insensitively: a LangSmith or Agents SDK
 * export is not read more strictly than OTLP.
 */

interface Said {
  readonly decision: string;
  readonly claimed: string;
  readonly outcome: string;
}

async function otlp(said: Said): Promise<Run> {
  const root = span({ id: 'root', start: 0, end: 500, attrs: { 'mimir.run.claimed_status': said.claimed } });
  const approval = span({ id: 'ok', parent: 'root', name: 'approval', start: 10, end: 20, attrs: { 'mimir.approval.decision': said.decision } });
  return (await readText(jsonLines([root, approval]))).runs[0] as Run;
}

async function langSmith(said: Said): Promise<Run> {
  const base = { trace_id: 'r1', inputs: {}, outputs: {}, error: null, start_time: '2025-01-01T00:00:01', end_time: '2025-01-01T00:00:02' };
  const records = [
    { ...base, id: 'r1', parent_run_id: null, name: 'agent', run_type: 'chain', start_time: '2025-01-01T00:00:00', end_time: '2025-01-01T00:00:09', extra: { metadata: { 'mimir.run.claimed_status': said.claimed, 'mimir.outcome': said.outcome } } },
    { ...base, id: 'a1', parent_run_id: 'r1', name: 'approval', run_type: 'chain', extra: { metadata: { 'mimir.approval.decision': said.decision } } },
  ];
  return (await readText(records.map((r) => JSON.stringify(r)).join('\n') + '\n', {}, 'ls.jsonl')).runs[0] as Run;
}

async function agents(said: Said): Promise<Run> {
  const items = [
    { object: 'trace', id: 'trace_1', workflow_name: 'w', metadata: { 'mimir.run.claimed_status': said.claimed, 'mimir.outcome': said.outcome } },
    { object: 'trace.span', id: 'span_1', trace_id: 'trace_1', parent_id: null, started_at: '2025-01-01T00:00:01Z', ended_at: '2025-01-01T00:00:02Z', span_data: { type: 'custom', name: 'approval', data: { 'mimir.approval.decision': said.decision } } },
  ];
  return (await readText(JSON.stringify({ data: items }), {}, 'agents.json')).runs[0] as Run;
}

const decisionOf = (run: Run): string | undefined => run.steps.find((s): s is ApprovalStep => s.kind === 'approval')?.decision;

describe('one vocabulary for every reader', () => {
  const cases: readonly [Said, { decision: string; claimed: string; outcome: string }][] = [
    [{ decision: 'Granted', claimed: 'succeeded', outcome: 'passed' }, { decision: 'approved', claimed: 'success', outcome: 'success' }],
    [{ decision: 'approve', claimed: 'SUCCESS', outcome: 'success' }, { decision: 'approved', claimed: 'success', outcome: 'success' }],
    [{ decision: 'EXPIRED', claimed: 'failed', outcome: 'Fail' }, { decision: 'timeout', claimed: 'failure', outcome: 'failure' }],
    [{ decision: 'declined', claimed: 'escalation', outcome: 'failure' }, { decision: 'denied', claimed: 'escalated', outcome: 'failure' }],
    [{ decision: 'timed-out', claimed: 'unknown', outcome: 'unknown' }, { decision: 'timeout', claimed: 'unknown', outcome: 'unknown' }],
  ];
  for (const [said, read] of cases) {
    it(`${said.decision} / ${said.claimed} / ${said.outcome}`, async () => {
      for (const run of [await otlp(said), await langSmith(said), await agents(said)]) {
        expect(decisionOf(run), run.source?.file).toBe(read.decision);
        expect(run.claimedStatus, run.source?.file).toBe(read.claimed);
      }
      for (const run of [await langSmith(said), await agents(said)]) expect(run.outcome.status).toBe(read.outcome);
    });
  }

  it('every decision the map knows is read by every reader', async () => {
    for (const [spelling, decision] of Object.entries(DECISIONS)) {
      const said = { decision: spelling, claimed: 'success', outcome: 'success' };
      for (const run of [await otlp(said), await langSmith(said), await agents(said)]) expect(decisionOf(run)).toBe(decision);
    }
  });

  it('a value no spelling knows is reported by every reader, and left unknown', async () => {
    const said = { decision: 'perhaps', claimed: 'great', outcome: 'maybe' };
    for (const read of [otlp, langSmith, agents]) {
      const run = await read(said);
      expect(decisionOf(run)).toBeUndefined();
      expect(run.claimedStatus).toBe('unknown');
    }
  });
});
