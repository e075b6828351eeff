/**
 * Issue 12, point 8 (install as users do), the parts a unit test can see: the package and bin name
 * `npx` resolves to this project, and a tree whose packages run on every Node the engines field
 * admits. (Packing and installing into an empty folder is test/examples/pack-install.test.ts, in
 * the slow suite; the lockfile's stability under `npm install` is checked by .ci/run.)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string>; engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; dev?: boolean; engines?: { node?: string } | string[] }> };
// semver is in every npm tree (npm's own resolution uses it); read it from there rather than add a dependency.
const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } | null };

/** The lowest Node of each range the engines field allows: 20.17.0, 22.13.0, 23.5.0. */
const LOWEST_SUPPORTED = pkg.engines.node.split('||').map((range) => semver.minVersion(range.trim())?.version ?? range);

describe('the published package', () => {
  it('is named mimir-audit, with the bins mimir and mimir-audit on the same program', () => {
    // `npx mimir` outside a project resolves to an unrelated npm package; `npx mimir-audit` to this one.
    expect(pkg.name).toBe('mimir-audit');
    expect(pkg.bin).toEqual({ mimir: 'bin/mimir.js', 'mimir-audit': 'bin/mimir.js' });
  });

  it('declares engines whose lowest versions are the ones the README names', () => {
    expect(LOWEST_SUPPORTED).toEqual(['20.17.0', '22.13.0', '23.5.0']);
  });

  it('runs on every Node its engines admit: no runtime package, and no openai, needs a newer one', () => {
    const refused: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      // Dev-only tools (eslint, vitest) run on contributors' machines; what a user installs, and
      // the openai client the issue found at 7 (Node >= 22 only), must run on every supported Node.
      if (range === undefined || (entry.dev === true && !path.endsWith('node_modules/openai'))) continue;
      for (const node of LOWEST_SUPPORTED) if (!semver.satisfies(node, range)) refused.push(`${path}@${entry.version ?? '?'} needs node ${range}, not ${node}`);
    }
    expect(refused).toEqual([]);
    expect(lock.packages['node_modules/openai']?.version).toMatch(/^6\./);
  });
});
