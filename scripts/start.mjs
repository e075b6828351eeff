// `npm start`: the story mimir exists to tell, in one command. Audits the three example agent systems
// in examples/agents — the naive demo, the hardened one, and the hardened one with a single flaw —
// and the two builds of the independent help-desk agent in examples/openai-agents (written by
// another team on another framework, from the README's agent contract alone): the careful one and
// the one with one high-risk tool ungated. Each is audited from its recorded traces, a fresh probe
// run (the real agent under injected faults, through mimir's MCP proxy) and the agent's own traces
// of that run, with the same catalogue and policy any user gets. Reports go to
// mimir-report/<variant>/; the terminal shows each verdict, its areas and top findings.
import { spawnSync } from 'node:child_process';
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

const results = [];
for (const [variant, what, dir] of VARIANTS) {
  process.stderr.write(`\n━━ ${variant}: ${what} ━━\n`);
  const out = join('mimir-report', variant);
  const run = spawnSync(
    process.execPath,
    [
      join(ROOT, 'bin', 'mimir.js'),
      'audit',
      '--probe',
      '--brief',
      '--config',
      join(dir, 'mimir.yaml'),
      '--format',
      'terminal,html,json,sarif,junit,md',
      '--out',
      out,
      '--fail-on',
      'none',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (run.status !== 0) {
    process.stderr.write(`mimir audit of ${variant} exited with ${run.status ?? run.signal}\n`);
    process.exitCode = 2;
    continue;
  }
  const report = JSON.parse(readFileSync(join(ROOT, out, 'mimir-report.json'), 'utf8'));
  // The first reason names the evidence behind it (the tool, the call): the flaw in the evidence's words.
  const first = report.score.reasons[0];
  results.push({ variant, verdict: report.score.verdict, overall: report.score.overall, first: first?.message, html: join(out, 'mimir-report.html') });
}

process.stdout.write('\nSummary\n');
for (const r of results) {
  process.stdout.write(`  ${r.variant.padEnd(9)} ${r.verdict.toUpperCase().padEnd(6)} ${r.overall.toFixed(1).padStart(5)} / 100\n`);
  if (r.first) process.stdout.write(`            ${r.first}\n`);
}
process.stdout.write(`Open ${results.map((r) => r.html).join(', ')} in a browser for the full story.\n`);
