// How long mimir takes to start: `mimir --help`, `mimir --version` and `mimir traces <small file>
// --format json`, each a fresh `node bin/mimir.js` process, beside the strongest baseline, a bare
// `node -e 0` (Node's own start-up, which no CLI in Node can beat), measured in the same run.
// The commands take turns run by run (baseline, help, version, traces, baseline, …), so a busy
// machine slows them alike; the ratios to the baseline are the figures to compare across machines.
//
//   npm run build && node bench/startup.mjs [--runs N] [--warmup W] [--json]
//
// N: timed runs per command (default 20); W: untimed runs of each first (default 3: the disk cache
// and the CPU's clock settle). Wall time is from spawn to exit. CPU time (user + system) is what
// the child process itself reports at exit, through a three-line preload (REPORT_CPU) on file
// descriptor 3; it is the steadier figure on a machine shared with other work, because time
// spent waiting for a core is not in it. The traces file is test/fixtures/traces/otlp/
// genai-refund-agent.jsonl (12 KB, 2 runs, 12 spans, with message content, so the tokenizer
// loads), read from an empty directory so no mimir.yaml is found.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, warmup: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } },
});
const runs = wholeNumber(options.runs, '--runs', 1);
const warmup = wholeNumber(options.warmup, '--warmup', 0);

const bin = fileURLToPath(new URL('../bin/mimir.js', import.meta.url));
const traceFile = fileURLToPath(new URL('../test/fixtures/traces/otlp/genai-refund-agent.jsonl', import.meta.url));
try {
  readFileSync(new URL('../dist/cli/main.js', import.meta.url));
} catch {
  throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
}

/**
 * Preloaded (--require) into each timed process: at exit, its own CPU time since it started goes to
 * file descriptor 3. CommonJS with no imports of its own, so it adds next to nothing to what it measures.
 */
const REPORT_CPU = `'use strict';
process.on('exit', () => require('node:fs').writeSync(3, JSON.stringify(process.cpuUsage())));
`;

const COMMANDS = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'mimir --help', args: [bin, '--help'] },
  { name: 'mimir --version', args: [bin, '--version'] },
  { name: 'mimir traces <12 KB file> --format json', args: [bin, 'traces', traceFile, '--format', 'json'] },
];

function wholeNumber(text, name, min) {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}, not ${text}`);
  return value;
}

/** One run: wall milliseconds from spawn to exit, and the CPU milliseconds the child reported. */
function runOnce(args, cwd, reportCpu) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', reportCpu, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let cpuReport = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdio[3].on('data', (chunk) => (cpuReport += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
      const { user, system } = JSON.parse(cpuReport);
      resolve({ wallMs, cpuMs: (user + system) / 1000 });
    });
  });
}

const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;
const sd = (values) => {
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / Math.max(1, values.length - 1));
};
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// An empty directory (no mimir.yaml to find), which also holds the preload.
const cwd = mkdtempSync(join(tmpdir(), 'mimir-startup-'));
const reportCpu = join(cwd, 'report-cpu.cjs');
writeFileSync(reportCpu, REPORT_CPU);
const samples = COMMANDS.map(() => []);
const loadBefore = loadavg()[0];
try {
  for (let round = 0; round < warmup + runs; round++) {
    for (const [index, command] of COMMANDS.entries()) {
      const sample = await runOnce(command.args, cwd, reportCpu);
      if (round >= warmup) samples[index].push(sample);
    }
  }
} finally {
  rmSync(cwd, { recursive: true, force: true });
}
const loadAfter = loadavg()[0];

const baseline = samples[0];
const results = COMMANDS.map((command, index) => {
  const wall = samples[index].map((s) => s.wallMs);
  const cpu = samples[index].map((s) => s.cpuMs);
  return {
    command: command.name,
    wallMeanMs: mean(wall),
    wallSdMs: sd(wall),
    wallMedianMs: median(wall),
    wallMinMs: Math.min(...wall),
    cpuMeanMs: mean(cpu),
    cpuSdMs: sd(cpu),
    wallRatioToBaseline: median(wall) / median(baseline.map((s) => s.wallMs)),
    cpuRatioToBaseline: mean(cpu) / mean(baseline.map((s) => s.cpuMs)),
  };
});
const machine = { node: process.version, cpus: cpus().length, loadAverage1mBefore: loadBefore, loadAverage1mAfter: loadAfter };

if (options.json) {
  console.log(JSON.stringify({ runs, warmup, machine, results }, null, 2));
} else {
  const ms = (v) => v.toFixed(0);
  console.log(
    `start-up: ${runs} runs of each command, taking turns, after ${warmup} warm-up runs each; node ${process.version}, ${machine.cpus} CPUs, load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`,
  );
  console.log('| command | wall mean ± σ ms | wall median ms | wall min ms | CPU mean ± σ ms | × baseline (wall median) | × baseline (CPU) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(
      `| ${r.command} | ${ms(r.wallMeanMs)} ± ${ms(r.wallSdMs)} | ${ms(r.wallMedianMs)} | ${ms(r.wallMinMs)} | ${ms(r.cpuMeanMs)} ± ${ms(r.cpuSdMs)} | ${r.wallRatioToBaseline.toFixed(2)} | ${r.cpuRatioToBaseline.toFixed(2)} |`,
    );
  }
}
