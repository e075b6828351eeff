// `npm test`: every check and every suite, ordered so that a 2-core machine is kept busy without
// crowding the suites that measure time. One step per npm script; steps in one stage run side by
// side, stages one after another, and the first failing stage stops the run (its steps finish first,
// so their output is complete). Each step's output is held back and printed whole when it ends.
//
// 1. build, typecheck: two single-threaded compilers, one per core.
// 2. the unit suite (two workers, needs the build: end-to-end tests run bin/mimir.js) beside lint
//    (one thread; nothing in the unit suite measures time against the machine's speed).
// 3. the example audits (probe runs of the real agents: their timeouts are real, so nothing heavy
//    runs beside them) beside pack-and-install, which mostly waits on the registry.
// 4. the probe-under-load test (it loads every core on purpose) beside the real-data suite.
// `MIMIR_TEST_ONLY=unit,lint` runs just the named steps, in the same order.
import { spawn } from 'node:child_process';

const STAGES = [
  [
    ['build', 'npm run build'],
    ['typecheck', 'npm run typecheck'],
  ],
  [
    ['unit', 'npm run unit'],
    ['lint', 'npm run lint'],
  ],
  [['examples', 'npm run test:examples:audits']],
  [
    ['load', 'npm run test:examples:load'],
    ['real', 'npm run test:real'],
  ],
];

const only = process.env.MIMIR_TEST_ONLY?.split(',').map((name) => name.trim());
const names = STAGES.flat().map(([name]) => name);
const unknown = only?.filter((name) => !names.includes(name)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`MIMIR_TEST_ONLY names ${unknown.join(', ')}: expected some of ${names.join(', ')}, comma-separated\n`);
  process.exitCode = 2;
}
const started = performance.now();
const seconds = (from) => ((performance.now() - from) / 1000).toFixed(0);

/** Runs one step with its output held back; resolves to its exit code. */
function step(name, command) {
  const from = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('close', (code, signal) => {
      process.stdout.write(`\n━━ ${name} (${command}): ${code === 0 ? 'passed' : `failed (${code ?? signal})`} in ${seconds(from)} s ━━\n`);
      process.stdout.write(Buffer.concat(output));
      resolve(code ?? 1);
    });
  });
}

/** Runs the stages in order; the exit code of the whole. */
async function runStages() {
  for (const stage of STAGES) {
    const steps = stage.filter(([name]) => only === undefined || only.includes(name));
    if (steps.length === 0) continue;
    process.stdout.write(`\n▶ ${steps.map(([name]) => name).join(' + ')} (at ${seconds(started)} s)\n`);
    const codes = await Promise.all(steps.map(([name, command]) => step(name, command)));
    const failed = steps.filter((_, index) => codes[index] !== 0).map(([name]) => name);
    if (failed.length > 0) {
      process.stdout.write(`\nnpm test failed at ${failed.join(', ')} after ${seconds(started)} s\n`);
      return 1;
    }
  }
  process.stdout.write(`\nnpm test passed in ${seconds(started)} s\n`);
  return 0;
}

if (process.exitCode === undefined) process.exitCode = await runStages();
