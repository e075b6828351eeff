#!/usr/bin/env node
// The attack suite of issue 12, reproducible: hostile inputs against the built CLI (bin/mimir.js),
// each in its own temporary directory, with a time bound per step, classified as
//   ok · crashed (a stack trace, "internal error", a signal, an unexpected exit code)
//      · hung (past the time bound) · dropped silently (exit 0 with fewer runs than the input and
//      no problem said; for a tampered ledger: verified; for a bad config: accepted)
//      · leaked (a planted secret's body in stdout, stderr or any file mimir wrote).
// Nothing leaves the machine: every file is local and no attack opens a network connection.
//
//   npm run build && node scripts/attack/run-attacks.mjs [--filter text] [--concurrency n] [--timeout-ms n] [--json out.json]
//
// Exits 1 when any attack is not ok.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configAttacks } from './attacks-config.mjs';
import { ledgerAttacks } from './attacks-ledger.mjs';
import { secretAttacks } from './attacks-secrets.mjs';
import { traceAttacks } from './attacks-traces.mjs';
import { makeSecrets } from './secrets.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(REPO, 'bin', 'mimir.js');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index === -1 ? fallback : args[index + 1];
};
const FILTER = option('--filter', '');
const CONCURRENCY = Number(option('--concurrency', '3'));
const TIMEOUT_MS = Number(option('--timeout-ms', '20000'));
const JSON_OUT = option('--json', undefined);
/** Output kept per stream for the leak and crash checks; more is counted, not kept. */
const MAX_CAPTURE = 32 * 1024 * 1024;

if (!existsSync(join(REPO, 'dist', 'cli', 'main.js'))) throw new Error('run `npm run build` first: the attacks run the built CLI');

const root = mkdtempSync(join(tmpdir(), 'mimir-attack-'));
const elsewhere = join(root, 'elsewhere');
mkdirSync(elsewhere);

/** Runs one mimir command with a time bound; the whole process group is killed at the bound. */
function runMimir(argv, cwd, timeoutMs) {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...argv], { cwd, detached: true, env: { ...process.env, NO_COLOR: '1', MIMIR_NOW: '2026-11-24T12:00:00Z' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const streams = { stdout: [], stderr: [] };
    const sizes = { stdout: 0, stderr: 0 };
    for (const name of ['stdout', 'stderr']) {
      child[name].on('data', (chunk) => {
        if (sizes[name] < MAX_CAPTURE) streams[name].push(chunk);
        sizes[name] += chunk.length;
      });
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        code,
        signal,
        timedOut,
        ms: Math.round(performance.now() - started),
        stdout: Buffer.concat(streams.stdout).toString('utf8'),
        stderr: Buffer.concat(streams.stderr).toString('utf8'),
      });
    });
  });
}

/** Writes an attack's files: text or bytes, a FIFO, or a symbolic link. */
function writeFiles(dir, files) {
  for (const [path, content] of Object.entries(files ?? {})) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    if (content && typeof content === 'object' && 'fifo' in content) execFileSync('mkfifo', [full]);
    else if (content && typeof content === 'object' && 'symlink' in content) symlinkSync(content.symlink, full);
    else if (content && typeof content === 'object' && 'dir' in content) mkdirSync(full, { recursive: true });
    else writeFileSync(full, content);
  }
}

/** Every regular file under `dir` (what mimir wrote there), read for the leak check. */
function filesUnder(dir) {
  const found = [];
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && statSync(full).size <= 64 * 1024 * 1024) found.push(full);
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

const STACK_FRAME = /\n\s+at (?:async )?[^\n]*(?:\.[cm]?js|node:internal)[^\n]*:\d+:\d+\)?/;

function classify(attack, results, outputs) {
  const last = results.at(-1);
  if (results.some((r) => r.timedOut)) return { outcome: 'hung', why: `past ${TIMEOUT_MS} ms` };
  for (const r of results) {
    if (/internal error/i.test(r.stderr) || STACK_FRAME.test(r.stderr) || STACK_FRAME.test(r.stdout)) return { outcome: 'crashed', why: firstLines(r.stderr) };
    if (r.signal !== null || ![0, 1, 2].includes(r.code)) return { outcome: 'crashed', why: `exit ${r.code} signal ${r.signal}: ${firstLines(r.stderr)}` };
  }
  if (!attack.control) {
    const leaked = (attack.secrets ?? []).filter((secret) => outputs.some((text) => text.includes(secret)));
    if (leaked.length > 0) return { outcome: 'leaked', why: `${leaked.length} secret(s), e.g. …${leaked[0].slice(0, 12)}…` };
  } else {
    // A control (--no-redact) must show what was planted, or the planting proves nothing.
    const shown = (attack.secrets ?? []).filter((secret) => outputs.some((text) => text.includes(secret)));
    if (shown.length === 0) return { outcome: 'control failed', why: 'no planted secret reached the unredacted output' };
  }
  if (attack.tampered && last.code === 0) return { outcome: 'dropped silently', why: 'tampered ledger verified (exit 0)' };
  if (attack.invalid && last.code === 0) return { outcome: 'dropped silently', why: 'bad input accepted (exit 0)' };
  if (attack.expectExit !== undefined && !attack.expectExit.includes(last.code)) return { outcome: 'wrong exit', why: `exit ${last.code}, expected ${attack.expectExit.join(' or ')}: ${firstLines(last.stderr || last.stdout)}` };
  const read = results[attack.runsStep ?? results.length - 1];
  if (attack.inputRuns !== undefined && read.code === 0) {
    let report;
    try {
      report = JSON.parse(read.stdout);
    } catch {
      return { outcome: 'crashed', why: `exit 0 but the JSON report does not parse: ${firstLines(read.stdout)}` };
    }
    const said = report.problems?.total > 0 || report.partial === true || read.stderr.trim() !== '';
    if (report.runs < attack.inputRuns && !said) return { outcome: 'dropped silently', why: `${report.runs} of ${attack.inputRuns} runs, no problem said` };
  }
  return { outcome: 'ok', why: '' };
}

function firstLines(text) {
  return text.trim().split('\n').slice(0, 3).join(' | ').slice(0, 300);
}

async function runAttack(attack, index) {
  const dir = join(root, `a${String(index).padStart(3, '0')}`);
  mkdirSync(dir);
  writeFiles(dir, attack.files);
  const results = [];
  for (const step of attack.steps) {
    const argv = step.argv.map((a) => a.replaceAll('{dir}', dir).replaceAll('{elsewhere}', elsewhere));
    const cwd = step.cwd === 'elsewhere' ? elsewhere : join(dir, step.cwd ?? '.');
    const result = await runMimir(argv, cwd, step.timeoutMs ?? TIMEOUT_MS);
    results.push(result);
    if (result.timedOut) break;
  }
  const outputs = [...results.flatMap((r) => [r.stdout, r.stderr]), ...filesUnder(join(dir, 'out')).map((file) => readFileSync(file, 'utf8'))];
  const verdict = classify(attack, results, outputs);
  rmSync(dir, { recursive: true, force: true });
  return { family: attack.family, name: attack.name, ...verdict, ms: results.reduce((sum, r) => sum + r.ms, 0), exit: results.map((r) => r.code).join(',') };
}

async function main() {
  const started = performance.now();
  const secrets = makeSecrets();
  const context = { repo: REPO, root, secrets, runMimir: (argv, cwd) => runMimir(argv, cwd ?? root, TIMEOUT_MS) };
  const attacks = [...(await traceAttacks(context)), ...(await ledgerAttacks(context)), ...(await configAttacks(context)), ...(await secretAttacks(context))].filter(
    (attack) => `${attack.family} ${attack.name}`.includes(FILTER),
  );
  const results = new Array(attacks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < attacks.length) {
        const index = next++;
        results[index] = await runAttack(attacks[index], index);
      }
    }),
  );
  const outcomes = ['ok', 'crashed', 'hung', 'dropped silently', 'leaked', 'wrong exit', 'control failed'];
  const families = [...new Set(results.map((r) => r.family))];
  const table = [['family', 'tried', ...outcomes.slice(1)], ...[...families, 'total'].map((family) => {
    const rows = results.filter((r) => family === 'total' || r.family === family);
    return [family, String(rows.length), ...outcomes.slice(1).map((o) => String(rows.filter((r) => r.outcome === o).length))];
  })];
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  process.stdout.write(`${table.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ')).join('\n')}\n\n`);
  for (const result of results.filter((r) => r.outcome !== 'ok')) process.stdout.write(`${result.outcome.toUpperCase()}  ${result.family}: ${result.name} (exit ${result.exit}, ${result.ms} ms) ${result.why}\n`);
  const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 3);
  process.stdout.write(`\n${results.length} attacks in ${Math.round((performance.now() - started) / 1000)} s; slowest: ${slowest.map((r) => `${r.family}: ${r.name} ${r.ms} ms`).join('; ')}\n`);
  if (JSON_OUT) writeFileSync(JSON_OUT, `${JSON.stringify(results, null, 2)}\n`);
  rmSync(root, { recursive: true, force: true });
  process.exitCode = results.every((r) => r.outcome === 'ok') ? 0 : 1;
}

await main();
