import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: the run gets a temp directory of its own (TMPDIR, inherited by the test
 * workers and every process they start), and fails at the end if a test left a `mimir-*` entry in
 * it. Private, so tests running beside it (other checkouts, other runs) can neither trip it nor hide
 * from it; removed at the end either way, so nothing a test leaks outlives the run.
 */
export function setup(): () => void {
  const previous = process.env['TMPDIR'];
  const dir = mkdtempSync(join(tmpdir(), 'vitest-tmp-'));
  process.env['TMPDIR'] = dir;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    const left = readdirSync(dir).filter((name) => name.startsWith('mimir-'));
    rmSync(dir, { recursive: true, force: true });
    if (left.length > 0) {
      // A throw here is only logged by vitest ("error during close"); the exit code is what CI sees.
      process.exitCode = 1;
      console.error(`\nmimir temp-dir guard: tests left ${String(left.length)} temp ${left.length === 1 ? 'entry' : 'entries'} behind (${left.slice(0, 10).join(', ')}${left.length > 10 ? ', …' : ''}): remove what a test creates, in afterEach or afterAll\n`);
    }
  };
}
