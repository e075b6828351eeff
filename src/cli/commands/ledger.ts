import { verifyLedger } from '../../probe/ledger/verify-ledger.js';
import { EXIT_GATE_FAILED, EXIT_OK } from '../handle-error.js';
import type { CliIo } from '../io.js';

/** `mimir ledger verify <path>`: exit 0 when the hash chain is whole, 1 when anything was edited, deleted or reordered. */
export async function ledgerVerifyCommand(path: string, options: { format: 'terminal' | 'json' }, io: CliIo): Promise<number> {
  const result = await verifyLedger(path);
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ path, ...result }, null, 2)}\n`);
  } else if (result.ok) {
    io.stdout.write(`✓ ${path}: ${result.entries} entries, hash chain intact (last hash ${result.lastHash.slice(0, 12)}…)\n`);
  } else {
    io.stdout.write(`✗ ${path}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${result.entries} entries\n`);
    for (const problem of result.problems) io.stdout.write(`  ${path}:${problem.line}  ${problem.kind}  ${problem.message}\n`);
  }
  return result.ok ? EXIT_OK : EXIT_GATE_FAILED;
}
