import { realpath } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { verifyLedger, type LedgerExpectation } from '../../probe/ledger/verify-ledger.js';
import { PROBE_RESULTS_FILE, readProbeResultsFile } from '../../evidence/probe/results-file.js';
import { fileExists, refuseIrregularFile } from '../../shared/read-user-file.js';
import { EXIT_GATE_FAILED, EXIT_OK } from '../handle-error.js';
import type { CliIo } from '../io.js';

export interface LedgerVerifyOptions {
  readonly format: 'terminal' | 'json';
  /** Check the hash chain alone: the length and last hash are not looked up, and their absence does not fail. */
  readonly chainOnly?: boolean;
}

/** A check `ledger verify` could not make, and why. */
interface NotChecked {
  readonly check: 'length-and-last-hash';
  readonly reason: string;
}

/**
 * `mimir ledger verify <path>`: exit 0 when the hash chain is whole and its length and last hash
 * match the probe results file beside it; 1 when anything was edited, deleted, inserted or
 * reordered, and also when that length check could not be made — a chain alone cannot show entries
 * cut from its end, forged onto it, or a chain re-hashed from an edit onwards. `--chain-only` asks
 * for the chain check alone. Whatever was not checked is said, never passed over.
 */
export async function ledgerVerifyCommand(path: string, options: LedgerVerifyOptions, io: CliIo): Promise<number> {
  // A FIFO or a device (/dev/zero) would be read forever: refused (exit 2) like every user file.
  if (await fileExists(path)) await refuseIrregularFile(path, 'ledger');
  const lookup = options.chainOnly ? ({ notChecked: { check: 'length-and-last-hash', reason: 'not asked for (--chain-only)' } } as const) : await expectationFor(path);
  const expected = 'expect' in lookup ? lookup.expect : undefined;
  const notChecked = 'notChecked' in lookup ? [lookup.notChecked] : [];
  const result = await verifyLedger(path, expected ? { expect: expected } : {});
  const complete = notChecked.length === 0 || options.chainOnly === true;
  const ok = result.ok && complete;
  const omitted = result.omittedProblems > 0 ? ` (and ${result.omittedProblems} more not listed)` : '';
  if (options.format === 'json') {
    const { ok: chainIntact, ...rest } = result;
    io.stdout.write(`${JSON.stringify({ path, ok, chainIntact, checkedAgainst: expected ?? null, notChecked, ...rest }, null, 2)}\n`);
    return ok ? EXIT_OK : EXIT_GATE_FAILED;
  }
  if (result.ok) {
    const against = expected ? `; length and last hash match ${PROBE_RESULTS_FILE}` : '';
    io.stdout.write(`${ok ? '✓' : '✗'} ${path}: ${result.entries} entries, hash chain intact (last hash ${result.lastHash.slice(0, 12)}…)${against}\n`);
  } else {
    const total = result.problems.length + result.omittedProblems;
    io.stdout.write(`✗ ${path}: ${total} problem${total === 1 ? '' : 's'} in ${result.entries} entries${omitted}\n`);
    for (const problem of result.problems) io.stdout.write(`  ${path}:${problem.line}  ${problem.kind}  ${problem.message}\n`);
  }
  for (const skipped of notChecked) {
    io.stdout.write(
      options.chainOnly
        ? `  length and last hash not checked (--chain-only): entries cut from the end, forged onto it, or a chain re-hashed after an edit would not show\n`
        : `  length and last hash NOT checked: ${skipped.reason} — entries cut from the end, forged onto it, or a chain re-hashed after an edit would not show; pass --chain-only to accept the chain check alone\n`,
    );
  }
  return ok ? EXIT_OK : EXIT_GATE_FAILED;
}

/** The length and last hash the probe results file beside the ledger recorded for it, or why there are none. */
async function expectationFor(path: string): Promise<{ readonly expect: LedgerExpectation } | { readonly notChecked: NotChecked }> {
  const resultsPath = join(dirname(path), PROBE_RESULTS_FILE);
  const notChecked = (reason: string) => ({ notChecked: { check: 'length-and-last-hash', reason } }) as const;
  if (!(await fileExists(resultsPath))) return notChecked(`no ${PROBE_RESULTS_FILE} beside the ledger (\`mimir probe\` writes it with the length and last hash)`);
  let results;
  try {
    ({ results } = await readProbeResultsFile(resultsPath));
  } catch (error) {
    return notChecked(`${PROBE_RESULTS_FILE} beside it cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const named = results.evidence.ledgerPath;
  if (named === undefined) return notChecked(`${PROBE_RESULTS_FILE} beside it names no ledger`);
  if ((await canonicalPath(named)) !== (await canonicalPath(path))) return notChecked(`${PROBE_RESULTS_FILE} beside it describes ${named}, not this file`);
  if (results.ledger === undefined) return notChecked(`${PROBE_RESULTS_FILE} beside it records no length and last hash (written by an older mimir)`);
  return { expect: results.ledger };
}

/** The same file, however it was named: symbolic links and relative parts resolved. */
async function canonicalPath(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}
