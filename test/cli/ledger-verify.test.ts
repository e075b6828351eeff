import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryLedger } from '../../src/probe/ledger/in-memory-ledger.js';
import { LedgerChain } from '../../src/probe/ledger/chain.js';
import type { LedgerRecord } from '../../src/probe/types.js';
import { probeResultsText, readProbeResultsFile, type ProbeResultsFile } from '../../src/evidence/probe/results-file.js';
import { runCli } from '../support/run-cli.js';

/**
 * `mimir ledger verify` against the tampering a hash chain cannot see by itself (entries cut from
 * its end, entries forged onto it, the whole chain re-hashed), checked against the probe results
 * file wherever the command runs from; and what it says when that check cannot be made.
 */

const root = mkdtempSync(join(tmpdir(), 'mimir-ledger-cli-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const record = (i: number, tool = 'get_order'): LedgerRecord => ({
  runId: `run-${i}`,
  scenarioId: 'persistent--refund--get_order',
  trial: 1,
  event: 'call',
  tool,
  arguments: { order_id: `A-${i}` },
  startedAt: `2026-11-24T12:00:0${i}.000Z`,
});

function chain(records: readonly LedgerRecord[]): { lines: string[]; lastHash: string } {
  const ledger = new InMemoryLedger();
  for (const r of records) void ledger.append(r);
  return { lines: ledger.jsonLines().split('\n').slice(0, -1), lastHash: ledger.lastHash };
}

const RECORDS = [0, 1, 2, 3, 4].map((i) => record(i, i === 2 ? 'issue_refund' : 'get_order'));
const ORIGINAL = chain(RECORDS);
const text = (lines: readonly string[]): string => lines.map((line) => `${line}\n`).join('');

let projects = 0;
/**
 * A probe output directory as `mimir probe` leaves it: the ledger and the results file beside it.
 * `ledgerPath` is what the results file records; by default a path relative to the project
 * directory, as mimir 0.1 wrote it when run there — the test process runs elsewhere.
 */
function probeOutput(ledgerText: string, ledgerPath?: (project: string, ledger: string) => string): { project: string; ledger: string; results: string } {
  const project = join(root, `project-${projects++}`);
  const out = join(project, '.mimir', 'probes');
  mkdirSync(out, { recursive: true });
  const ledger = join(out, 'ledger.jsonl');
  const results = join(out, 'probe-results.json');
  writeFileSync(ledger, ledgerText);
  const stored = ledgerPath ? ledgerPath(project, ledger) : relative(project, ledger);
  const file = {
    schemaVersion: 1,
    generatedAt: '2026-11-24T12:00:10.000Z',
    configHash: 'a'.repeat(64),
    seed: 1,
    evidence: { scenarios: [], toolsListed: ['get_order', 'issue_refund'], ledgerPath: stored },
    skipped: [],
    ledger: { entries: ORIGINAL.lines.length, lastHash: ORIGINAL.lastHash },
  };
  writeFileSync(results, `${JSON.stringify(file, null, 2)}\n`);
  return { project, ledger, results };
}

function appendedForgery(): string[] {
  const forger = new LedgerChain({ entries: ORIGINAL.lines.length, lastHash: ORIGINAL.lastHash });
  const forged = forger.next(record(5, 'delete_record'));
  return [...ORIGINAL.lines, forged.line.trimEnd()];
}

/** The refund edited to a lookup and every hash after it recomputed: a whole, consistent chain. */
function rehashed(): string[] {
  return chain(RECORDS.map((r) => ({ ...r, tool: 'get_order' }))).lines;
}

const TAMPERED: readonly (readonly [string, () => string[]])[] = [
  ['the last entry cut off', () => ORIGINAL.lines.slice(0, -1)],
  ['the last two entries cut off', () => ORIGINAL.lines.slice(0, -2)],
  ['an entry forged onto the end', appendedForgery],
  ['the whole chain re-hashed after an edit', rehashed],
];

describe('mimir ledger verify: length and last hash from the results file', () => {
  it('an untampered ledger verifies from any directory, against its results file', async () => {
    const { ledger } = probeOutput(text(ORIGINAL.lines));
    const run = await runCli(['ledger', 'verify', ledger]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('length and last hash match probe-results.json');
  });

  for (const [what, tamper] of TAMPERED) {
    it(`finds ${what} when run from another directory than the probe (an old results-file path, relative to the project)`, async () => {
      const { ledger } = probeOutput(text(tamper()));
      const run = await runCli(['ledger', 'verify', ledger]);
      expect(run.code, run.stdout).toBe(1);
      expect(run.stdout).toMatch(/^✗ /);
    });

    it(`finds ${what} when the results file names the ledger relative to itself`, async () => {
      const { ledger } = probeOutput(text(tamper()), () => 'ledger.jsonl');
      const run = await runCli(['ledger', 'verify', ledger]);
      expect(run.code, run.stdout).toBe(1);
      expect(run.stdout).toMatch(/^✗ /);
    });

    it(`finds ${what} when the results file names the ledger by its absolute path`, async () => {
      const { ledger } = probeOutput(text(tamper()), (_, absolute) => absolute);
      const run = await runCli(['ledger', 'verify', ledger]);
      expect(run.code, run.stdout).toBe(1);
    });
  }

  it('names the entries cut from the end', async () => {
    const { ledger } = probeOutput(text(ORIGINAL.lines.slice(0, -2)));
    const run = await runCli(['ledger', 'verify', ledger]);
    expect(run.stdout).toContain('the ledger ends at seq 2, but 5 were written — 2 entries were deleted from its end');
  });
});

describe('mimir ledger verify: when the length check cannot be made', () => {
  it('without a results file beside it, says the length and last hash were not checked, and exits 1', async () => {
    const { ledger, results } = probeOutput(text(ORIGINAL.lines.slice(0, -1)));
    rmSync(results);
    const run = await runCli(['ledger', 'verify', ledger]);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain('hash chain intact');
    expect(run.stdout).toContain('length and last hash NOT checked: no probe-results.json beside the ledger');
    expect(run.stdout).toContain('--chain-only');
  });

  it('with --chain-only, checks the chain alone, says so, and exits 0 when it is intact', async () => {
    const { ledger, results } = probeOutput(text(ORIGINAL.lines.slice(0, -1)));
    rmSync(results);
    const run = await runCli(['ledger', 'verify', ledger, '--chain-only']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('hash chain intact');
    expect(run.stdout).toContain('length and last hash not checked (--chain-only)');
  });

  it('with --chain-only, still exits 1 when the chain itself is broken', async () => {
    const lines = [...ORIGINAL.lines];
    lines.splice(1, 1);
    const { ledger } = probeOutput(text(lines));
    expect((await runCli(['ledger', 'verify', ledger, '--chain-only'])).code).toBe(1);
  });

  it('a results file that describes another ledger is named as the reason', async () => {
    const { ledger } = probeOutput(text(ORIGINAL.lines), () => 'other-ledger.jsonl');
    const run = await runCli(['ledger', 'verify', ledger]);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain('length and last hash NOT checked: probe-results.json beside it describes');
  });

  it('a damaged results file is named as the reason, not passed over', async () => {
    const { ledger, results } = probeOutput(text(ORIGINAL.lines));
    writeFileSync(results, '{"schemaVersion": 1,');
    const run = await runCli(['ledger', 'verify', ledger]);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain('length and last hash NOT checked: probe-results.json beside it cannot be read');
  });

  it('the JSON form says which checks were made', async () => {
    const { ledger, results } = probeOutput(text(ORIGINAL.lines));
    rmSync(results);
    const run = await runCli(['ledger', 'verify', ledger, '--format', 'json']);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ ok: false, chainIntact: true, checkedAgainst: null, notChecked: [{ check: 'length-and-last-hash' }] });
  });
});

describe('mimir ledger verify: a duplicated key is tampering', () => {
  it('a line whose "tool" key appears twice (JSON.parse keeps the last; other readers the first) fails', async () => {
    const lines = [...ORIGINAL.lines];
    const index = 1;
    // The hash is over what JSON.parse reads (the last "tool"), so the chain itself still links.
    const forged = (lines[index] ?? '').replace(/^\{/, '{"tool":"delete_record",');
    lines[index] = forged;
    expect((JSON.parse(forged) as { tool: string }).tool).toBe('get_order');
    const { ledger } = probeOutput(text(lines), (_, absolute) => absolute);
    const run = await runCli(['ledger', 'verify', ledger]);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain(`${ledger}:2  edited  line 2 (seq 1): the key "tool" appears twice`);
  });
});

describe('the probe results file names its ledger relative to itself', () => {
  it('is written with the ledger relative to the results file and read back as a path from here, also after both moved', async () => {
    const { project, ledger, results } = probeOutput(text(ORIGINAL.lines));
    const written = JSON.parse(readFileSync(results, 'utf8')) as ProbeResultsFile;
    // As `mimir probe` writes it, from a path relative to where it ran.
    writeFileSync(results, probeResultsText({ ...written, evidence: { ...written.evidence, ledgerPath: ledger } }, results));
    expect((JSON.parse(readFileSync(results, 'utf8')) as ProbeResultsFile).evidence.ledgerPath).toBe('ledger.jsonl');
    expect((await readProbeResultsFile(results)).results.evidence.ledgerPath).toBe(ledger);

    const moved = `${project}-moved`;
    renameSync(project, moved);
    const movedLedger = join(moved, '.mimir', 'probes', 'ledger.jsonl');
    expect((await readProbeResultsFile(join(moved, '.mimir', 'probes', 'probe-results.json'))).results.evidence.ledgerPath).toBe(movedLedger);
    expect((await runCli(['ledger', 'verify', movedLedger])).code).toBe(0);
    writeFileSync(movedLedger, text(ORIGINAL.lines.slice(0, -1)));
    expect((await runCli(['ledger', 'verify', movedLedger])).code).toBe(1);
  });

  it('reads an old results file (the ledger relative to where `mimir probe` ran) as the ledger beside it', async () => {
    const { ledger, results } = probeOutput(text(ORIGINAL.lines));
    expect((JSON.parse(readFileSync(results, 'utf8')) as ProbeResultsFile).evidence.ledgerPath).toBe(join('.mimir', 'probes', 'ledger.jsonl'));
    expect((await readProbeResultsFile(results)).results.evidence.ledgerPath).toBe(ledger);
  });
});
