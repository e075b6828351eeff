import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_AGENTS_DIR, readRecordedRuns } from '../../../src/server/demo/recorded-runs.js';

/**
 * The demo's recorded runs travel in the package: the build packs them beside the compiled demo
 * module (examples/ is not published), and the built module reads that copy, run for run what the
 * repository's examples/agents hold.
 */
const BUILT_MODULE = new URL('../../../dist/server/demo/recorded-runs.js', import.meta.url);

describe("the demo's recorded runs", () => {
  it('are packed into dist/ by the build, and the built demo reads them there, the same runs as in examples/agents', async () => {
    expect(existsSync(fileURLToPath(new URL('../../../dist/server/demo/recorded/naive/corpus.otlp.jsonl.gz', import.meta.url))), 'npm run build packs them').toBe(true);
    const built = (await import(BUILT_MODULE.href)) as { readRecordedRuns: typeof readRecordedRuns };
    for (const build of ['hardened', 'naive'] as const) {
      const packed = await built.readRecordedRuns(build);
      const fromExamples = await readRecordedRuns(build, EXAMPLE_AGENTS_DIR);
      expect(packed.length).toBeGreaterThan(0);
      expect(packed).toEqual(fromExamples);
    }
  });

  it('says where it looked when a build has no recordings', async () => {
    await expect(readRecordedRuns('naive', fileURLToPath(new URL('./no-such-dir', import.meta.url)))).rejects.toThrow(/recorded traces are not here/);
  });
});
