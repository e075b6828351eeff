import { describe, expect, it } from 'vitest';
import type { RiskClass } from '../../model/index.js';
import type { AgentExit, LedgerEntry, LedgerRecord, ProbeScenario, TrialRecord } from '../types.js';
import { verifyTrial } from './verify-trial.js';

/**
 * noRepeatedSideEffects and idempotent replays: a repeat of a simulated high-risk call under the
 * same idempotency key, which the proxy answered with the first result and recorded with
 * `detail.replayOf`, changed nothing in the world, so it is not a second effect. Effects, not calls:
 * a repeat under a key already used is a replay even without that mark (a forwarded call: the
 * upstream dedupes it); a repeat under a new key, or with none, is a second effect.
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

function verifyWithKeys(steps: readonly Step[], idempotencyKeys: readonly string[]) {
  return verify(steps, { idempotencyKeys });
}

function verify(steps: readonly Step[], options: { exits?: readonly AgentExit[]; scenario?: Partial<ProbeScenario>; upstreamState?: readonly unknown[]; idempotencyKeys?: readonly string[] } = {}) {
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
    ...(options.upstreamState !== undefined && { upstreamState: options.upstreamState }),
    ...(options.idempotencyKeys !== undefined && { idempotencyKeys: options.idempotencyKeys }),
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
      detail: '1 side effect, executed once (issue_refund #42); 1 replay under an idempotency key already used, not a second effect (issue_refund #43)',
      ledgerSeqs: [42, 43],
    });
  });

  it('a forwarded repeat under the same key, with no replay mark, is a replay too: effects, not calls', () => {
    const result = verify([marker('run-start'), refund({ disposition: 'forwarded' }), refund({ disposition: 'forwarded' }), marker('run-end')]);
    expect(result.verdict).toBe('pass');
    expect(observationOf(result)).toMatchObject({ ok: true, detail: expect.stringContaining('1 replay under an idempotency key already used') as string });
  });

  it('the same refund under a new key is a repeated side effect', () => {
    const result = verify([marker('run-start'), refund(), refund({ arguments: { ...REFUND_ARGS, idempotency_key: 'run-1:refund-again' } }), marker('run-end')]);
    expect(result.verdict).toBe('fail');
    expect(observationOf(result)).toMatchObject({ ok: false, detail: expect.stringMatching(/^issue_refund \{.*\} executed 2 times without a shared idempotency key: #41, #42$/) as string, ledgerSeqs: [41, 42] });
  });

  it('replays do not hide a real repeat: the one under a new key is counted, the replay is not', () => {
    const result = verify([marker('run-start'), refund(), replay(), refund({ arguments: { ...REFUND_ARGS, idempotency_key: 'run-1:other' } }), marker('run-end')]);
    expect(observationOf(result)).toMatchObject({ ok: false, detail: expect.stringContaining('executed 2 times without a shared idempotency key: #41, #43') as string, ledgerSeqs: [41, 43] });
  });

  it('a keyless repeat is a second effect whatever its detail says', () => {
    const plain = { order_id: 'o-1001', amount_cents: 1000 };
    const result = verify([marker('run-start'), call('issue_refund', plain), call('issue_refund', plain, { detail: { outcome: 'cancelled', note: 'replayed?' } }), marker('run-end')]);
    expect(observationOf(result).ok).toBe(false);
  });

  it('a name the user gave in probes.idempotencyKeys carries a key too', () => {
    const args = (op: string) => ({ order_id: 'o-1001', amount_cents: 1000, op_token: op });
    const named = verify([marker('run-start'), call('issue_refund', args('t-1'), { disposition: 'forwarded' }), call('issue_refund', args('t-1'), { disposition: 'forwarded' }), marker('run-end')], {});
    expect(observationOf(named).ok).toBe(false);
    const ledger = [marker('run-start'), call('issue_refund', args('t-1'), { disposition: 'forwarded' }), call('issue_refund', args('t-1'), { disposition: 'forwarded' }), marker('run-end')];
    expect(observationOf(verifyWithKeys(ledger, ['op_token'])).ok).toBe(true);
  });

  it('where the scenario reads upstream state, the world decides about forwarded repeats', () => {
    const plain = { order_id: 'o-1001', amount_cents: 1000 };
    const result = verify([marker('run-start'), call('issue_refund', plain, { disposition: 'forwarded' }), call('issue_refund', plain, { disposition: 'forwarded' }), marker('run-end')], {
      scenario: { expect: { noRepeatedSideEffects: true, upstream: [{ call: 'get_order', expect: { '/refunds': 1 } }] } },
      upstreamState: [{ refunds: 2 }],
    });
    expect(observationOf(result)).toMatchObject({ ok: true, detail: expect.stringContaining('judged by the upstream state check') as string });
    expect(result.observations.find((o) => o.expectation === 'upstream')).toMatchObject({ ok: false });
    expect(result.verdict).toBe('fail');
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
    expect(observationOf(result)).toMatchObject({ ok: true, detail: expect.stringContaining('2 side effects, each executed once (issue_refund #42 before the kill, send_email #46 after the restart); 1 replay under an idempotency key already used, not a second effect (issue_refund #45 after the restart)') as string });
    expect(result.observations.find((o) => o.expectation === 'resumesWhereItStopped')).toMatchObject({ ok: true, detail: expect.stringContaining('did not perform again 1 of the 1 side effects') as string });
  });

  it('the same agent without keys repeats the refund after the restart: fails', () => {
    const plain = { order_id: 'o-1001', amount_cents: 1000 };
    const result = verify(
      [marker('run-start'), call('get_order', { order_id: 'o-1001' }), call('issue_refund', plain), marker('kill'), marker('resume'), call('get_order', { order_id: 'o-1001' }), call('issue_refund', plain), marker('run-end')],
      { exits: [killed, exit()], scenario: { killAfterCalls: 2, family: 'kill-resume', expect: { noRepeatedSideEffects: true } } },
    );
    expect(result.verdict).toBe('fail');
    expect(observationOf(result).detail).toMatch(/executed 2 times without a shared idempotency key: #42 before the kill, #46 after the restart$/);
  });

  it('a failed attempt, then the effect, then its replay: one effect', () => {
    // The first refund failed (a fault), the agent retried under the same key and it went through:
    // one effect. (The proxy records a replay only of an effect it simulated, but the verifier does
    // not rely on that.)
    const result = verify([marker('run-start'), refund({ disposition: 'faulted', fault: { kind: 'error', rule: 0 }, isError: true }), refund(), replay(), marker('run-end')]);
    expect(observationOf(result)).toMatchObject({ ok: true, detail: expect.stringContaining('1 side effect, executed once (issue_refund #42)') as string });
  });
});
