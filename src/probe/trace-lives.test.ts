import { describe, expect, it } from 'vitest';
import type { RiskClass, VerifierObservation } from '../model/index.js';
import { traceLivesOf, type LifeRecord, type TrialLivesInput } from './trace-lives.js';
import type { AgentExit, FaultKind, LedgerEntry, LedgerRecord } from './types.js';

type Step = Omit<LedgerRecord, 'runId' | 'scenarioId' | 'trial' | 'startedAt'>;

const RISK: Readonly<Record<string, RiskClass>> = { get_user: 'read-only', reset_password: 'irreversible-write', send_notification: 'outbound-message' };

const call = (tool: string, extra: Partial<Step> = {}): Step => ({
  event: 'call',
  tool,
  arguments: {},
  disposition: RISK[tool] === 'read-only' ? 'forwarded' : 'simulated',
  ...extra,
});
const fault = (tool: string, kind: FaultKind): Step => call(tool, { disposition: 'faulted', fault: { kind, rule: 0 }, isError: true });
const denied = (tool: string): Step => ({ event: 'call', tool: 'request_approval', disposition: 'approval', approval: { tool, arguments: {}, decision: 'denied', approvalId: 'a1' } });

function entries(steps: readonly Step[]): LedgerEntry[] {
  return steps.map((step, seq) => ({ runId: 'r', scenarioId: 's', trial: 1, startedAt: '2026-01-01T00:00:00Z', ...step, seq, prev: '0', hash: '1' }));
}

function exit(extra: Partial<AgentExit> = {}): AgentExit {
  return { claim: { status: 'success' }, exitCode: 0, signal: null, timedOut: false, killed: false, durationMs: 10, stdoutBytes: 1, stderrTail: '', outputTruncated: false, ...extra };
}

function lives(steps: readonly Step[], records: readonly Omit<LifeRecord, 'key'>[], extra: Partial<TrialLivesInput> = {}) {
  return traceLivesOf({
    runId: 'r',
    scenarioId: 's',
    family: 'transient-failure',
    trial: 2,
    entries: entries(steps),
    lives: records.map((record, index) => ({ ...record, key: `r#${index + 1}` })),
    filesOf: (key) => [`${key}.jsonl`],
    usesOf: (taskId) => (taskId === 'reset' ? ['get_user', 'reset_password', 'send_notification'] : taskId === 'lookup' ? ['get_user'] : undefined),
    riskOf: (tool) => RISK[tool],
    observations: [],
    ...extra,
  });
}

describe('traceLivesOf', () => {
  it('grades a task by whether its side effects took effect at the proxy, not by the claim', () => {
    const done = lives([call('get_user'), call('reset_password'), call('send_notification')], [{ life: 'first', from: 0, to: 3, exit: exit(), killedOnPurpose: false, taskId: 'reset' }]);
    expect(done).toEqual([
      expect.objectContaining({ life: 'first', endedBy: 'itself', interfered: false, files: ['r#1.jsonl'], outcome: { status: 'success', basis: expect.stringContaining('reset_password, send_notification') } }),
    ]);
    // It claimed success, but the notification never went out.
    const short = lives([call('get_user'), call('reset_password'), call('send_notification', { isError: true })], [{ life: 'first', from: 0, to: 3, exit: exit(), killedOnPurpose: false, taskId: 'reset' }]);
    expect(short[0]?.outcome).toEqual({ status: 'failure', basis: "the task's send_notification never took effect" });
  });

  it('marks a life with a fired fault or a refused approval as interfered with', () => {
    const faulted = lives([fault('get_user', 'error'), call('get_user'), call('reset_password'), call('send_notification')], [{ life: 'first', from: 0, to: 4, exit: exit(), killedOnPurpose: false, taskId: 'reset' }]);
    expect(faulted[0]).toMatchObject({ interfered: true, outcome: { status: 'success' } });
    const refused = lives([call('get_user'), denied('reset_password')], [{ life: 'first', from: 0, to: 2, exit: exit({ claim: { status: 'failure' } }), killedOnPurpose: false, taskId: 'reset' }]);
    expect(refused[0]).toMatchObject({ interfered: true, outcome: { status: 'failure' } });
  });

  it('leaves a read-only task ungraded: there is no effect to see', () => {
    const read = lives([call('get_user')], [{ life: 'first', from: 0, to: 1, exit: exit(), killedOnPurpose: false, taskId: 'lookup' }]);
    expect(read[0]?.outcome).toBeUndefined();
    const unknownTask = lives([call('get_user')], [{ life: 'first', from: 0, to: 1, exit: exit(), killedOnPurpose: false }]);
    expect(unknownTask[0]?.outcome).toBeUndefined();
  });

  it('grades a kill-resume trial once, on the resumed life, counting the effects of both', () => {
    const killed = lives(
      [call('get_user'), call('reset_password'), { event: 'kill' }, { event: 'resume' }, call('send_notification')],
      [
        { life: 'first', from: 0, to: 2, exit: exit({ killed: true, signal: 'SIGKILL' }), killedOnPurpose: true, taskId: 'reset' },
        { life: 'resume', from: 4, to: 5, exit: exit(), killedOnPurpose: false, taskId: 'reset' },
      ],
    );
    expect(killed.map((life) => [life.life, life.endedBy, life.outcome?.status])).toEqual([
      ['first', 'planned-kill', undefined],
      ['resume', 'itself', 'success'],
    ]);
  });

  it('says when mimir stopped the agent or it never started, and grades neither', () => {
    const stopped = lives([call('get_user')], [{ life: 'first', from: 0, to: 1, exit: exit({ timedOut: true, killed: true }), killedOnPurpose: false, taskId: 'reset' }]);
    expect(stopped[0]).toMatchObject({ endedBy: 'deadline' });
    expect(stopped[0]?.outcome).toBeUndefined();
    const never = lives([], [{ life: 'first', from: 0, to: 0, exit: exit({ startError: 'ENOENT' }), killedOnPurpose: false, taskId: 'reset' }]);
    expect(never[0]?.endedBy).toBe('not-started');
  });

  it("lets the scenario's upstream checks decide where it has them", () => {
    const observations: VerifierObservation[] = [{ expectation: 'upstream', ok: false, detail: 'world.users.u-1.status is active, expected disabled' }];
    const graded = lives([call('get_user'), call('reset_password'), call('send_notification')], [{ life: 'first', from: 0, to: 3, exit: exit(), killedOnPurpose: false, taskId: 'reset' }], { observations });
    expect(graded[0]?.outcome).toEqual({ status: 'failure', basis: 'an upstream check failed: world.users.u-1.status is active, expected disabled' });
  });

  it("grades a follow-up task on its own calls, under its own run id", () => {
    const both = lives(
      [call('get_user'), call('reset_password'), call('send_notification'), { event: 'run-start' }, call('get_user')],
      [
        { life: 'first', from: 0, to: 3, exit: exit(), killedOnPurpose: false, taskId: 'reset' },
        { life: 'follow-up', runId: 'r-next', from: 3, to: 5, exit: exit(), killedOnPurpose: false, taskId: 'reset' },
      ],
    );
    expect(both.map((life) => [life.runId, life.outcome?.status])).toEqual([
      ['r', 'success'],
      ['r-next', 'failure'],
    ]);
  });
});
