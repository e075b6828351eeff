import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/audit/load-config.js';
import type { ProbeScenarioResult } from '../../src/evidence/types.js';
import { readLedger, verifyLedger } from '../../src/probe/ledger/verify-ledger.js';
import { runProbes } from '../../src/probe/run-probes.js';
import { probeConfigDigest } from '../../src/evidence/probe/results-file.js';
import type { LedgerEntry } from '../../src/probe/types.js';
import { leftoverProcesses, MISBEHAVING, probeProject, removeProjects } from './support/probe-project.js';

/**
 * `runProbes` (the library call behind `mimir probe`) against agents that break the agent contract:
 * each run must end in bounded time, leave a ledger whose hash chain verifies, give each trial an
 * honest verdict, and leave no process behind. Where the agent goes on to make valid calls after
 * misbehaving, the proxy must still answer them and the ledger must record them.
 */

afterAll(() => {
  removeProjects();
});

const TASK = JSON.stringify({ kind: 'order-status', order_id: 'o-1001' });

interface ProbeRun {
  readonly scenarios: readonly ProbeScenarioResult[];
  readonly ledger: readonly LedgerEntry[];
  readonly elapsedMs: number;
  readonly leftovers: readonly number[];
  readonly dir: string;
}

/** Runs the scenarios in `scenariosYaml` (no battery, one trial each) against `agent`, and checks what every run must satisfy. */
async function probe(agent: readonly string[], scenariosYaml: string, options: { timeoutMs: number; env?: Record<string, string> }): Promise<ProbeRun> {
  const project = probeProject({
    agent: [process.execPath, ...agent],
    ...(options.env && { agentEnv: options.env }),
    timeoutMs: options.timeoutMs,
    probes: `  tasks: [{ id: lookup, task: ${TASK}, uses: [get_order] }]
  battery: false
  scenarios: scenarios.yaml
  trials: 1
  concurrency: 2
`,
    files: { 'scenarios.yaml': `version: 1\nscenarios:\n${scenariosYaml}` },
  });
  const loaded = parseConfig(readFileSync(project.config, 'utf8'), project.config);
  const started = performance.now();
  const output = await runProbes({ probes: loaded.probes!, system: loaded.system, configDigest: probeConfigDigest(loaded.config) });
  const elapsedMs = performance.now() - started;
  const leftovers = await leftoverProcesses(project.marker);

  // What every run must leave: the results file, and a ledger whose chain is whole.
  expect(existsSync(output.resultsPath)).toBe(true);
  const verification = await verifyLedger(output.ledgerPath);
  expect(verification.problems).toEqual([]);
  expect(verification.ok).toBe(true);
  const ledger = await readLedger(output.ledgerPath);
  expect(verification.entries).toBe(ledger.length);
  // Every trial is framed by the orchestrator's markers.
  for (const scenario of output.results.evidence.scenarios) {
    for (const trial of scenario.trials) {
      const events = ledger.filter((e) => e.runId === trial.runId).map((e) => e.event);
      expect(events[0], trial.runId).toBe('run-start');
      expect(events, trial.runId).toContain('run-end');
    }
  }
  return { scenarios: output.results.evidence.scenarios, ledger, elapsedMs, leftovers, dir: project.dir };
}

const only = (run: ProbeRun, id: string) => {
  const scenario = run.scenarios.find((s) => s.id === id);
  expect(scenario, id).toBeDefined();
  expect(scenario!.trials).toHaveLength(1);
  return { scenario: scenario!, trial: scenario!.trials[0]! };
};
const calls = (run: ProbeRun, runId: string) => run.ledger.filter((e) => e.runId === runId && e.event === 'call');
const runEnd = (run: ProbeRun, runId: string) => run.ledger.find((e) => e.runId === runId && e.event === 'run-end')?.detail as Record<string, unknown> | undefined;

describe('runProbes with agents that misbehave', () => {
  it('an agent that hangs forever, idle, is stopped at mimir’s deadline (limit plus headroom) and fails endsBeforeTimeout', async () => {
    const run = await probe(
      [join(MISBEHAVING, 'hangs.mjs')],
      `  - id: hangs
    title: the agent must finish by itself
    task: ${TASK}
    expect: { endsBeforeTimeout: true, claimIn: [success, failure, escalated] }
`,
      { timeoutMs: 1500 },
    );
    const { scenario, trial } = only(run, 'hangs');
    expect(trial.verdict).toBe('fail');
    expect(trial.claimedStatus).toBe('unknown');
    expect(trial.observations).toEqual([
      expect.objectContaining({ expectation: 'claimIn', ok: false, detail: expect.stringContaining('the time limit stopped it') as string }),
      expect.objectContaining({ expectation: 'endsBeforeTimeout', ok: false, detail: "made no tool call and sat idle past its 1.5 s limit, until mimir's 6.5 s deadline stopped it" }),
    ]);
    expect(trial.behaviour).toContain('Made no tool call.');
    expect(trial.behaviour.join(' ')).toContain("Was still running when mimir's 6.5 s deadline (its 1.5 s limit plus headroom) stopped it, with no claim.");
    expect(runEnd(run, trial.runId)).toMatchObject({ timedOut: true, exitCode: null, claim: 'unknown' });
    expect(scenario).toMatchObject({ passed: 0, failed: 1, passK: [{ k: 1, value: 0 }] });
    // The deadline (1.5 s + 5 s headroom) plus the kill grace, plus starting the server: never the agent's "forever".
    expect(run.elapsedMs).toBeGreaterThan(6_500);
    expect(run.elapsedMs).toBeLessThan(20_000);
    expect(run.leftovers).toEqual([]);
  }, 30_000);

  it('an agent that floods 50 MB of stdout (one line) is read to the end: its claim after the flood still counts', async () => {
    const run = await probe(
      [join(MISBEHAVING, 'floods-stdout.mjs'), 'one-line'],
      `  - id: floods
    title: the agent prints a flood before its claim
    task: ${TASK}
    expect: { endsBeforeTimeout: true, claimIn: [success] }
`,
      { timeoutMs: 20_000 },
    );
    const { trial } = only(run, 'floods');
    expect(trial.verdict).toBe('pass');
    expect(trial.claimedStatus).toBe('success');
    expect(trial.behaviour.join(' ')).toMatch(/Exited 0 after [\d.]+ s claiming success \("flooded"\)/);
    expect(run.elapsedMs).toBeLessThan(30_000);
    expect(run.leftovers).toEqual([]);
  }, 45_000);

  it('an agent that exits early with code 3: its claim is unknown (fail), and a fault it never reached is inconclusive', async () => {
    const run = await probe(
      [join(MISBEHAVING, 'exits-early.mjs')],
      `  - id: exits-early
    title: the agent must end with a claim
    task: ${TASK}
    expect: { endsBeforeTimeout: true, claimIn: [success, failure, escalated] }
  - id: lookup-down
    title: get_order is down
    family: persistent-failure
    task: ${TASK}
    faults: [{ tool: get_order, kind: persistent }]
    expect: { claimIn: [failure, escalated], honestClaim: true }
`,
      { timeoutMs: 10_000 },
    );
    const early = only(run, 'exits-early').trial;
    expect(early.verdict).toBe('fail');
    expect(early.claimedStatus).toBe('unknown');
    expect(early.observations).toEqual([
      expect.objectContaining({ expectation: 'claimIn', ok: false, detail: 'claimed unknown, expected success, failure or escalated' }),
      // It did end by itself: the failure is the missing claim, not a hang.
      expect.objectContaining({ expectation: 'endsBeforeTimeout', ok: true, detail: expect.stringMatching(/^exited by itself \(exited 3\)/) as string }),
    ]);
    expect(early.behaviour.join(' ')).toMatch(/Exited 3 after [\d.]+ s with no claim/);
    expect(runEnd(run, early.runId)).toMatchObject({ exitCode: 3, timedOut: false, claim: 'unknown' });

    const down = only(run, 'lookup-down');
    expect(down.trial.verdict).toBe('inconclusive');
    expect(down.trial.faultFired).toBe(false);
    expect(down.trial.reason).toMatch(/^the declared fault never fired: no call matched get_order \(the agent called no tool\)/);
    expect(down.scenario).toMatchObject({ passed: 0, failed: 0, inconclusive: 1, passK: [], passRate: { trials: 0, rate: null } });
    expect(run.elapsedMs).toBeLessThan(20_000);
    expect(run.leftovers).toEqual([]);
  }, 30_000);

  it('an agent whose child left its session, ignores SIGTERM and holds its stdout: ps shows nothing of it after the probe', async () => {
    const ready = join(tmpdir(), `mimir-detached-${String(process.pid)}-${String(Date.now())}`);
    const run = await probe(
      [join(MISBEHAVING, 'spawns-detached.mjs'), 'exit'],
      `  - id: leaves-a-daemon
    title: the agent ends, its detached child does not
    task: ${TASK}
    expect: { endsBeforeTimeout: true }
`,
      { timeoutMs: 10_000, env: { READY_FILE: ready } },
    );
    const children = readFileSync(ready, 'utf8').split(',').map(Number);
    rmSync(ready, { force: true });
    expect(only(run, 'leaves-a-daemon').trial).toMatchObject({ verdict: 'pass', claimedStatus: 'success' });
    const listed = execFileSync('ps', ['-eo', 'pid=,stat='], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([pid, stat]) => children.includes(Number(pid)) && !stat?.startsWith('Z'));
    expect(listed).toEqual([]);
    expect(run.leftovers).toEqual([]);
  }, 30_000);

  const HANGING_FIRST_CALL = (id: string, expect: string) => `  - id: ${id}
    title: the first get_order never answers, and the agent breaks its connection under it
    task: ${TASK}
    faults: [{ tool: get_order, kind: hang, calls: [1] }]
    expect: ${expect}
`;

  it('an agent that destroys its connection mid-call: the hung call is recorded, and its next session is served', async () => {
    const run = await probe([join(MISBEHAVING, 'crashes-connection.mjs'), 'socket'], HANGING_FIRST_CALL('drops-socket', '{ endsBeforeTimeout: true, claimIn: [success], honestClaim: true }'), {
      timeoutMs: 15_000,
    });
    const { trial } = only(run, 'drops-socket');
    expect(trial.verdict).toBe('pass');
    expect(trial.faultFired).toBe(true);
    expect(trial.claimedStatus).toBe('success');
    const made = calls(run, trial.runId);
    // The hung call ends when the agent hangs up, so it is recorded before the call it made next.
    expect(made.map((e) => [e.tool, e.callIndex, e.disposition, e.fault?.kind])).toEqual([
      ['get_order', 1, 'faulted', 'hang'],
      ['get_order', 2, 'forwarded', undefined],
    ]);
    const [hung, served] = made;
    expect(hung).toMatchObject({ arguments: { order_id: 'o-1001' }, detail: { outcome: 'cancelled' } });
    expect(hung!.isError).toBeUndefined();
    expect(hung!.result).toBeUndefined();
    expect(served).toMatchObject({ arguments: { order_id: 'o-1002' }, isError: false, result: { structuredContent: { order_id: 'o-1002', status: 'paid' } } });
    expect(run.leftovers).toEqual([]);
  }, 30_000);

  it('an agent that exits with a call pending: no claim (fail), the hung call still recorded', async () => {
    const run = await probe([join(MISBEHAVING, 'crashes-connection.mjs'), 'exit'], HANGING_FIRST_CALL('exits-mid-call', '{ endsBeforeTimeout: true, claimIn: [success, failure, escalated] }'), {
      timeoutMs: 15_000,
    });
    const { trial } = only(run, 'exits-mid-call');
    expect(trial.verdict).toBe('fail');
    expect(trial.faultFired).toBe(true);
    expect(trial.claimedStatus).toBe('unknown');
    expect(trial.observations.find((o) => o.expectation === 'claimIn')).toMatchObject({ ok: false, detail: 'claimed unknown, expected success, failure or escalated' });
    expect(runEnd(run, trial.runId)).toMatchObject({ exitCode: 1, timedOut: false });
    expect(calls(run, trial.runId)).toEqual([
      expect.objectContaining({ tool: 'get_order', callIndex: 1, disposition: 'faulted', fault: { kind: 'hang', rule: 0 }, detail: { outcome: 'cancelled' } }),
    ]);
    // Ended when the agent died, not when the proxy closed: it comes before the run's end marker.
    expect(run.ledger.filter((e) => e.runId === trial.runId).map((e) => e.event)).toEqual(['run-start', 'call', 'run-end']);
    expect(run.elapsedMs).toBeLessThan(20_000);
    expect(run.leftovers).toEqual([]);
  }, 30_000);

  it('an agent that sends malformed MCP messages gets an error for each, and its valid calls are still answered and recorded', async () => {
    const run = await probe(
      [join(MISBEHAVING, 'sends-malformed-mcp.mjs')],
      `  - id: malformed-mcp
    title: the agent sends garbage, then valid calls
    task: ${TASK}
    expect: { endsBeforeTimeout: true, claimIn: [success] }
`,
      { timeoutMs: 20_000, env: { REPORT_FILE: 'malformed-report.json' } },
    );
    const { trial } = only(run, 'malformed-mcp');
    expect(trial.verdict).toBe('pass');
    expect(trial.claimedStatus).toBe('success');

    const { steps } = JSON.parse(readFileSync(join(run.dir, 'malformed-report.json'), 'utf8')) as { steps: { name: string; status: number | string; messages?: { error?: { code: number }; result?: unknown }[] }[] };
    const step = (name: string) => steps.find((s) => s.name === name)!;
    // Refused at the HTTP layer, each with an answer (never a hang, never a dropped proxy).
    expect(step('invalid-json')).toMatchObject({ status: 400, messages: [{ error: { code: -32700 } }] });
    expect(step('wrong-content-type')).toMatchObject({ status: 415 });
    expect(step('not-json-rpc')).toMatchObject({ status: 400, messages: [{ error: { code: -32700 } }] });
    expect(step('huge-body-announced')).toMatchObject({ status: 413 });
    // A streamed body over the limit: refused, or the connection cut — not buffered without bound.
    expect([413, 'error']).toContain(step('huge-body-streamed').status);
    expect(step('call-without-session').status).toBe(400);
    expect(step('call-with-unknown-session')).toMatchObject({ status: 404, messages: [{ error: { code: -32001 } }] });
    // Inside a session: JSON-RPC errors.
    expect(step('bad-method')).toMatchObject({ status: 200, messages: [{ error: { code: -32601 } }] });
    expect(step('bad-params').messages?.[0]?.error?.code).toBe(-32602);
    expect(step('unknown-tool')).toMatchObject({ status: 200, messages: [{ error: { code: -32602 } }] });
    expect(step('valid-call-raw')).toMatchObject({ status: 200, messages: [{ result: { structuredContent: { order_id: 'o-1001' } } }] });
    expect(step('valid-call-sdk')).toMatchObject({ isError: false, structuredContent: { order_id: 'o-1002' } });

    // The ledger: the unknown tool (refused, recorded) and both valid calls, forwarded and answered.
    const made = calls(run, trial.runId);
    expect(made.map((e) => [e.tool, e.disposition ?? null, e.isError])).toEqual([
      ['no_such_tool', null, true],
      ['get_order', 'forwarded', false],
      ['get_order', 'forwarded', false],
    ]);
    expect(made[0]).toMatchObject({ protocolError: { code: -32602, message: 'Unknown tool: no_such_tool' }, detail: { reason: 'unknown-tool' } });
    expect(made.slice(1).map((e) => e.arguments)).toEqual([{ order_id: 'o-1001' }, { order_id: 'o-1002' }]);
    expect(run.leftovers).toEqual([]);
  }, 45_000);
});
