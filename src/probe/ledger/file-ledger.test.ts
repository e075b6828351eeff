import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InternalError, UserError } from '../../shared/errors.js';
import { GENESIS_HASH, type LedgerRecord } from '../types.js';
import { openLedger } from './file-ledger.js';
import { InMemoryLedger } from './in-memory-ledger.js';
import { readLedger, verifyLedger } from './verify-ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'mimir-file-ledger-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
const fresh = (): string => join(dir, `ledger-${counter++}.jsonl`);

function call(i: number, trial = 1): LedgerRecord {
  return {
    runId: `run-${trial}`,
    scenarioId: 'persistent-failure--refund',
    trial,
    event: 'call',
    tool: 'lookup_order',
    arguments: { order: i, note: 'ünïcödé ✓' },
    callIndex: i + 1,
    risk: 'read-only',
    disposition: 'forwarded',
    result: { content: [{ type: 'text', text: `order ${i}` }] },
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    durationMs: i,
  };
}

describe('FileLedger', () => {
  it('keeps one valid chain under 200 concurrent appends from interleaved trials', async () => {
    const path = fresh();
    const ledger = await openLedger(path);
    const appended = await Promise.all(Array.from({ length: 200 }, (_, i) => ledger.append(call(i, i % 7))));
    await ledger.close();
    expect(new Set(appended.map((e) => e.seq)).size).toBe(200);
    expect(appended.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    const result = await verifyLedger(path, { expect: { entries: ledger.entries, lastHash: ledger.lastHash } });
    expect(result).toMatchObject({ ok: true, entries: 200, lastHash: ledger.lastHash, problems: [] });
    // What append returned is exactly what a reader gets back.
    expect(await readLedger(path)).toEqual(appended);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(201);
  });

  it('chains appends made while earlier ones are still being written', async () => {
    const path = fresh();
    const ledger = await openLedger(path);
    const first = ledger.append(call(0));
    const second = ledger.append(call(1));
    const [a, b] = await Promise.all([second, first]);
    expect(b.seq).toBe(0);
    expect(a.seq).toBe(1);
    expect(a.prev).toBe(b.hash);
    expect(b.prev).toBe(GENESIS_HASH);
    await ledger.close();
  });

  it('writes the same bytes as the in-memory ledger', async () => {
    const path = fresh();
    const ledger = await openLedger(path);
    const memory = new InMemoryLedger();
    for (let i = 0; i < 20; i++) {
      await ledger.append(call(i));
      await memory.append(call(i));
    }
    await ledger.close();
    expect(readFileSync(path, 'utf8')).toBe(memory.jsonLines());
    expect(memory.lastHash).toBe(ledger.lastHash);
  });

  it('replaces seq, prev and hash a caller passes in a record, and leaves out undefined fields', async () => {
    const ledger = new InMemoryLedger();
    const first = await ledger.append(call(0));
    const second = await ledger.append({ ...first, tool: undefined } as unknown as LedgerRecord);
    expect(second).toMatchObject({ seq: 1, prev: first.hash });
    expect(second.hash).not.toBe(first.hash);
    expect('tool' in second).toBe(false);
  });

  it('rejects a record that is not JSON data without breaking the chain', async () => {
    const path = fresh();
    const ledger = await openLedger(path);
    await ledger.append(call(0));
    await expect(ledger.append({ ...call(1), arguments: { amount: 10n } })).rejects.toThrow(TypeError);
    await ledger.append(call(2));
    await ledger.close();
    expect(await verifyLedger(path)).toMatchObject({ ok: true, entries: 2 });
  });

  it('resumes an existing ledger from its last entry', async () => {
    const path = fresh();
    const first = await openLedger(path);
    for (let i = 0; i < 3; i++) await first.append(call(i));
    await first.close();
    const second = await openLedger(path);
    expect(second.entries).toBe(3);
    const next = await second.append(call(3));
    await second.close();
    expect(next.seq).toBe(3);
    expect(await verifyLedger(path, { expect: { entries: 4, lastHash: second.lastHash } })).toMatchObject({ ok: true, entries: 4 });
  });

  it('refuses to extend a ledger that fails verification, naming the line', async () => {
    const path = fresh();
    const ledger = await openLedger(path);
    for (let i = 0; i < 4; i++) await ledger.append(call(i));
    await ledger.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"lookup_order"', '"refund_order"');
    writeFileSync(path, lines.join('\n'));
    const error = await openLedger(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({
      code: 'invalid-ledger',
      message: `the ledger ${path} fails verification: line 3 (seq 2): hash does not match its content — the entry was edited`,
      problems: [{ location: { file: path, line: 3 } }],
    });
  });

  it('renames an invalid ledger aside and starts a new chain when told to rotate', async () => {
    const path = fresh();
    writeFileSync(path, '{"not":"a ledger"}\n');
    const ledger = await openLedger(path, { onExisting: 'rotate' });
    expect(ledger.rotated?.to).toMatch(/\.invalid-\d{4}-\d\d-\d\dT/);
    expect(ledger.rotated?.problems[0]).toMatchObject({ line: 1, kind: 'malformed' });
    expect(readFileSync(ledger.rotated?.to ?? '', 'utf8')).toBe('{"not":"a ledger"}\n');
    expect((await ledger.append(call(0))).seq).toBe(0);
    await ledger.close();
    expect(await verifyLedger(path)).toMatchObject({ ok: true, entries: 1 });
  });

  it('resumes a valid ledger even when told to rotate', async () => {
    const path = fresh();
    const first = await openLedger(path);
    await first.append(call(0));
    await first.close();
    const second = await openLedger(path, { onExisting: 'rotate' });
    expect(second.rotated).toBeUndefined();
    expect((await second.append(call(1))).seq).toBe(1);
    await second.close();
  });

  it('creates missing folders, and refuses a path it cannot write', async () => {
    const path = join(dir, 'nested', 'deeper', 'ledger.jsonl');
    const ledger = await openLedger(path);
    await ledger.close();
    expect(existsSync(path)).toBe(true);
    await expect(openLedger(dir)).rejects.toMatchObject({ code: 'file-unreadable' });
  });

  it('refuses to open a ledger that is already open in this process, until it is closed', async () => {
    const path = fresh();
    const ledger = await openLedger(path);
    await expect(openLedger(path)).rejects.toBeInstanceOf(InternalError);
    await ledger.close();
    const again = await openLedger(path);
    await again.close();
  });

  it('finishes pending appends on close, then refuses more; closing twice is harmless', async () => {
    const path = fresh();
    const ledger = await openLedger(path);
    const pending = Array.from({ length: 10 }, (_, i) => ledger.append(call(i)));
    await ledger.close();
    await ledger.close();
    expect((await Promise.all(pending)).map((e) => e.seq)).toEqual([...Array(10).keys()]);
    await expect(ledger.append(call(10))).rejects.toBeInstanceOf(InternalError);
    expect(await verifyLedger(path)).toMatchObject({ ok: true, entries: 10 });
  });
});
