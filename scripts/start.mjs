// `npm start`: the story mimir exists to tell, in one command. Audits the three example agent systems
// in examples/agents — the naive demo, the hardened one, and the hardened one with a single flaw —
// and the two builds of the independent help-desk agent in examples/openai-agents (written by
// another team on another framework, from the README's agent contract alone): the careful one and
// the one with one high-risk tool ungated. Each is audited from its recorded traces, a fresh probe
// run (the real agent under injected faults, through mimir's MCP proxy) and the agent's own traces
// of that run, with the same catalogue and policy any user gets. Reports go to
// mimir-report/<variant>/; the terminal shows each verdict, its areas and top findings.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const VARIANTS = [
  ['naive', 'the demo version: no safeguards around the model', join('examples', 'agents', 'naive')],
  ['hardened', 'the same model and tools, with the plumbing production needs', join('examples', 'agents', 'hardened')],
  ['subtle', 'hardened, with exactly one flaw', join('examples', 'agents', 'subtle')],
  ['careful', 'an independent help-desk agent on the OpenAI Agents SDK, built carefully', join('examples', 'openai-agents', 'careful')],
  ['one-flaw', 'the same help-desk agent with one high-risk tool ungated', join('examples', 'openai-agents', 'one-flaw')],
];

/** One variant's audit, its terminal output held back until it is done, so the audits that run side by side are shown one after another. */
function audit(variant, dir) {
  const out = join('mimir-report', variant);
  const args = [join(ROOT, 'bin', 'mimir.js'), 'audit', '--probe', '--brief', '--config', join(dir, 'mimir.yaml'), '--format', 'terminal,html,json,sarif,junit,md', '--out', out, '--fail-on', 'none'];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? '1' : '0') } });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => resolve({ out, output: Buffer.concat(output), status: error.message }));
    child.on('close', (code, signal) => resolve({ out, output: Buffer.concat(output), status: code ?? signal }));
  });
}

// Three lanes, as in test/examples/verdicts.test.ts: the back-office variants one after another,
// beside the two help-desk builds. All five at once crowd a 2-core machine until agents miss their
// own timeouts and verdicts move.
process.stderr.write('Auditing the five builds, three at a time, each with a fresh probe run of the real agent…\n');
const dirOf = (variant) => VARIANTS.find(([name]) => name === variant)[2];
/** Each variant's audit, started when the one before it in its lane is done. */
const runs = new Map();
for (const lane of [['naive', 'hardened', 'subtle'], ['careful'], ['one-flaw']]) {
  let previous = Promise.resolve();
  for (const variant of lane) {
    previous = previous.then(() => audit(variant, dirOf(variant)));
    runs.set(variant, previous);
  }
}
const results = [];
for (const [variant, what] of VARIANTS) {
  const run = await runs.get(variant);
  process.stderr.write(`\n━━ ${variant}: ${what} ━━\n`);
  process.stderr.write(run.output);
  if (run.status !== 0) {
    process.stderr.write(`mimir audit of ${variant} exited with ${run.status}\n`);
    process.exitCode = 2;
    continue;
  }
  const report = JSON.parse(readFileSync(join(ROOT, run.out, 'mimir-report.json'), 'utf8'));
  // The first reason names the evidence behind it (the tool, the call): the flaw in the evidence's words.
  const first = report.score.reasons[0];
  results.push({ variant, verdict: report.score.verdict, overall: report.score.overall, first: first?.message, html: join(run.out, 'mimir-report.html') });
}

process.stdout.write('\nSummary\n');
for (const r of results) {
  process.stdout.write(`  ${r.variant.padEnd(9)} ${r.verdict.toUpperCase().padEnd(6)} ${r.overall.toFixed(1).padStart(5)} / 100\n`);
  if (r.first) process.stdout.write(`            ${r.first}\n`);
}
process.stdout.write(`Open ${results.map((r) => r.html).join(', ')} in a browser for the full story.\n`);
