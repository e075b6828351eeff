// `npm run bench`: mimir traces throughput and peak memory against a bare JSON.parse baseline, measured
// in the same run on the same files, at 250k, 500k and 1M spans (memory should stay flat).
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.MIMIR_BENCH_DIR ?? join('bench', '.corpus');
mkdirSync(dir, { recursive: true });
const sizes = (process.env.MIMIR_BENCH_SPANS ?? '250000,500000,1000000').split(',').map(Number);
// On a busy machine, MIMIR_BENCH_RUNS=3 measures each side three times and keeps its fastest run.
const runs = Math.max(1, Number(process.env.MIMIR_BENCH_RUNS ?? 1));
const node = (args) => JSON.parse(execFileSync('node', args, { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop());
const fastest = (args) => {
  let best;
  for (let run = 0; run < runs; run++) {
    const result = node(args);
    if (best === undefined || result.seconds < best.seconds) best = { ...result, maxRssMb: Math.max(result.maxRssMb, best?.maxRssMb ?? 0) };
  }
  return best;
};

console.log('| spans | file MB | baseline spans/s | mimir spans/s | ratio | baseline peak RSS MB | mimir peak RSS MB |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const size of sizes) {
  const file = join(dir, `corpus-${size}.jsonl`);
  const { spans } = node(['bench/generate-corpus.mjs', file, String(size)]);
  const megabytes = statSync(file).size / 1e6;
  const baseline = fastest(['bench/baseline.mjs', file]);
  const mimir = fastest(['bench/run-mimir.mjs', file]);
  if (mimir.code !== 0) throw new Error(`mimir traces exited ${mimir.code}`);
  const base = spans / baseline.seconds;
  const ours = spans / mimir.seconds;
  console.log(
    `| ${spans.toLocaleString('en')} | ${megabytes.toFixed(0)} | ${Math.round(base).toLocaleString('en')} | ${Math.round(ours).toLocaleString('en')} | ${(ours / base).toFixed(2)} | ${baseline.maxRssMb.toFixed(0)} | ${mimir.maxRssMb.toFixed(0)} |`,
  );
}
