import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { verifyLedger } from '../../probe/ledger/verify-ledger.js';
import { PROBE_RESULTS_FILE, readProbeResultsFile } from '../../evidence/probe/results-file.js';
import { EXIT_GATE_FAILED, EXIT_OK } from '../handle-error.js';
import type { CliIo } from '../io.js';

/**
 * `mimir ledger verify <path>`: exit 0 when the hash chain is whole, 1 when anything was edited,
 * deleted, inserted or reordered. When the probe results file beside the ledger names it, its
 * recorded length and last hash are checked too — the one thing a chain cannot show by itself is
 * entries cut from its end.
 */
export async function ledgerVerifyCommand(path: string, options: { format: 'terminal' | 'json' }, io: CliIo): Promise<number> {
  const expected = await expectationFor(path);
  const result = await verifyLedger(path, expected ? { expect: expected } : {});
  const omitted = result.omittedProblems > 0 ? ` (and ${result.omittedProblems} more not listed)` : '';
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ path, checkedAgainst: expected ?? null, ...result }, null, 2)}\n`);
  } else if (result.ok) {
    const against = expected ? `; length and last hash match ${PROBE_RESULTS_FILE}` : '';
    io.stdout.write(`✓ ${path}: ${result.entries} entries, hash chain intact (last hash ${result.lastHash.slice(0, 12)}…)${against}\n`);
  } else {
    const total = result.problems.length + result.omittedProblems;
    io.stdout.write(`✗ ${path}: ${total} problem${total === 1 ? '' : 's'} in ${result.entries} entries${omitted}\n`);
    for (const problem of result.problems) io.stdout.write(`  ${path}:${problem.line}  ${problem.kind}  ${problem.message}\n`);
  }
  return result.ok ? EXIT_OK : EXIT_GATE_FAILED;
}

async function expectationFor(path: string): Promise<{ entries: number; lastHash: string } | undefined> {
  const dir = dirname(path);
  const names = await readdir(dir).catch(() => [] as string[]);
  if (!names.includes(PROBE_RESULTS_FILE)) return undefined;
  try {
    const { results } = await readProbeResultsFile(join(dir, PROBE_RESULTS_FILE));
    const named = results.evidence.ledgerPath;
    if (named === undefined || results.ledger === undefined || resolve(named) !== resolve(path)) return undefined;
    return results.ledger;
  } catch {
    // A damaged results file does not stop the chain check; the audit reports the file itself.
    return undefined;
  }
}
