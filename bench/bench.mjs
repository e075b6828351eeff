// `npm run bench`: `mimir traces` against the strongest bare baseline (bench/baseline.mjs: 4 MB
// chunks, JSON.parse of every line, nothing else), measured in the same run on the same files:
//  - agent: the shapes real frameworks write (bench/generate-agent-corpus.mjs) at 250k, 500k and
//    1M spans (MIMIR_BENCH_SPANS), to show throughput and memory as the corpus grows;
//  - synthetic: the light corpus the bench used first (bench/generate-corpus.mjs), one row;
//  - the converted public datasets (test/fixtures/real/.full/, or MIMIR_REAL_DIR), decompressed,
//    with their labels, when they are there; the table says when they are not.
// Seconds count from each process's start (mimir's include loading its modules); ratio is the
// baseline's time over mimir's, so 1.0 is bare-parse throughput. MIMIR_BENCH_RUNS=3 keeps each side's
// fastest of three runs (and its largest peak RSS). The load averages before and after are printed:
// the machine may be shared.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const dir = process.env.MIMIR_BENCH_DIR ?? join('bench', '.corpus');
mkdirSync(dir, { recursive: true });
const sizes = (process.env.MIMIR_BENCH_SPANS ?? '250000,500000,1000000').split(',').filter(Boolean).map(Number);
const syntheticSpans = Number(process.env.MIMIR_BENCH_SYNTHETIC_SPANS ?? 250000);
const realDir = process.env.MIMIR_REAL_DIR ?? join('test', 'fixtures', 'real', '.full');
const runs = Math.max(1, Number(process.env.MIMIR_BENCH_RUNS ?? 1));

// MIMIR_BENCH_BEFORE: the dist/ of another build (say, of the commit before a change), timed on the
// same files in the same run, so a before/after comparison sees the same machine load.
const before = process.env.MIMIR_BENCH_BEFORE;
const node = (args, env = process.env) => JSON.parse(execFileSync('node', args, { encoding: 'utf8', maxBuffer: 1 << 20, env }).trim().split('\n').pop());
const fastest = (args, env) => {
  let best;
  for (let run = 0; run < runs; run++) {
    const result = node(args, env);
    if (best === undefined || result.seconds < best.seconds) best = { ...result, maxRssMb: Math.max(result.maxRssMb, best?.maxRssMb ?? 0) };
    else best.maxRssMb = Math.max(best.maxRssMb, result.maxRssMb);
  }
  return best;
};

/** A generated corpus, written again only when its generator changed (the generators are deterministic). */
function generated(generator, name, spans) {
  const file = join(dir, `${name}-${spans}.jsonl`);
  const meta = `${file}.meta.json`;
  const version = createHash('sha256').update(readFileSync(generator)).digest('hex');
  if (existsSync(file) && existsSync(meta)) {
    const known = JSON.parse(readFileSync(meta, 'utf8'));
    if (known.version === version) return { file, spans: known.spans, labels: known.labels };
  }
  const made = node([generator, file, String(spans)]);
  const labels = existsSync(`${file}.labels.jsonl`) ? `${file}.labels.jsonl` : undefined;
  writeFileSync(meta, JSON.stringify({ version, spans: made.spans, labels }));
  return { file, spans: made.spans, labels };
}

/** The public datasets in `realDir`, each decompressed once beside the generated corpora. */
async function realCorpora() {
  if (!existsSync(realDir)) return { absent: `no converted public datasets in ${realDir} (scripts/real-data/ makes them; MIMIR_REAL_DIR points elsewhere)` };
  const found = [];
  for (const dataset of readdirSync(realDir).sort()) {
    const home = join(realDir, dataset);
    if (!statSync(home).isDirectory()) continue;
    const gz = readdirSync(home).find((name) => name.endsWith('.jsonl.gz'));
    if (gz === undefined) continue;
    const file = join(dir, `real-${dataset}.jsonl`);
    if (!existsSync(file) || statSync(file).mtimeMs < statSync(join(home, gz)).mtimeMs) {
      await pipeline(createReadStream(join(home, gz)), createGunzip(), createWriteStream(file));
    }
    const labels = existsSync(join(home, 'labels.jsonl')) ? join(home, 'labels.jsonl') : undefined;
    found.push({ name: dataset, file, labels, spans: countSpans(file) });
  }
  return found.length > 0 ? { found } : { absent: `no *.jsonl.gz dataset under ${realDir}` };
}

function countSpans(file) {
  let spans = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.length === 0) continue;
    for (const resource of JSON.parse(line).resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
  }
  return spans;
}

const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
console.log(`node ${process.version}, ${cpus().length} cores, load average ${load()} (1/5/15 min), best of ${runs}`);
console.log('');
// CPU columns: on a shared machine wall time mostly measures the other processes. "critical CPU" is
// the busiest thread's CPU time (bench/run-mimir.mjs); on two free cores mimir's wall time is at
// least that and at least half its CPU time (V8's collector threads count too): "2-core CPU bound".
// "CPU ratio" is the baseline's CPU time (all of it, though a little is its collector's) over that
// bound: the ratio an idle 2-core machine would show at best.
const bound = (result) => Math.max(result.criticalCpuSeconds, result.cpuSeconds / 2);
const beforeColumns = before === undefined ? '' : ' before s | before 2-core CPU bound s | before peak RSS MB |';
console.log(`| corpus | spans | file MB | baseline s | mimir s | ratio | mimir first output s | baseline peak RSS MB | mimir peak RSS MB | baseline CPU s | mimir CPU s | mimir critical CPU s | mimir 2-core CPU bound s | CPU ratio |${beforeColumns}`);
console.log(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|${before === undefined ? '' : '---:|---:|---:|'}`);
const row = (name, corpus) => {
  const megabytes = statSync(corpus.file).size / 1e6;
  const mimirArgs = ['bench/run-mimir.mjs', corpus.file, ...(corpus.labels ? [corpus.labels] : [])];
  const baseline = fastest(['bench/baseline.mjs', corpus.file]);
  const mimir = fastest(mimirArgs);
  if (mimir.code !== 0) throw new Error(`mimir traces ${corpus.file} exited ${mimir.code}`);
  let beforeCells = '';
  if (before !== undefined) {
    const old = fastest(mimirArgs, { ...process.env, MIMIR_BENCH_DIST: before });
    beforeCells = ` ${old.seconds.toFixed(2)} | ${bound(old).toFixed(2)} | ${old.maxRssMb.toFixed(0)} |`;
  }
  console.log(
    `| ${name} | ${corpus.spans.toLocaleString('en')} | ${megabytes.toFixed(0)} | ${baseline.seconds.toFixed(2)} | ${mimir.seconds.toFixed(2)} | ${(baseline.seconds / mimir.seconds).toFixed(2)} | ${mimir.firstOutputSeconds.toFixed(2)} | ${baseline.maxRssMb.toFixed(0)} | ${mimir.maxRssMb.toFixed(0)} | ${baseline.cpuSeconds.toFixed(2)} | ${mimir.cpuSeconds.toFixed(2)} | ${mimir.criticalCpuSeconds.toFixed(2)} | ${bound(mimir).toFixed(2)} | ${(baseline.cpuSeconds / bound(mimir)).toFixed(2)} |${beforeCells}`,
  );
};
const real = await realCorpora();
for (const corpus of real.found ?? []) row(`real: ${corpus.name}`, corpus);
for (const spans of sizes) row('agent', generated('bench/generate-agent-corpus.mjs', 'agent', spans));
if (syntheticSpans > 0) row('synthetic', generated('bench/generate-corpus.mjs', 'corpus', syntheticSpans));
if (real.absent) console.log(`\nreal datasets absent: ${real.absent}`);
console.log(`\nload average after: ${load()}`);
