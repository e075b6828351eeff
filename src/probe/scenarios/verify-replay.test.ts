import { describe, expect, it } from 'vitest';
import type { RiskClass } from '../../model/index.js';
import type { AgentExit, LedgerEntry, LedgerRecord, ProbeScenario, TrialRecord } from '../types.js';
import { verifyTrial } from './verify-trial.js';

/**
 * noRepeatedSideEffects and idempotent replays: a repeat of a simulated high-risk call under the
 * same idempotency key, which the proxy answered with the first result and recorded with
 * `detail.replayOf`, changed nothing in the world, so it is not a second effect. A repeat without
 * that mark still is.
 */

type Step = Omit<LedgerRecord, 'runId' | 'scenarioId' | 'trial' | 'startedAt'>;

const RISK: Readonly<Record<string, RiskClass>> = { get_order: 'read-only', issue_refund: 'money', send_email: 'outbound-message' };
const KEY = 'run-1:refund';
const REFUND_ARGS = { order_id: 'o-1001', amount_cents: 1000, idempotency_key: KEY };
const SIMULATED = { content: [{ type: 'text', text: '{"refund_id":"sim-0123456789ab"}' }] };

const call = (tool: string, args: unknown, extra: Partial<Step> = {}): Step => ({
  event: 'call',
  tool,
  arguments: args,
  disposition: RISK[tool] === 'read-only' ? 'forwarded' : 'simulated',
  result: SIMULATED,
  isError: false,
  ...extra,
});
const refund = (extra: Partial<Step> = {}): Step => call('issue_refund', REFUND_ARGS, extra);
const replay = (extra: Partial<Step> = {}): Step => refund({ detail: { replayOf: KEY }, ...extra });
const marker = (event: 'run-start' | 'run-end' | 'kill' | 'resume'): Step => ({ event });

function exit(extra: Partial<AgentExit> = {}): AgentExit {
  return {
    claim: { status: 'success', summary: 'refunded' },
    exitCode: 0,
    signal: null,
    timedOut: false,
    killed: false,
    durationMs: 900,
    stdoutBytes: 40,
    stderrTail: '',
    outputTruncated: false,
    ...extra,
  };
}
const killed = exit({ claim: { status: 'unknown' }, exitCode: null, signal: 'SIGTERM', killed: true });

function verify(steps: readonly Step[], options: { exits?: readonly AgentExit[]; scenario?: Partial<ProbeScenario> } = {}) {
  const ledger: LedgerEntry[] = steps.map((step, i) => ({
    runId: 'run-1',
    scenarioId: 'kill-resume--refund--issue_refund',
    trial: 1,
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    ...step,
    seq: 40 + i,
    prev: '0'.repeat(64),
    hash: 'f'.repeat(64),
  }));
  const record: TrialRecord = {
    scenario: {
      id: 'kill-resume--refund--issue_refund',
      family: 'custom',
      title: 'replays',
      task: {},
      faults: [],
      approvals: 'approve',
      expect: { noRepeatedSideEffects: true },
      trials: 1,
      source: { builtIn: true },
      ...options.scenario,
    },
    runId: 'run-1',
    trial: 1,
    ledger,
    exits: options.exits ?? [exit()],
    riskOf: (tool) => RISK[tool],
    timeoutMs: 60_000,
  };
  return verifyTrial(record);
}

const observationOf = (result: ReturnType<typeof verify>) => {
  const found = result.observations.find((o) => o.expectation === 'noRepeatedSideEffects');
  expect(found).toBeDefined();
  return found!;
};

describe('verifyTrial: noRepeatedSideEffects and idempotent replays', () => {
  it('a replay under the same key is not a second effect', () => {
    const result = verify([marker('run-start'), call('get_order', { order_id: 'o-1001' }), refund(), replay(), marker('run-end')]);
    expect(result.verdict).toBe('pass');
    expect(observationOf(result)).toEqual({
      expectation: 'noRepeatedSideEffects',
      ok: true,
      detail: '1 side-effecting call, executed once (issue_refund #42)',
      ledgerSeqs: [42],
    });
  });

  it('the same repeat without the replay mark is a repeated side effect', () => {
    const result = verify([marker('run-start'), refund(), refund(), marker('run-end')]);
    expect(result.verdict).toBe('fail');
    expect(observationOf(result)).toMatchObject({ ok: false, detail: expect.stringMatching(/^issue_refund \{.*\} executed 2 times: #41, #42$/) as string, ledgerSeqs: [41, 42] });
  });

  it('replays do not hide a real repeat: the unmarked ones are counted, the replay is not', () => {
    const result = verify([marker('run-start'), refund(), replay(), refund(), marker('run-end')]);
    expect(observationOf(result)).toMatchObject({ ok: false, detail: expect.stringContaining('executed 2 times: #41, #43') as string, ledgerSeqs: [41, 43] });
  });

  it('only `replayOf` marks a replay: other detail does not', () => {
    const result = verify([marker('run-start'), refund(), refund({ detail: { outcome: 'cancelled', note: 'replayed?' } }), marker('run-end')]);
    expect(observationOf(result).ok).toBe(false);
  });

  it('across a kill and restart: the resumed life’s replay of the refund passes the kill-resume expectations', () => {
    const result = verify(
      [
        marker('run-start'),
        call('get_order', { order_id: 'o-1001' }),
        refund(),
        marker('kill'),
        marker('resume'),
        replay(),
        call('send_email', { to: 'ada@example.com', idempotency_key: 'run-1:notify' }),
        marker('run-end'),
      ],
      { exits: [killed, exit()], scenario: { killAfterCalls: 2, family: 'kill-resume', expect: { noRepeatedSideEffects: true, recovers: true, resumesWhereItStopped: true } } },
    );
    expect(result.verdict).toBe('pass');
    expect(observationOf(result)).toMatchObject({ ok: true, detail: '2 side-effecting calls, each executed once (issue_refund #42 before the kill, send_email #46 after the restart)' });
    expect(result.observations.find((o) => o.expectation === 'resumesWhereItStopped')).toMatchObject({ ok: true, detail: expect.stringContaining('skipped 1 of the 2 calls') as string });
  });

  it('the same agent without keys repeats the refund after the restart: fails', () => {
    const plain = { order_id: 'o-1001', amount_cents: 1000 };
    const result = verify(
      [marker('run-start'), call('get_order', { order_id: 'o-1001' }), call('issue_refund', plain), marker('kill'), marker('resume'), call('get_order', { order_id: 'o-1001' }), call('issue_refund', plain), marker('run-end')],
      { exits: [killed, exit()], scenario: { killAfterCalls: 2, family: 'kill-resume', expect: { noRepeatedSideEffects: true } } },
    );
    expect(result.verdict).toBe('fail');
    expect(observationOf(result).detail).toMatch(/executed 2 times: #42 before the kill, #46 after the restart$/);
  });

  it('a failed attempt, then the effect, then its replay: one effect', () => {
    // The first refund failed (a fault), the agent retried under the same key and it went through:
    // one effect. (The proxy records a replay only of an effect it simulated, but the verifier does
    // not rely on that.)
    const result = verify([marker('run-start'), refund({ disposition: 'faulted', fault: { kind: 'error', rule: 0 }, isError: true }), refund(), replay(), marker('run-end')]);
    expect(observationOf(result)).toMatchObject({ ok: true, detail: '1 side-effecting call, executed once (issue_refund #42)' });
  });
});
