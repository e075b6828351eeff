// What token counting alone costs in `mimir traces`, in CPU milliseconds, for the built counter
// and (with --baseline-commit) the counter of an earlier commit, on the same calls.
//
//   npm run build && node bench/token-count.mjs [--baseline-commit <commit>] <trace file>…
//
// 1. Capture: `mimir traces <file> --format json` runs once on a copy of dist/ whose
//    countO200kTokens also records each call's text, in order (bench/.corpus/token-calls-*.jsonl;
//    a repeated text is stored as the index of its first call).
// 2. Replay: for each counter, a fresh process reads the calls (not timed), imports the counter
//    (timed: the module's load, e.g. gpt-tokenizer's 200k-entry table) and makes every call in
//    order (timed: the counting, with whatever it loads on first use). CPU time is user + system
//    of that process, the steadier figure on a shared machine.
// The counts of every counter must agree (they are exact), so the replay also checks the totals.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, 'bench', '.corpus', 'token-count');
const { values: options, positionals: files } = parseArgs({ allowPositionals: true, options: { 'baseline-commit': { type: 'string' } } });
if (files.length === 0) throw new Error('usage: node bench/token-count.mjs [--baseline-commit <commit>] <trace file>…');
if (!existsSync(join(ROOT, 'dist', 'analysis', 'token-count.js'))) throw new Error('dist/ is missing: run `npm run build` first');

// Child modes: this file is also the capture and the replay process.
if (process.env.MIMIR_BENCH_TOKEN_MODE === 'capture') await capture();
else if (process.env.MIMIR_BENCH_TOKEN_MODE === 'replay') await replay();
else await run();

async function run() {
  mkdirSync(WORK, { recursive: true });
  const counters = [{ name: 'now (dist/analysis/token-count.js)', module: join(ROOT, 'dist', 'analysis', 'token-count.js') }];
  if (options['baseline-commit'] !== undefined) counters.unshift({ name: `baseline (${options['baseline-commit']})`, module: baselineCounter(options['baseline-commit']) });
  const captureDist = join(WORK, 'capture', 'dist');
  rmSync(join(WORK, 'capture'), { recursive: true, force: true });
  cpSync(join(ROOT, 'dist'), captureDist, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(WORK, 'capture', 'package.json'));
  const counterPath = join(captureDist, 'analysis', 'token-count.js');
  const source = readFileSync(counterPath, 'utf8');
  if (!source.includes('export function countO200kTokens(text) {')) throw new Error('dist/analysis/token-count.js has no countO200kTokens(text) to record');
  writeFileSync(
    counterPath,
    source.replace('export function countO200kTokens(text) {', 'export function countO200kTokens(text) {\n  globalThis.__mimirTokenCalls?.push(text);'),
  );
  for (const file of files) {
    const calls = join(WORK, `token-calls-${basename(file).replace(/[^\w.-]/g, '_')}.jsonl`);
    const captured = spawnSync(process.execPath, [fileURLToPath(import.meta.url), file], {
      env: { ...process.env, MIMIR_BENCH_TOKEN_MODE: 'capture', MIMIR_BENCH_CALLS: calls, MIMIR_BENCH_MAIN: join(captureDist, 'cli', 'main.js') },
      encoding: 'utf8',
    });
    if (captured.status !== 0) throw new Error(`capture of ${file} failed: ${captured.stderr}`);
    console.log(`${file}: ${captured.stdout.trim()}`);
    let agreedTokens;
    for (const counter of counters) {
      const replayed = spawnSync(process.execPath, [fileURLToPath(import.meta.url), file], {
        env: { ...process.env, MIMIR_BENCH_TOKEN_MODE: 'replay', MIMIR_BENCH_CALLS: calls, MIMIR_BENCH_COUNTER: counter.module },
        encoding: 'utf8',
      });
      if (replayed.status !== 0) throw new Error(`replay with ${counter.name} failed: ${replayed.stderr}`);
      const result = JSON.parse(replayed.stdout);
      agreedTokens ??= result.tokens;
      if (result.tokens !== agreedTokens) throw new Error(`${counter.name} counted ${result.tokens} tokens where the first counter counted ${agreedTokens}: the counters are exact, so one is wrong`);
      console.log(`  ${counter.name.padEnd(40)} import ${String(result.importMs).padStart(5)} ms CPU   counting ${String(result.countMs).padStart(6)} ms CPU   total ${String(result.importMs + result.countMs).padStart(6)} ms   (${result.tokens} tokens)`);
    }
  }
}

/**
 * The counter of an earlier commit, compiled on its own: it imports only gpt-tokenizer and its own
 * siblings (the rank table's reader, where the commit has one, with the table built here: both are
 * generated from the same installed gpt-tokenizer).
 */
function baselineCounter(commit) {
  const dir = join(WORK, `baseline-${commit}`);
  mkdirSync(dir, { recursive: true });
  const sources = ['token-count.ts'];
  const hasTable = spawnSync('git', ['cat-file', '-e', `${commit}:src/analysis/token-table.ts`], { cwd: ROOT }).status === 0;
  if (hasTable) {
    sources.push('token-table.ts');
    cpSync(join(ROOT, 'dist', 'analysis', 'o200k-ranks.bin'), join(dir, 'o200k-ranks.bin'));
  }
  for (const source of sources) writeFileSync(join(dir, source), execFileSync('git', ['show', `${commit}:src/analysis/${source}`], { cwd: ROOT }));
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), [...sources, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', '--outDir', '.'], { cwd: dir, stdio: 'inherit' });
  return join(dir, 'token-count.js');
}

async function capture() {
  const calls = [];
  globalThis.__mimirTokenCalls = calls;
  const { main } = await import(process.env.MIMIR_BENCH_MAIN);
  const out = join(WORK, 'capture', 'report');
  const code = await main(['traces', files[0], '--format', 'json', '--out', out]);
  if (code !== 0) throw new Error(`mimir traces exited ${code}`);
  const firstCall = new Map();
  const stream = createWriteStream(process.env.MIMIR_BENCH_CALLS);
  let characters = 0;
  for (const text of calls) {
    const first = firstCall.get(text);
    if (first === undefined) {
      firstCall.set(text, firstCall.size);
      characters += text.length;
    }
    if (!stream.write(`${JSON.stringify(first ?? text)}\n`)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  await new Promise((resolve) => stream.end(resolve));
  console.log(`${calls.length} token counts, ${firstCall.size} distinct texts, ${characters} characters in them`);
}

async function replay() {
  const texts = [];
  const calls = readFileSync(process.env.MIMIR_BENCH_CALLS, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => {
      const call = JSON.parse(line);
      if (typeof call === 'number') return texts[call];
      texts.push(call);
      return call;
    });
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  let started = cpuMs();
  const { countO200kTokens } = await import(pathToFileURL(process.env.MIMIR_BENCH_COUNTER).href);
  const importMs = cpuMs() - started;
  started = cpuMs();
  let tokens = 0;
  for (const text of calls) tokens += countO200kTokens(text);
  const countMs = cpuMs() - started;
  console.log(JSON.stringify({ tokens, importMs: Math.round(importMs), countMs: Math.round(countMs) }));
}
