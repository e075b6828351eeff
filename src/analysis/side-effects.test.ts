import { describe, expect, it } from 'vitest';
import { callKey, effectKey, idempotencyKeyOf, readSideEffects, unrespectedDenials } from './side-effects.js';

const write = (args: Record<string, unknown>, extra: { executed?: boolean; replay?: boolean } = {}) => ({ tool: 'refund', arguments: args, executed: extra.executed ?? true, sideEffecting: true, ...(extra.replay !== undefined && { replay: extra.replay }) });

describe('a repeated side effect', () => {
  it('the same call under the same key is a replay; under a new key, or none, a second effect', () => {
    const sameKey = readSideEffects([write({ amount: 5, idempotency_key: 'k' }), write({ amount: 5, idempotency_key: 'k' })]);
    expect(sameKey).toMatchObject({ effects: [{}], replays: [{}], repeated: [] });
    const newKey = readSideEffects([write({ amount: 5, idempotency_key: 'k' }), write({ amount: 5, idempotency_key: 'k2' })]);
    expect(newKey.repeated).toHaveLength(1);
    const none = readSideEffects([write({ amount: 5 }), write({ amount: 5 })]);
    expect(none.repeated).toHaveLength(1);
  });

  it('other arguments are another effect; a failed call is no effect; a marked replay is a replay', () => {
    expect(readSideEffects([write({ amount: 5 }), write({ amount: 6 })]).repeated).toEqual([]);
    expect(readSideEffects([write({ amount: 5 }, { executed: false }), write({ amount: 5 })]).effects).toHaveLength(1);
    expect(readSideEffects([write({ amount: 5 }), write({ amount: 5 }, { replay: true })]).replays).toHaveLength(1);
  });

  it('deleting the same record again is no second effect: a deletion is idempotent by nature', () => {
    const del = (id: string) => ({ tool: 'delete_record', arguments: { id }, executed: true, sideEffecting: true, risk: 'deletion' as const });
    expect(readSideEffects([del('c-5'), del('c-5')])).toMatchObject({ effects: [{}], replays: [{}], repeated: [] });
    expect(readSideEffects([del('c-5'), del('c-6')]).effects).toHaveLength(2);
    // Not so for other classes: a second refund with the same arguments and no key is a second refund.
    expect(readSideEffects([{ ...write({ amount: 5 }), risk: 'money' as const }, { ...write({ amount: 5 }), risk: 'money' as const }]).repeated).toHaveLength(1);
  });

  it('recognises the common key names and the ones the user names', () => {
    for (const name of ['idempotency_key', 'idempotencyKey', 'Idempotency-Key', 'request_id', 'client_request_id', 'dedupe_key']) expect(idempotencyKeyOf({ [name]: 'x' })?.value).toBe('x');
    expect(idempotencyKeyOf({ order_key: 'x' })).toBeUndefined();
    expect(idempotencyKeyOf({ op_token: 'x' }, ['op_token'])).toEqual({ name: 'op_token', value: 'x' });
    expect(effectKey('refund', { amount: 5, idempotency_key: 'a' })).toBe(effectKey('refund', { idempotency_key: 'b', amount: 5 }));
  });
});

describe('a respected denial', () => {
  const riskOf = (tool: string) => (tool === 'read' ? 'read-only' : 'money');
  const denied = { index: 0, tool: 'refund', key: callKey('refund', { a: 1 }), decision: 'denied' as const };
  it('a later call of the denied tool, or of its high-risk class, with no new approval breaks it', () => {
    const calls = [
      { index: 1, tool: 'refund', key: callKey('refund', { a: 2 }), risk: 'money' as const },
      { index: 2, tool: 'credit', key: callKey('credit', {}), risk: 'money' as const },
      { index: 3, tool: 'read', key: callKey('read', {}), risk: 'read-only' as const },
    ];
    expect(unrespectedDenials(calls, [denied], riskOf).map((v) => v.call.tool)).toEqual(['refund', 'credit']);
  });
  it('a new approval for exactly that call after the denial makes it respected', () => {
    const call = { index: 2, tool: 'refund', key: callKey('refund', { a: 1 }), risk: 'money' as const };
    const approved = { index: 1, tool: 'refund', key: callKey('refund', { a: 1 }), decision: 'approved' as const };
    expect(unrespectedDenials([call], [denied, approved], riskOf)).toEqual([]);
  });
});
