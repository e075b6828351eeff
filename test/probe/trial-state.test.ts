import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProbeResultsFile } from '../../src/evidence/probe/results-file.js';
import { runCli } from '../support/run-cli.js';
import { BACK_OFFICE_TOOLS, ledgerEntries, leftoverProcesses, PROBE_AGENT, probeProject, REFUND_TASK, removeProjects, SERVER } from './support/probe-project.js';

/**
 * Trials that run side by side each get a world of their own: mimir tells every upstream server a
 * trial starts the trial's state directory (MIMIR_TRIAL_STATE_DIR). Here the back-office server keeps
 * its world in a file there and is a sandbox (refunds are forwarded for real), and four trials run two
 * at a time. Had they shared a world, the refund counter would have moved from one trial to the next.
 */

afterAll(() => {
  removeProjects();
});

describe('each trial’s own state directory', () => {
  it('gives concurrent trials separate worlds, shared by the processes of one trial, and is removed afterwards', async () => {
    const project = probeProject({
      agent: [process.execPath, PROBE_AGENT],
      agentEnv: { PROBE_AGENT_MODE: 'careful', PROBE_AGENT_TIMEOUT_MS: '10000' },
      timeoutMs: 20_000,
      probes: '',
    });
    // `:?`: without the variable the shell refuses to start the server, and every trial errors; so it
    // does when the directory is not absolute (the server runs in its own working directory).
    const server = [
      'sh',
      '-c',
      `case "\${MIMIR_TRIAL_STATE_DIR:?}" in /*) ;; *) echo "relative MIMIR_TRIAL_STATE_DIR" >&2; exit 3 ;; esac; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(SERVER)} --state "\${MIMIR_TRIAL_STATE_DIR}/back-office.json"`,
    ];
    writeFileSync(
      project.config,
      `version: 1
system: { name: probe test agent }
${BACK_OFFICE_TOOLS}probes:
  agent: { command: ${JSON.stringify([process.execPath, PROBE_AGENT])}, env: ${JSON.stringify({ MIMIR_TEST_MARKER: project.marker, TMPDIR: project.dir, PROBE_AGENT_MODE: 'careful', PROBE_AGENT_TIMEOUT_MS: '10000' })}, timeoutMs: 20000 }
  servers: [{ name: back-office, command: ${JSON.stringify(server)}, env: ${JSON.stringify({ MIMIR_TEST_MARKER: project.marker })}, allowSideEffects: true }]
  tasks: [{ id: refund, task: ${JSON.stringify(REFUND_TASK)}, uses: [get_order, issue_refund, send_email] }]
  battery: [high-risk-approval, kill-resume]
  trials: 2
  concurrency: 2
`,
    );
    // The config named relative to the working directory, as users type it.
    const run = await runCli(['probe', '--config', relative(process.cwd(), project.config)]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const results = JSON.parse(readFileSync(project.results, 'utf8')) as ProbeResultsFile;
    const trials = results.evidence.scenarios.reduce((n, s) => n + s.passed, 0);
    expect(trials).toBe(4);

    // Every trial's refund was forwarded and got the first refund id of a fresh world: none saw another's.
    const refunds = ledgerEntries(project.ledger).filter((e) => e.event === 'call' && e.tool === 'issue_refund' && e.disposition === 'forwarded');
    const byRun = new Map<string, string[]>();
    for (const refund of refunds) {
      const id = JSON.stringify(refund.result).match(/r-\d{4}/)?.[0] ?? 'none';
      byRun.set(refund.runId, [...(byRun.get(refund.runId) ?? []), id]);
    }
    expect(byRun.size).toBe(4);
    for (const [runId, ids] of byRun) expect(ids[0], `${runId}: ${ids.join(', ')}`).toBe(JSON.stringify(refunds[0]?.result).match(/r-\d{4}/)?.[0]);

    // The kill-and-resume trials: the resumed agent reached the world its first life wrote (one trial, one
    // world), so its repeat is a replay of the same refund, not a second one.
    const resumed = results.evidence.scenarios.filter((s) => s.id.startsWith('kill-resume'));
    expect(resumed.length).toBeGreaterThan(0);
    for (const scenario of resumed) expect([scenario.failed, scenario.passed], scenario.id).toEqual([0, 2]);

    const stateRoot = join(project.out, 'trial-state');
    expect(existsSync(stateRoot) ? readdirSync(stateRoot) : []).toEqual([]);
    expect(await leftoverProcesses(project.marker)).toEqual([]);
  }, 120_000);
});
