import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Vitest global setup: the token counter reads o200k-ranks.bin beside its module, a file
 * `npm run build` generates from gpt-tokenizer's ranks (it is not committed). A fresh checkout has
 * none until it is built, so the suite generates it first when it is missing.
 */
export function setup(): void {
  const script = join(import.meta.dirname, '..', '..', 'scripts', 'generate-token-table.mjs');
  const result = spawnSync(process.execPath, [script, '--if-missing'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`scripts/generate-token-table.mjs failed (exit ${String(result.status)}): ${result.stderr}`);
}
