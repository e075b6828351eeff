import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LedgerEntry } from '../../../src/probe/types.js';

/**
 * Fixture projects for the probe end-to-end tests: a mimir.yaml (and scenario files) in a fresh
 * temporary folder, naming the repository's agents and the back-office server by absolute path.
 * Every process a project starts carries a marker in its environment, so a test can prove none
 * was left behind.
 */

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const SERVER = join(ROOT, 'examples', 'back-office', 'server', 'back-office-server.mjs');
export const PROBE_AGENT = join(ROOT, 'test', 'fixtures', 'probe-agent', 'agent.mjs');
export const MISBEHAVING = join(ROOT, 'test', 'fixtures', 'probe-agents', 'misbehaving');

/** The back-office tools with their risk classes, as a team would declare them. */
export const BACK_OFFICE_TOOLS = `tools:
  - { name: find_customer, risk: read-only }
  - { name: get_order, risk: read-only }
  - { name: list_orders, risk: read-only }
  - { name: inspect_state, risk: read-only }
  - { name: issue_refund, risk: money }
  - { name: send_email, risk: outbound-message }
  - { name: delete_record, risk: deletion }
`;

export const REFUND_TASK = { kind: 'refund', order_id: 'o-1001', amount_cents: 1000, reason: 'damaged', notify: true };

export interface ProjectOptions {
  /** The agent's argv (absolute paths). */
  readonly agent: readonly string[];
  readonly agentEnv?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** YAML lines under `probes:` besides agent and servers (tasks, trials, battery …), indented by two spaces. */
  readonly probes: string;
  /** Extra files (path → content), e.g. a scenarios file. */
  readonly files?: Readonly<Record<string, string>>;
}

export interface Project {
  readonly dir: string;
  readonly config: string;
  /** In the environment of every process this project starts (agent and server). */
  readonly marker: string;
  readonly out: string;
  readonly ledger: string;
  readonly results: string;
}

const created: string[] = [];

export function probeProject(options: ProjectOptions): Project {
  const dir = mkdtempSync(join(tmpdir(), 'mimir-probe-test-'));
  created.push(dir);
  const marker = `mimir-probe-test-${randomUUID()}`;
  // TMPDIR: the probe agent keeps its checkpoints under os.tmpdir(); inside the project they are
  // private to this test and removed with it.
  const env = { MIMIR_TEST_MARKER: marker, TMPDIR: dir, ...options.agentEnv };
  const yaml = `version: 1
system: { name: probe test agent }
${BACK_OFFICE_TOOLS}probes:
  agent: { command: ${JSON.stringify(options.agent)}, env: ${JSON.stringify(env)}, timeoutMs: ${options.timeoutMs} }
  servers: [{ name: back-office, command: ${JSON.stringify([process.execPath, SERVER])}, env: ${JSON.stringify({ MIMIR_TEST_MARKER: marker })} }]
${options.probes}`;
  const config = join(dir, 'mimir.yaml');
  writeFileSync(config, yaml);
  for (const [path, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, path), content);
  const out = join(dir, '.mimir', 'probes');
  return { dir, config, marker, out, ledger: join(out, 'ledger.jsonl'), results: join(out, 'probe-results.json') };
}

/** Removes the projects' folders (with the agents' checkpoints in them). */
export function removeProjects(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Pids of running (not zombie) processes whose environment holds `marker`. Linux only; elsewhere none are found. */
export function processesWith(marker: string): number[] {
  if (process.platform !== 'linux') return [];
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readFileSync(`/proc/${name}/environ`, 'latin1').includes(marker)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      if (state !== 'Z' && state !== 'X') found.push(Number(name));
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return found;
}

/** The processes still running with `marker` after up to `graceMs` (a stopped server may take a moment to exit). */
export async function leftoverProcesses(marker: string, graceMs = 3000): Promise<number[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const pids = processesWith(marker);
    if (pids.length === 0 || Date.now() > deadline) return pids;
    await sleep(50);
  }
}

/** The ledger's entries (one JSON object a line), read without verifying: tests verify separately. */
export function ledgerEntries(path: string): LedgerEntry[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LedgerEntry);
}
