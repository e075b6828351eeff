import { cpSync, mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'rolldown';

/**
 * The example systems as the example audits run them: a copy of examples/ in a scratch directory in
 * which every process a probe trial starts (each agent build's `agent.mjs` and each MCP server) is
 * bundled with its dependencies into the one file mimir.yaml already names. The code is the same;
 * what changes is that a trial's processes each load one file instead of hundreds of modules from
 * node_modules, which was half of each agent's CPU time (≈0.75 of 0.96 CPU-s for a help-desk agent
 * process, ≈0.4 for a back-office one) and, over the ≈540 trials of the five audits, most of the
 * example suite's time. The unbundled agents still run in test/examples/agents.test.ts and
 * `npm start`.
 *
 * The layout is the one in examples/ (each build beside `shared/` and its server), so relative paths
 * in mimir.yaml and `import.meta.url` resolve as they do there.
 */
const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples');

/** What the audits copy, and the entry files in it that become bundles. */
const TREES = ['agents', 'back-office', 'openai-agents'];
const ENTRIES = [
  'agents/naive/agent.mjs',
  'agents/hardened/agent.mjs',
  'agents/subtle/agent.mjs',
  'back-office/server/back-office-server.mjs',
  'openai-agents/careful/agent.mjs',
  'openai-agents/one-flaw/agent.mjs',
  'openai-agents/server/server.mjs',
];

/** Copies examples/ (without probe output) into a new scratch directory and bundles the entries there; returns the directory. */
export async function bundledExamples(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mimir-e2e-examples-'));
  for (const tree of TREES) cpSync(join(EXAMPLES, tree), join(dir, tree), { recursive: true, filter: (path) => !path.includes('.mimir') });
  // One at a time: rolldown already uses every core for one bundle.
  for (const entry of ENTRIES) {
    const bundle = join(dir, `${entry}.bundle.mjs`);
    // From the original, so node_modules resolves as it does for the examples themselves.
    await build({ input: join(EXAMPLES, entry), platform: 'node', logLevel: 'silent', output: { file: bundle, format: 'esm', codeSplitting: false }, write: true });
    renameSync(bundle, join(dir, entry));
  }
  return dir;
}

/** A copy of one audit's part of the bundled tree (its own directory, so probe output never mixes). */
export function copyForAudit(bundled: string, trees: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mimir-e2e-audit-'));
  for (const tree of trees) cpSync(join(bundled, tree), join(dir, tree), { recursive: true });
  return dir;
}
