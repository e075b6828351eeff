import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../types.js';
import { callRaw, FIXTURE_RISKS, ProxyHarness, textOf } from './test-support/proxy-harness.js';

/**
 * A simulated side effect honours an idempotency key as a careful server would: within one run, a
 * repeat of the same high-risk call under the same key gets the first result back and is recorded
 * as a replay (`detail.replayOf`), not as a second effect. Anything else is a new effect. A
 * forwarded repeat under the same key is marked a replay too, and forwarded all the same: the real
 * server decides what it does with it.
 */

const harness = new ProxyHarness();
afterEach(async () => {
  await harness.cleanup();
});

const calls = (entries: readonly LedgerEntry[]): LedgerEntry[] => entries.filter((entry) => entry.event === 'call');
/** The replay mark of a ledger entry (`detail.replayOf`), as `{ replayOf }`, or undefined. */
const replayMark = (entry: LedgerEntry): { replayOf: unknown } | undefined => {
  const replayOf = (entry.detail as { replayOf?: unknown } | undefined)?.replayOf;
  return replayOf === undefined ? undefined : { replayOf };
};
const refund = (extra: Record<string, unknown> = {}) => ({ order_id: 'ORD-1001', amount: 20, reason: 'damaged', ...extra });
/** The refund id a simulated issue_refund answered with (its structured content fills ids with the simulation id). */
const refundIdOf = (text: string): string => (JSON.parse(text) as { refund_id: string }).refund_id;

describe('idempotent replay of simulated side effects', () => {
  it('the same idempotency_key twice in one run: the first result again, recorded as a replay', async () => {
    const { proxy, ledger } = await harness.start();
    const agent = await harness.connect(proxy.url);
    const first = await callRaw(agent, 'issue_refund', refund({ idempotency_key: 'run-1:refund' }));
    const again = await callRaw(agent, 'issue_refund', refund({ idempotency_key: 'run-1:refund' }));
    expect(again).toEqual(first);
    expect(refundIdOf(textOf(first))).toMatch(/^sim-[0-9a-f]{12}$/);

    const [effect, replay] = calls(ledger.entries);
    expect(effect).toMatchObject({ tool: 'issue_refund', callIndex: 1, disposition: 'simulated', risk: 'money', isError: false });
    expect(effect!.detail).toEqual({ simulatedFrom: 'output-schema' });
    expect(replay).toMatchObject({ tool: 'issue_refund', callIndex: 2, disposition: 'simulated', isError: false, detail: { replayOf: 'run-1:refund', simulatedFrom: 'output-schema' } });
    expect(replay!.result).toEqual(effect!.result);
    // Nothing reached the real server either way.
    expect(JSON.parse(textOf(await proxy.callUpstream('get_refunds')))).toEqual({ refunds: [] });
  });

  it('a third repeat is still a replay of the first effect', async () => {
    const { proxy, ledger } = await harness.start();
    const agent = await harness.connect(proxy.url);
    for (let i = 0; i < 3; i++) await callRaw(agent, 'issue_refund', refund({ idempotency_key: 'k' }));
    expect(calls(ledger.entries).map(replayMark)).toEqual([undefined, { replayOf: 'k' }, { replayOf: 'k' }]);
    expect(new Set(calls(ledger.entries).map((e) => JSON.stringify(e.result))).size).toBe(1);
  });

  it('different keys, or no key, are two effects with their own results', async () => {
    const { proxy, ledger } = await harness.start();
    const agent = await harness.connect(proxy.url);
    const a = await callRaw(agent, 'issue_refund', refund({ idempotency_key: 'a' }));
    const b = await callRaw(agent, 'issue_refund', refund({ idempotency_key: 'b' }));
    const plain1 = await callRaw(agent, 'issue_refund', refund());
    const plain2 = await callRaw(agent, 'issue_refund', refund());
    const ids = [a, b, plain1, plain2].map((result) => refundIdOf(textOf(result)));
    expect(new Set(ids).size).toBe(4);
    expect(calls(ledger.entries).map((e) => [e.callIndex, e.disposition, replayMark(e)])).toEqual([
      [1, 'simulated', undefined],
      [2, 'simulated', undefined],
      [3, 'simulated', undefined],
      [4, 'simulated', undefined],
    ]);
  });

  it('an empty key is no key; a numeric key is a key', async () => {
    const { proxy, ledger } = await harness.start();
    const agent = await harness.connect(proxy.url);
    await callRaw(agent, 'issue_refund', refund({ idempotency_key: '' }));
    await callRaw(agent, 'issue_refund', refund({ idempotency_key: '' }));
    await callRaw(agent, 'issue_refund', refund({ idempotency_key: 7 }));
    await callRaw(agent, 'issue_refund', refund({ idempotency_key: 7 }));
    expect(calls(ledger.entries).map(replayMark)).toEqual([undefined, undefined, undefined, { replayOf: '7' }]);
  });

  it('recognises the usual spellings of an idempotency key', async () => {
    const { proxy, ledger } = await harness.start();
    const agent = await harness.connect(proxy.url);
    const spellings = ['idempotencyKey', 'Idempotency-Key', 'request_id', 'requestId', 'dedupe_key', 'deduplication_id'];
    for (const name of spellings) {
      await callRaw(agent, 'issue_refund', refund({ [name]: `key-${name}` }));
      await callRaw(agent, 'issue_refund', refund({ [name]: `key-${name}` }));
    }
    // An argument merely named like one is not a key.
    await callRaw(agent, 'issue_refund', refund({ order_key: 'x' }));
    await callRaw(agent, 'issue_refund', refund({ order_key: 'x' }));
    expect(calls(ledger.entries).map(replayMark)).toEqual([...spellings.flatMap((name) => [undefined, { replayOf: `key-${name}` }]), undefined, undefined]);
  });

  it('the key is per tool: the same key on another high-risk tool is another effect', async () => {
    const { proxy, ledger } = await harness.start({ riskOf: (tool) => (tool === 'echo' ? 'outbound-message' : FIXTURE_RISKS[tool]) });
    const agent = await harness.connect(proxy.url);
    await callRaw(agent, 'issue_refund', refund({ idempotency_key: 'shared' }));
    await callRaw(agent, 'echo', { text: 'hello', idempotency_key: 'shared' });
    await callRaw(agent, 'echo', { text: 'hello', idempotency_key: 'shared' });
    expect(calls(ledger.entries).map((e) => [e.tool, e.disposition, replayMark(e)])).toEqual([
      ['issue_refund', 'simulated', undefined],
      ['echo', 'simulated', undefined],
      ['echo', 'simulated', { replayOf: 'shared' }],
    ]);
  });

  it('the key is per run: a resumed run (same run id) replays, another run does not', async () => {
    const { proxy, ledger } = await harness.start();
    const agent = await harness.connect(proxy.url);
    const first = await callRaw(agent, 'issue_refund', refund({ idempotency_key: 'k' }));
    // The agent is killed and restarted: the orchestrator keeps the run id, a new session asks again.
    proxy.setRun({ runId: 'run-1', scenarioId: 'scenario-1', trial: 1 });
    const resumed = await harness.connect(proxy.url);
    expect(await callRaw(resumed, 'issue_refund', refund({ idempotency_key: 'k' }))).toEqual(first);
    // Another run starts from a clean slate.
    proxy.setRun({ runId: 'run-2', scenarioId: 'scenario-1', trial: 2 });
    const other = await callRaw(resumed, 'issue_refund', refund({ idempotency_key: 'k' }));
    expect(refundIdOf(textOf(other))).not.toBe(refundIdOf(textOf(first)));
    expect(calls(ledger.entries).map((e) => [e.runId, e.callIndex, replayMark(e)])).toEqual([
      ['run-1', 1, undefined],
      ['run-1', 2, { replayOf: 'k' }],
      ['run-2', 1, undefined],
    ]);
  });

  it('with side effects allowed, both calls reach the real server; the repeat is marked a replay all the same', async () => {
    const { proxy, ledger } = await harness.start({ allowSideEffects: true });
    const agent = await harness.connect(proxy.url);
    await callRaw(agent, 'issue_refund', refund({ idempotency_key: 'k' }));
    await callRaw(agent, 'issue_refund', refund({ idempotency_key: 'k' }));
    expect(calls(ledger.entries).map((e) => [e.disposition, replayMark(e)])).toEqual([
      ['forwarded', undefined],
      ['forwarded', { replayOf: 'k' }],
    ]);
    // The fixture server ignores keys: the real world shows both (a real server's own idempotency is its business).
    expect((JSON.parse(textOf(await proxy.callUpstream('get_refunds'))) as { refunds: unknown[] }).refunds).toHaveLength(2);
  });

  it('a fault on the repeat still applies: a replay is a call like any other', async () => {
    const { proxy, ledger } = await harness.start({ faults: [{ tool: 'issue_refund', kind: 'error', calls: [2] }] });
    const agent = await harness.connect(proxy.url);
    await callRaw(agent, 'issue_refund', refund({ idempotency_key: 'k' }));
    expect((await callRaw(agent, 'issue_refund', refund({ idempotency_key: 'k' }))).isError).toBe(true);
    const third = await callRaw(agent, 'issue_refund', refund({ idempotency_key: 'k' }));
    expect(third.isError).toBeUndefined();
    expect(calls(ledger.entries).map((e) => [e.disposition, e.fault?.kind, replayMark(e)])).toEqual([
      ['simulated', undefined, undefined],
      ['faulted', 'error', undefined],
      ['simulated', undefined, { replayOf: 'k' }],
    ]);
  });
});
