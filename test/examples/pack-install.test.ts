import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * mimir installed as a user installs it: built and packed with `npm pack`, the tarball
 * installed into an empty folder from the registry, and the CLI run there through `npx` under both
 * of its names. `npx --no` never downloads: had the bin not been installed, npx would otherwise
 * fetch the unrelated npm package called `mimir` and run it.
 *
 * Needs the npm registry for mimir's own dependencies; without it the test is skipped, and says why.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string> };

/** The environment of a user's shell: none of the npm_package_* / npm_lifecycle_* that `npm test` sets. */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_package_') && !key.startsWith('npm_lifecycle_')));

const scratch = mkdtempSync(join(tmpdir(), 'mimir-pack-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function npm(args: readonly string[], cwd: string, timeout = 300_000): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, env, timeout, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Why the registry cannot be used here, or undefined when it answers. */
async function registryUnreachable(): Promise<string | undefined> {
  let registry = 'https://registry.npmjs.org/';
  try {
    registry = (await npm(['config', 'get', 'registry'], scratch, 30_000)).trim() || registry;
    const response = await fetch(new URL('-/ping', registry.endsWith('/') ? registry : `${registry}/`), { signal: AbortSignal.timeout(15_000) });
    return response.ok ? undefined : `${registry} answered ${response.status}`;
  } catch (error) {
    return `${registry} cannot be reached (${error instanceof Error ? error.message : String(error)})`;
  }
}

describe('the npm package', () => {
  it('packs, installs into an empty folder, and runs as `npx mimir` and `npx mimir-audit`', async (context) => {
    const offline = await registryUnreachable();
    if (offline !== undefined) {
      console.warn(`skipped the pack-and-install test: ${offline}; it installs mimir's dependencies from the registry`);
      context.skip(`npm registry unreachable: ${offline}`);
    }

    expect(PACKAGE.bin).toEqual({ mimir: 'bin/mimir.js', 'mimir-audit': 'bin/mimir.js' });
    // Built as `prepare` builds it on publish; packed without scripts, so stdout is the JSON alone.
    // `npm test` has built it already in this run (MIMIR_TEST_BUILT), and runs the end-to-end tests
    // beside this one: building again would rewrite dist/ under them.
    if (process.env['MIMIR_TEST_BUILT'] !== '1') await npm(['run', 'build'], ROOT);
    const [packed] = JSON.parse(await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], ROOT)) as [{ filename: string; files: { path: string }[] }];
    const files = packed.files.map((f) => f.path);
    expect(files).toContain('bin/mimir.js');
    expect(files).toContain('dist/cli/main.js');
    // mimir serve's web UI, built by Vite into dist/web (its sources in web/ are not shipped).
    expect(files).toContain('dist/web/index.html');
    // `mimir serve --demo`'s recorded runs, packed by the build (examples/ is not shipped).
    expect(files).toContain('dist/server/demo/recorded/naive/corpus.otlp.jsonl.gz');
    expect(files).toContain('dist/server/demo/recorded/hardened/labels.jsonl');
    expect(files.some((path) => /^dist\/web\/assets\/index-[\w-]+\.js$/.test(path))).toBe(true);
    expect(files.filter((path) => path.startsWith('web/'))).toEqual([]);
    expect(files).toContain('package.json');
    expect(files.filter((path) => /^(src|test|examples|node_modules)\//.test(path))).toEqual([]);

    const project = join(scratch, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'an-agent-project', version: '1.0.0', private: true }, null, 2)}\n`);
    await npm(['install', '--no-audit', '--no-fund', join(scratch, packed.filename)], project, 600_000);

    const installed = JSON.parse(readFileSync(join(project, 'node_modules', PACKAGE.name, 'package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(PACKAGE.version);
    for (const bin of ['mimir', 'mimir-audit']) {
      const version = await run('npx', ['--no', '--', bin, '--version'], { cwd: project, env, timeout: 60_000 });
      expect(version.stdout.trim()).toBe(PACKAGE.version);
    }
    const checks = await run('npx', ['--no', '--', 'mimir', 'checks', '--format', 'json'], { cwd: project, env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    const catalogue = JSON.parse(checks.stdout) as { catalogueVersion: string; checks: { id: string }[] };
    expect(catalogue.checks.length).toBeGreaterThan(0);
    expect(catalogue.checks.map((c) => c.id)).toContain('retries-are-bounded');
  }, 900_000);
});
