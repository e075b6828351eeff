import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: the run gets a temp directory of its own (TMPDIR, inherited by the test
 * workers and every process they start), and fails at the end if a test left anything in a
 * `mimir-*` entry of it. Private, so tests running beside it (other checkouts, other runs) can
 * neither trip it nor hide from it; removed at the end either way, so nothing a test leaks outlives
 * the run. Empty folders do not count: the example agents keep their checkpoints and journals in
 * shared folders (`mimir-probe-agent/`), which tests running in parallel empty but cannot remove.
 */
export function setup(): () => void {
  // Once per run: a config with several projects runs each project's global setup.
  if (process.env['MIMIR_TEMP_DIR_GUARD'] === '1') return () => undefined;
  process.env['MIMIR_TEMP_DIR_GUARD'] = '1';
  const previous = process.env['TMPDIR'];
  const dir = mkdtempSync(join(tmpdir(), 'vitest-tmp-'));
  process.env['TMPDIR'] = dir;
  return () => {
    delete process.env['MIMIR_TEMP_DIR_GUARD'];
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    const left = readdirSync(dir).filter((name) => name.startsWith('mimir-')).flatMap((name) => filesUnder(dir, name));
    rmSync(dir, { recursive: true, force: true });
    if (left.length > 0) {
      // A throw here is only logged by vitest ("error during close"); the exit code is what CI sees.
      process.exitCode = 1;
      console.error(`\nmimir temp-dir guard: tests left ${String(left.length)} temp ${left.length === 1 ? 'file' : 'files'} behind (${left.slice(0, 10).join(', ')}${left.length > 10 ? ', …' : ''}): remove what a test creates, in afterEach or afterAll\n`);
    }
  };
}

/** Everything but folders under `path` (relative to `root`), itself included when it is not a folder. */
function filesUnder(root: string, path: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(root, path), { withFileTypes: true });
  } catch {
    return [path];
  }
  return entries.flatMap((entry) => (entry.isDirectory() ? filesUnder(root, join(path, entry.name)) : [join(path, entry.name)]));
}
