// Packs the recorded runs `mimir serve --demo` replays (the example back-office agent's hardened and
// naive corpora, with their labels) beside the compiled demo module, gzipped (≈0.2 MB instead of
// 5 MB), so the demo runs from an installed package as well as from a clone: examples/ is not
// published. src/server/demo/recorded-runs.ts reads this copy when it is there.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUILDS = ['hardened', 'naive'];
let bytes = 0;
for (const build of BUILDS) {
  const from = join('examples', 'agents', build, 'traces');
  const to = join('dist', 'server', 'demo', 'recorded', build);
  mkdirSync(to, { recursive: true });
  const corpus = gzipSync(readFileSync(join(from, 'corpus.otlp.jsonl')), { level: 9 });
  writeFileSync(join(to, 'corpus.otlp.jsonl.gz'), corpus);
  writeFileSync(join(to, 'labels.jsonl'), readFileSync(join(from, 'labels.jsonl')));
  bytes += corpus.length;
}
console.log(`packed the demo's recorded runs into dist/server/demo/recorded/ (${Math.round(bytes / 1024)} KB)`);
