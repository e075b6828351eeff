import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { RISK_CLASSES } from '../../model/index.js';
import { UserError } from '../../shared/errors.js';
import { FAULT_KINDS, GENESIS_HASH, LEDGER_DISPOSITIONS, type LedgerRecord } from '../types.js';
import { LedgerChain, entryHash } from './chain.js';
import { InMemoryLedger } from './in-memory-ledger.js';
import { readLedger, verifyLedger, type LedgerVerification } from './verify-ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'mimir-ledger-verify-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let fileCounter = 0;
async function verifyText(text: string, expectation?: { entries?: number; lastHash?: string }): Promise<LedgerVerification> {
  const path = join(dir, `ledger-${fileCounter++}.jsonl`);
  writeFileSync(path, text);
  try {
    return await verifyLedger(path, expectation ? { expect: expectation } : {});
  } finally {
    rmSync(path, { force: true });
  }
}

const EVENTS = ['call', 'run-start', 'run-end', 'kill', 'resume'] as const;

const recordArb: fc.Arbitrary<LedgerRecord> = fc.record(
  {
    runId: fc.string({ maxLength: 12 }),
    scenarioId: fc.string({ maxLength: 12 }),
    trial: fc.nat(20),
    event: fc.constantFrom(...EVENTS),
    tool: fc.string({ maxLength: 10 }),
    arguments: fc.jsonValue({ maxDepth: 2 }),
    callIndex: fc.integer({ min: 1, max: 50 }),
    risk: fc.constantFrom(...RISK_CLASSES),
    disposition: fc.constantFrom(...LEDGER_DISPOSITIONS),
    fault: fc.record({ kind: fc.constantFrom(...FAULT_KINDS), rule: fc.nat(5) }),
    result: fc.jsonValue({ maxDepth: 2 }),
    isError: fc.boolean(),
    detail: fc.jsonValue({ maxDepth: 1 }),
    startedAt: fc.date({ noInvalidDate: true, min: new Date('2020-01-01'), max: new Date('2030-01-01') }).map((d) => d.toISOString()),
    durationMs: fc.nat(10_000),
  },
  { requiredKeys: ['runId', 'scenarioId', 'trial', 'event', 'startedAt'] },
);

interface BuiltLedger {
  readonly lines: string[];
  readonly lastHash: string;
}

function build(records: readonly LedgerRecord[]): BuiltLedger {
  const ledger = new InMemoryLedger();
  for (const record of records) void ledger.append(record);
  return { lines: ledger.jsonLines().split('\n').slice(0, -1), lastHash: ledger.lastHash };
}

const text = (lines: readonly string[]): string => lines.map((line) => `${line}\n`).join('');
const hexArb = fc.stringMatching(/^[0-9a-f]{64}$/);

/** A value of the same JSON type, different from `value`, so the entry keeps its shape. */
function mutateJson(value: unknown, pick: number): unknown {
  if (typeof value === 'string') return `${value}x`;
  // (+1 is lost on numbers past 2^53.)
  if (typeof value === 'number') return value + 1 !== value ? value + 1 : value / 2;
  if (typeof value === 'boolean') return !value;
  if (value === null) return 0;
  if (Array.isArray(value)) {
    if (value.length === 0) return [0];
    const i = pick % value.length;
    return value.map((item: unknown, j) => (j === i ? mutateJson(item, pick >> 3) : item));
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 0) return { x: 0 };
  const key = keys[pick % keys.length]!;
  return { ...object, [key]: mutateJson(object[key], pick >> 3) };
}

function otherOf(values: readonly string[], current: unknown, pick: number): string {
  const others = values.filter((v) => v !== current);
  return others[pick % others.length]!;
}

function flipHex(hash: string, pick: number): string {
  const i = pick % hash.length;
  const c = hash[i] === '0' ? '1' : '0';
  return hash.slice(0, i) + c + hash.slice(i + 1);
}

/** One field of one entry changed, keeping the entry well formed: only its hash can tell. */
function editField(entry: Record<string, unknown>, key: string, pick: number): Record<string, unknown> {
  const value = entry[key];
  switch (key) {
    case 'prev':
    case 'hash':
      return { ...entry, [key]: flipHex(value as string, pick) };
    case 'event':
      return { ...entry, event: otherOf(EVENTS, value, pick) };
    case 'risk':
      return { ...entry, risk: otherOf(RISK_CLASSES, value, pick) };
    case 'disposition':
      return { ...entry, disposition: otherOf(LEDGER_DISPOSITIONS, value, pick) };
    case 'fault': {
      const fault = value as { kind: string; rule: number };
      return { ...entry, fault: pick % 2 === 0 ? { ...fault, rule: fault.rule + 1 } : { ...fault, kind: otherOf(FAULT_KINDS, fault.kind, pick) } };
    }
    default:
      return { ...entry, [key]: mutateJson(value, pick) };
  }
}

// LEDGER_PROPERTY_RUNS=5000 for a longer hunt.
const SETTINGS = { numRuns: Number(process.env.LEDGER_PROPERTY_RUNS ?? 150) };

describe('verifyLedger', () => {
  it('passes any untouched ledger, reporting its entries and last hash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { maxLength: 25 }), async (records) => {
        const ledger = build(records);
        const result = await verifyText(text(ledger.lines));
        expect(result.problems).toEqual([]);
        expect(result.ok).toBe(true);
        expect(result.entries).toBe(records.length);
        expect(result.lastHash).toBe(ledger.lastHash);
      }),
      SETTINGS,
    );
  });

  it('names the line of any single edited field of any entry, and only that line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 20 }), fc.nat(), fc.nat(), fc.nat(), async (records, whichEntry, whichField, pick) => {
        const { lines } = build(records);
        const k = whichEntry % lines.length;
        const entry = JSON.parse(lines[k]!) as Record<string, unknown>;
        const keys = Object.keys(entry);
        const key = keys[whichField % keys.length]!;
        const edited = [...lines];
        edited[k] = JSON.stringify(editField(entry, key, pick));
        const result = await verifyText(text(edited));
        expect(result.ok).toBe(false);
        expect(result.problems.map((p) => [p.line, p.kind])).toEqual([[k + 1, 'edited']]);
        expect(result.problems[0]?.message).toMatch(new RegExp(`^line ${k + 1} \\(seq \\d+\\): hash does not match its content — the entry was edited$`));
      }),
      SETTINGS,
    );
  });

  it('names the line where any entry but the last was deleted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { minLength: 2, maxLength: 20 }), fc.nat(), async (records, which) => {
        const { lines } = build(records);
        const k = which % (lines.length - 1);
        const result = await verifyText(text(lines.filter((_, i) => i !== k)));
        expect(result.problems.map((p) => [p.line, p.kind])).toEqual([[k + 1, 'deleted']]);
        expect(result.problems[0]?.message).toContain(k === 0 ? 'seq 0 is missing: 1 entry was deleted from its beginning' : `seq ${k} is missing — 1 entry was deleted`);
      }),
      SETTINGS,
    );
  });

  it('catches entries cut from the end when told what the writer wrote', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 15 }), fc.integer({ min: 1, max: 15 }), async (records, cut) => {
        const ledger = build(records);
        const keep = Math.max(0, ledger.lines.length - cut);
        const result = await verifyText(text(ledger.lines.slice(0, keep)), { entries: ledger.lines.length, lastHash: ledger.lastHash });
        expect(result.problems.map((p) => [p.line, p.kind])).toEqual([[keep + 1, 'deleted']]);
      }),
      SETTINGS,
    );
  });

  it('names the two lines of any swap of two entries, and nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { minLength: 2, maxLength: 20 }), fc.nat(), fc.nat(), async (records, a, b) => {
        const { lines } = build(records);
        const i = a % lines.length;
        let j = b % lines.length;
        if (j === i) j = (i + 1) % lines.length;
        const swapped = [...lines];
        [swapped[i], swapped[j]] = [lines[j]!, lines[i]!];
        const result = await verifyText(text(swapped));
        expect(result.ok).toBe(false);
        for (const problem of result.problems) {
          expect(problem.kind).toBe('reordered');
          expect([i + 1, j + 1]).toContain(problem.line);
        }
      }),
      SETTINGS,
    );
  });

  it('names the line of a forged entry inserted anywhere, however it was forged', async () => {
    const forgery = fc.oneof(
      fc.constant({ kind: 'chained' as const }),
      fc.record({ kind: fc.constant('random' as const), seq: fc.nat(30), prev: hexArb }),
      fc.record({ kind: fc.constant('unhashed' as const), hash: hexArb }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 20 }), recordArb, fc.nat(), forgery, async (records, forged, where, how) => {
        const { lines } = build(records);
        const p = where % lines.length;
        const prevHash = p === 0 ? GENESIS_HASH : (JSON.parse(lines[p - 1]!) as { hash: string }).hash;
        // The best forgery chains to the entry before it, with a correct hash of its own.
        const seq = how.kind === 'random' ? how.seq : p;
        const prev = how.kind === 'random' ? how.prev : prevHash;
        const chain = new LedgerChain({ entries: seq, lastHash: prev });
        let line = chain.next(forged).line.trimEnd();
        if (how.kind === 'unhashed') line = JSON.stringify({ ...(JSON.parse(line) as object), hash: how.hash });
        const tampered = [...lines.slice(0, p), line, ...lines.slice(p)];
        const result = await verifyText(text(tampered));
        expect(result.ok).toBe(false);
        expect(result.problems.map((problem) => problem.line)).toEqual(result.problems.map(() => p + 1));
        expect(result.problems.map((problem) => problem.kind)).toContain(how.kind === 'unhashed' ? 'edited' : 'inserted');
        if (how.kind !== 'random') expect(result.problems.map((problem) => problem.kind)).toContain('inserted');
      }),
      SETTINGS,
    );
  });

  it('names one of the two copies of an entry written twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 20 }), fc.nat(), fc.nat(), async (records, which, where) => {
        const { lines } = build(records);
        const k = which % lines.length;
        const p = where % (lines.length + 1);
        const tampered = [...lines.slice(0, p), lines[k]!, ...lines.slice(p)];
        const result = await verifyText(text(tampered));
        const copyLine = p + 1;
        const originalLine = k < p ? k + 1 : k + 2;
        expect(result.ok).toBe(false);
        for (const problem of result.problems) {
          expect(problem.kind).toBe('inserted');
          expect([copyLine, originalLine]).toContain(problem.line);
        }
      }),
      SETTINGS,
    );
  });

  it('never passes a ledger after several tamperings of any kind', async () => {
    const tamper = fc.oneof(
      fc.record({ kind: fc.constant('edit' as const), at: fc.nat(), field: fc.nat(), pick: fc.nat() }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
      fc.record({ kind: fc.constant('forge' as const), at: fc.nat(), record: recordArb, seq: fc.nat(30), prev: hexArb }),
      fc.record({ kind: fc.constant('junk' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), of: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { minLength: 2, maxLength: 15 }), fc.array(tamper, { minLength: 1, maxLength: 4 }), async (records, tamperings) => {
        const { lines } = build(records);
        const out = [...lines];
        for (const t of tamperings) {
          if (out.length === 0) break;
          const i = t.at % out.length;
          switch (t.kind) {
            case 'edit': {
              try {
                const entry = JSON.parse(out[i]!) as Record<string, unknown>;
                const keys = Object.keys(entry);
                out[i] = JSON.stringify(editField(entry, keys[t.field % keys.length]!, t.pick));
              } catch {
                out[i] = `${out[i]!}x`;
              }
              break;
            }
            case 'delete':
              out.splice(i, 1);
              break;
            case 'swap': {
              const j = t.with % out.length;
              [out[i], out[j]] = [out[j]!, out[i]!];
              break;
            }
            case 'forge':
              out.splice(i, 0, new LedgerChain({ entries: t.seq, lastHash: t.prev }).next(t.record).line.trimEnd());
              break;
            case 'junk':
              out.splice(i, 0, 'junk');
              break;
            case 'duplicate':
              out.splice(i, 0, out[t.of % out.length]!);
              break;
          }
        }
        // Cutting whole entries off the end is the one change no unkeyed chain can see (see `expect`).
        fc.pre(!lines.slice(0, out.length).every((line, k) => line === out[k]));
        const result = await verifyText(text(out));
        expect(result.ok).toBe(false);
      }),
      SETTINGS,
    );
  });

  it('reports a non-JSON line as malformed and nothing else, wherever it is', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { maxLength: 15 }), fc.nat(), fc.constantFrom('garbage', '{"seq": 1', '[]', '42', '{}', ' '), async (records, where, junk) => {
        const { lines } = build(records);
        const p = where % (lines.length + 1);
        const result = await verifyText(text([...lines.slice(0, p), junk, ...lines.slice(p)]));
        expect(result.problems.map((problem) => [problem.line, problem.kind])).toEqual([[p + 1, 'malformed']]);
      }),
      SETTINGS,
    );
  });

  it('reports an unreadable entry as malformed without also calling its seq deleted', async () => {
    const { lines } = build(fc.sample(recordArb, { numRuns: 6, seed: 7 }));
    for (const k of [0, 2, 5]) {
      const broken = [...lines];
      broken[k] = broken[k]!.slice(0, 40);
      const result = await verifyText(text(broken));
      expect(result.problems.map((p) => [p.line, p.kind])).toEqual([[k + 1, 'malformed']]);
    }
  });

  it('reports a last line cut short as truncated, whether or not it still parses', async () => {
    const { lines } = build(fc.sample(recordArb, { numRuns: 4, seed: 3 }));
    const withoutNewline = text(lines).slice(0, -1);
    const cut = text(lines).slice(0, -20);
    for (const damaged of [withoutNewline, cut]) {
      const result = await verifyText(damaged);
      expect(result.problems.map((p) => [p.line, p.kind])).toEqual([[4, 'truncated']]);
      expect(result.problems[0]?.message).toContain('the last line ends without a newline');
    }
  });

  it('reports a chain that does not start from the genesis hash', async () => {
    const chain = new LedgerChain({ entries: 0, lastHash: 'a'.repeat(64) });
    const lines: string[] = [];
    for (const record of fc.sample(recordArb, { numRuns: 3, seed: 1 })) {
      const next = chain.next(record);
      chain.advance(next);
      lines.push(next.line.trimEnd());
    }
    const result = await verifyText(text(lines));
    expect(result.problems.map((p) => [p.line, p.kind])).toEqual([[1, 'bad-genesis']]);
  });

  it('reports an entry edited with its hash recomputed at the break it leaves', async () => {
    const { lines } = build(fc.sample(recordArb, { numRuns: 5, seed: 9 }));
    const entry = JSON.parse(lines[2]!) as Record<string, unknown>;
    const forged: Record<string, unknown> = { ...entry, runId: 'someone-else' };
    delete forged.hash;
    forged.hash = entryHash(forged as { prev: string });
    const tampered = [...lines];
    tampered[2] = JSON.stringify(forged);
    const result = await verifyText(text(tampered));
    expect(result.problems).toEqual([
      {
        line: 4,
        seq: 3,
        kind: 'edited',
        relatedLine: 3,
        message: 'line 4 (seq 3): prev does not match the hash of line 3 (seq 2) — line 3 was edited and its hash recomputed, or this entry\'s prev was changed',
      },
    ]);
  });

  it('words its findings precisely', async () => {
    const { lines } = build(fc.sample(recordArb, { numRuns: 10, seed: 5 }));
    const edited = [...lines];
    edited[6] = JSON.stringify({ ...(JSON.parse(lines[6]!) as object), tool: 'send_email' });
    expect((await verifyText(text(edited))).problems[0]?.message).toBe('line 7 (seq 6): hash does not match its content — the entry was edited');
    const deleted = lines.filter((_, i) => i !== 4 && i !== 5);
    expect((await verifyText(text(deleted))).problems[0]?.message).toBe('line 5 (seq 6): seq 4–5 are missing — 2 entries were deleted before this line');
    const swapped = [...lines];
    [swapped[2], swapped[3]] = [lines[3]!, lines[2]!];
    expect((await verifyText(text(swapped))).problems[0]?.message).toMatch(/^line [34] \(seq [23]\): out of order — it belongs after seq [12] \(line [234]\)$/);
  });

  it('names a block of entries moved elsewhere once, as one range', async () => {
    const { lines } = build(fc.sample(recordArb, { numRuns: 12, seed: 11 }));
    // Lines 3–5 (seq 2–4) moved to the end.
    const moved = [...lines.slice(0, 2), ...lines.slice(5), ...lines.slice(2, 5)];
    const result = await verifyText(text(moved));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ line: 10, kind: 'reordered', seq: 2 });
    expect(result.problems[0]?.message).toBe('lines 10–12 (seq 2–4): out of order — they belong after seq 1 (line 2)');
  });

  it('treats an empty file as an empty, valid ledger', async () => {
    expect(await verifyText('')).toEqual({ ok: true, entries: 0, lastHash: GENESIS_HASH, problems: [], omittedProblems: 0 });
  });

  it('lists at most a thousand problems and counts the rest', async () => {
    const result = await verifyText('junk\n'.repeat(1500));
    expect(result.problems).toHaveLength(1000);
    expect(result.omittedProblems).toBe(500);
  });

  it('is a user error only when the file cannot be read', async () => {
    await expect(verifyLedger(join(dir, 'missing.jsonl'))).rejects.toMatchObject({ code: 'file-not-found' });
    await expect(verifyLedger(dir)).rejects.toMatchObject({ code: 'file-unreadable' });
  });
});

describe('readLedger', () => {
  const records = fc.sample(recordArb, { numRuns: 8, seed: 21 });

  it('returns the entries, as written, that the filter keeps', async () => {
    const ledger = new InMemoryLedger();
    for (const record of records) await ledger.append(record);
    const path = join(dir, 'read.jsonl');
    writeFileSync(path, ledger.jsonLines());
    expect(await readLedger(path)).toEqual(ledger.entries);
    expect(await readLedger(path, (e) => e.seq % 2 === 0)).toEqual(ledger.entries.filter((e) => e.seq % 2 === 0));
  });

  it('refuses a line that is not an entry with a user error naming file:line', async () => {
    const ledger = new InMemoryLedger();
    for (const record of records) await ledger.append(record);
    const lines = ledger.jsonLines().split('\n');
    lines[3] = JSON.stringify({ ...(JSON.parse(lines[3]!) as object), trial: 'two' });
    const path = join(dir, 'bad-read.jsonl');
    writeFileSync(path, lines.join('\n'));
    const error = await readLedger(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: 'invalid-ledger', problems: [{ location: { file: path, line: 4 } }] });
    expect((error as UserError).message).toBe(`${path}:4: not a ledger entry: trial must be a whole number ≥ 0, found "two"`);
  });

  it('refuses a last line cut short', async () => {
    const ledger = new InMemoryLedger();
    for (const record of records) await ledger.append(record);
    const path = join(dir, 'cut-read.jsonl');
    writeFileSync(path, ledger.jsonLines().slice(0, -10));
    await expect(readLedger(path)).rejects.toMatchObject({ code: 'invalid-ledger', message: expect.stringContaining(`${path}:8: the last line is incomplete`) });
  });

  it('refuses a line with a key written twice', async () => {
    const ledger = new InMemoryLedger();
    for (const record of records) await ledger.append(record);
    const lines = ledger.jsonLines().split('\n');
    lines[2] = (lines[2] ?? '').replace(/^\{/, '{"runId":"another",');
    const path = join(dir, 'duplicate-read.jsonl');
    writeFileSync(path, lines.join('\n'));
    await expect(readLedger(path)).rejects.toMatchObject({ code: 'invalid-ledger', message: `${path}:3: the key "runId" appears twice — readers disagree on which value counts; the entry was edited` });
  });
});

describe('verifyLedger: a key written twice', () => {
  it('is an edited entry even though the hash matches what JSON.parse reads, and the chain around it stays whole', async () => {
    const built = build(
      Array.from({ length: 6 }, (_, i): LedgerRecord => ({ runId: 'r', scenarioId: 's', trial: 1, event: 'call', tool: 'issue_refund', arguments: { amount_cents: 100 }, startedAt: `2026-01-01T00:00:0${i}Z` })),
    );
    const lines = [...built.lines];
    // The writer hashed amount_cents 100; a reader taking the first value sees 1.
    lines[4] = (lines[4] ?? '').replace('"arguments":{', '"arguments":{"amount_cents":1,');
    const result = await verifyText(text(lines), { entries: lines.length, lastHash: built.lastHash });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      { line: 5, seq: 4, kind: 'edited', message: 'line 5 (seq 4): the key "amount_cents" appears twice in arguments — readers disagree on which value counts; the entry was edited' },
    ]);
  });
});
