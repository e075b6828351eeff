// Where `mimir traces` spends its CPU, stage by stage, on one thread: loading the modules (and the
// tokenizer's rank table), reading (parse, conventions, assembly), the costly per-run half of the
// analyses that either thread may do (analysis/precompute.ts: context figures, isolation's values),
// and folding every analysis in run order. CPU seconds of this process (user + system), so a shared
// machine's load barely moves them; compare with bench/baseline.mjs's cpuSeconds on the same file.
// Usage: [MIMIR_BENCH_DIST=<dist>] node bench/analysis-stages.mjs <file.jsonl>
import { pathToFileURL } from 'node:url';

const started = process.cpuUsage();
const cpuSince = (from) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
};
// MIMIR_BENCH_DIST: another build's dist/ (say, of the commit before a change), as bench/run-mimir.mjs takes it.
const dist = process.env.MIMIR_BENCH_DIST === undefined ? new URL('../dist/', import.meta.url) : pathToFileURL(`${process.env.MIMIR_BENCH_DIST.replace(/\/$/, '')}/`);
const { readTraceFile } = await import(new URL('evidence/trace/read-trace-file.js', dist).href);
const { precomputeRun, createTraceAnalyzer } = await import(new URL('analysis/index.js', dist).href);
const { defaultTraceReadOptions } = await import(new URL('config/load-config.js', dist).href);
const { countO200kTokens } = await import(new URL('analysis/token-count.js', dist).href);
countO200kTokens('loads the rank table now, not inside the first run');
const load = cpuSince(started);

const sink = { report() {}, damagedRun() {}, skipped() {} };
const analyzer = createTraceAnalyzer();
const runs = readTraceFile(process.argv[2], defaultTraceReadOptions(undefined), sink);
let read = 0;
let precompute = 0;
let fold = 0;
let count = 0;
for (;;) {
  let from = process.cpuUsage();
  const { value: run, done } = await runs.next();
  read += cpuSince(from);
  if (done) break;
  count++;
  from = process.cpuUsage();
  const figures = precomputeRun(run);
  precompute += cpuSince(from);
  from = process.cpuUsage();
  analyzer.add(run, undefined, figures);
  fold += cpuSince(from);
}
const from = process.cpuUsage();
analyzer.finish();
fold += cpuSince(from);
const seconds = (value) => Number(value.toFixed(2));
console.log(
  JSON.stringify({
    runs: count,
    loadModules: seconds(load),
    read: seconds(read),
    precompute: seconds(precompute),
    fold: seconds(fold),
    total: seconds(cpuSince(started)),
  }),
);
