import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProbeResultsFile } from '../../src/evidence/probe/results-file.js';
import { runCli } from '../support/run-cli.js';
import { leftoverProcesses, PROBE_AGENT, probeProject, REFUND_TASK, removeProjects } from '../probe/support/probe-project.js';

/**
 * Verdicts do not move with machine load: the same `mimir probe` run twice, once as the machine is
 * and once with a busy loop on every core besides, gives the same scenario verdicts — for an agent
 * whose own per-call timeout (5 s) nearly fills its limit (6 s), and for one that waits forever on
 * a hung call. The machine may already be busy (CI shares it): nothing here depends on how fast
 * anything runs, only on the rule (runner/deadline.ts) that mimir's deadline leaves headroom past
 * the agent's limit, and that a run stopped there is judged by whether the agent was still working.
 */

afterAll(() => {
  removeProjects();
});

const TASK = JSON.stringify(REFUND_TASK);
const PROBES = `  tasks: [{ id: refund, task: ${TASK}, uses: [get_order, issue_refund, send_email] }]
  battery: [hang, persistent-failure, transient-failure]
  trials: 1
  concurrency: 3
`;

type Verdicts = Record<string, 'pass' | 'fail' | 'inconclusive' | 'errored'>;

async function probeVerdicts(mode: 'careful' | 'naive'): Promise<Verdicts> {
  const project = probeProject({
    agent: [process.execPath, PROBE_AGENT],
    agentEnv: { PROBE_AGENT_MODE: mode, PROBE_AGENT_TIMEOUT_MS: '5000' },
    timeoutMs: 6000,
    probes: PROBES,
  });
  const run = await runCli(['probe', '--config', project.config]);
  expect([0, 1], run.stdout + run.stderr).toContain(run.code);
  const results = JSON.parse(readFileSync(project.results, 'utf8')) as ProbeResultsFile;
  expect(await leftoverProcesses(project.marker)).toEqual([]);
  return Object.fromEntries(
    results.evidence.scenarios.map((s) => [s.id, s.failed > 0 ? 'fail' : s.passed > 0 ? 'pass' : s.inconclusive > 0 ? 'inconclusive' : 'errored'] as const),
  );
}

/** A busy loop per core (two on this project's CI), ended when the returned function is called. */
function loadEveryCore(cores = 2): () => Promise<void> {
  const loops: ChildProcess[] = Array.from({ length: cores }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  return async () => {
    await Promise.all(
      loops.map(
        (loop) =>
          new Promise<void>((resolve) => {
            if (loop.exitCode !== null || loop.signalCode !== null) {
              resolve();
              return;
            }
            loop.once('exit', () => {
              resolve();
            });
            loop.kill('SIGKILL');
          }),
      ),
    );
  };
}

describe('mimir probe under load', () => {
  it('gives the same scenario verdicts on the machine as it is and with both cores busy', async () => {
    const expected = {
      careful: { 'hang--refund--get_order': 'pass', 'persistent-failure--refund--get_order': 'pass', 'transient-failure--refund--get_order': 'pass' },
      naive: { 'hang--refund--get_order': 'fail', 'persistent-failure--refund--get_order': 'fail', 'transient-failure--refund--get_order': 'pass' },
    } as const;
    const idle = { careful: await probeVerdicts('careful'), naive: await probeVerdicts('naive') };
    const unload = loadEveryCore();
    let busy: typeof idle;
    try {
      busy = { careful: await probeVerdicts('careful'), naive: await probeVerdicts('naive') };
    } finally {
      await unload();
    }
    expect(idle).toEqual(expected);
    expect(busy).toEqual(idle);
  }, 240_000);
});
