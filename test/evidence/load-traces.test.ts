import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTraces, startDigests } from '../../src/evidence/load-traces.js';
import { jsonLines, OPTIONS, span, tempFile } from './support.js';

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('digests of the evidence read', () => {
  const first = tempFile('first.jsonl', jsonLines([span({ id: 'a', attrs: { 'mimir.run.id': 'one' } })]));
  const second = tempFile('second.jsonl', `${'x'.repeat(3 << 20)}\n`);

  it('digests every file read, on this thread or on a worker, to the same sha256', async () => {
    for (const parallelFromBytes of [Number.MAX_SAFE_INTEGER, 0]) {
      const job = await startDigests([first, second, first], parallelFromBytes);
      expect(await job.results()).toEqual([sha256(first), sha256(second), sha256(first)]);
      job.stop();
    }
  });

  it('fails for an unreadable file as reading it would, worker or not', async () => {
    for (const parallelFromBytes of [Number.MAX_SAFE_INTEGER, 0]) {
      const job = await startDigests([first, `${first}.missing`], parallelFromBytes);
      await expect(job.results()).rejects.toMatchObject({ code: 'ENOENT' });
      job.stop();
    }
  });

  it('stamps the loaded evidence with each source file', async () => {
    const loaded = await loadTraces({ sources: [first], readOptions: OPTIONS });
    expect(loaded.sources).toEqual([{ kind: 'trace', path: first, sha256: sha256(first) }]);
    expect(loaded.evidence.runCount).toBe(1);
  });

  it('skips the digests when asked (mimir traces reports none), reading the same evidence', async () => {
    const loaded = await loadTraces({ sources: [first], readOptions: OPTIONS, digest: false });
    expect(loaded.sources).toBeUndefined();
    expect(loaded.evidence).toEqual((await loadTraces({ sources: [first], readOptions: OPTIONS })).evidence);
  });
});
