// `npm test`: every check and every suite, packed so that a 2-core machine is kept busy without
// crowding the suites that measure time. One step per npm script; a step starts once the steps it
// waits for have passed, and the first failure stops what has not started (running steps finish, so
// their output is complete). Each step's output is held back and printed whole when it ends.
//
// - build and typecheck start at once: two single-threaded compilers, one per core.
// - lint starts with them at the lowest priority (nice 19): one thread that measures nothing, so it
//   takes only the CPU the other steps leave idle, and there is idle CPU all along (the example
//   audits mostly wait on their agents' real timeouts).
// - the unit suite and the end-to-end suite (two workers each; they run bin/mimir.js) follow the
//   build, side by side.
// - then the example audits (probe runs of the real agents, whose timeouts are real) with nothing
//   beside them but pack-and-install (which mostly waits on the registry, and packs the build made
//   here) and the niced lint. Beside the unit and e2e suites, on a loaded machine, naive's score moved
//   (26.7 for 26.6) and the e2e suite's real-time tests (deadlines, a page loading) missed theirs.
// - last, the probe-under-load test (it loads every core on purpose, so nothing else runs) beside
//   the real-data suite.
// `MIMIR_TEST_ONLY=unit,lint` runs just the named steps, each once those of them it waits for pass.
import { spawn } from 'node:child_process';

/** name, command, the steps it waits for, its nice level. */
const STEPS = [
  { name: 'build', command: 'npm run build', after: [] },
  { name: 'typecheck', command: 'npm run typecheck', after: [] },
  { name: 'lint', command: 'npm run lint', after: [], nice: 19 },
  { name: 'unit', command: 'npm run unit', after: ['build'] },
  { name: 'e2e', command: 'npm run test:e2e', after: ['build'] },
  { name: 'examples', command: 'npm run test:examples:audits', after: ['build', 'unit', 'e2e'] },
  { name: 'load', command: 'npm run test:examples:load', after: ['build', 'typecheck', 'lint', 'unit', 'examples', 'e2e'] },
  { name: 'real', command: 'npm run test:real', after: ['build', 'typecheck', 'lint', 'unit', 'examples', 'e2e'] },
];

const only = process.env.MIMIR_TEST_ONLY?.split(',').map((name) => name.trim());
const names = STEPS.map(({ name }) => name);
const unknown = only?.filter((name) => !names.includes(name)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`MIMIR_TEST_ONLY names ${unknown.join(', ')}: expected some of ${names.join(', ')}, comma-separated\n`);
  process.exitCode = 2;
}
const started = performance.now();
const seconds = (from) => ((performance.now() - from) / 1000).toFixed(0);

/** Runs one step with its output held back; resolves to its exit code. */
function runStep({ name, command, nice }, env) {
  const from = performance.now();
  process.stdout.write(`\n▶ ${name} (at ${seconds(started)} s)\n`);
  const line = nice === undefined ? command : `nice -n ${nice} ${command}`;
  return new Promise((resolve) => {
    const child = spawn(line, { shell: true, stdio: ['ignore', 'pipe', 'pipe'], env });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('close', (code, signal) => {
      process.stdout.write(`\n━━ ${name} (${line}): ${code === 0 ? 'passed' : `failed (${code ?? signal})`} in ${seconds(from)} s, at ${seconds(started)} s ━━\n`);
      process.stdout.write(Buffer.concat(output));
      resolve(code ?? 1);
    });
  });
}

/** Runs the chosen steps, each once the chosen steps it waits for have passed; the exit code of the whole. */
async function runSteps() {
  const chosen = STEPS.filter(({ name }) => only === undefined || only.includes(name));
  const chosenNames = new Set(chosen.map(({ name }) => name));
  // pack-and-install packs what is built; when the build step ran here, it need not build again
  // (and a second build would rewrite dist/ under the end-to-end tests running beside it).
  const env = chosenNames.has('build') ? { ...process.env, MIMIR_TEST_BUILT: '1' } : process.env;
  const passed = new Set();
  const failed = [];
  const running = new Map();
  const waiting = [...chosen];
  for (;;) {
    if (failed.length === 0) {
      for (const step of waiting.filter(({ after }) => after.every((name) => passed.has(name) || !chosenNames.has(name)))) {
        waiting.splice(waiting.indexOf(step), 1);
        running.set(
          step.name,
          runStep(step, env).then((code) => ({ step, code })),
        );
      }
    }
    if (running.size === 0) break;
    const { step, code } = await Promise.race(running.values());
    running.delete(step.name);
    if (code === 0) passed.add(step.name);
    else failed.push(step.name);
  }
  if (failed.length > 0) {
    process.stdout.write(`\nnpm test failed at ${failed.join(', ')} after ${seconds(started)} s\n`);
    return 1;
  }
  process.stdout.write(`\nnpm test passed in ${seconds(started)} s\n`);
  return 0;
}

if (process.exitCode === undefined) process.exitCode = await runSteps();
