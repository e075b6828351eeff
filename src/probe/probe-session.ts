import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APPROVAL_TOOL_NAME, isHighRisk, type ProbeTraceLife, type RiskClass, type SystemDescription, type ToolDefinition } from '../model/index.js';
import { sha256 } from '../shared/hash.js';
import { matchesWildcard } from '../shared/wildcard.js';
import type { OtlpReceiver } from './otlp-receiver.js';
import { startProxy, type RunningProxy, type ToolPlan } from './proxy/mcp-proxy.js';
import type { RecordedResults } from './proxy/simulation.js';
import type { ProbesConfig } from '../config/load-config.js';
import { probeDeadlineMs } from './runner/deadline.js';
import { resetServers } from './runner/reset-servers.js';
import { runAgent } from './runner/run-agent.js';
import type { RecordedCall } from './scenarios/battery.js';
import { verifyTrial } from './scenarios/verify-trial.js';
import { traceLivesOf, type LifeRecord, type TrialLivesInput } from './trace-lives.js';
import type { AgentExit, AgentTarget, LedgerEntry, LedgerRecord, LedgerSink, ProbeScenario, TrialResult } from './types.js';

/*
 * One probe session's work on the agent: listing its tools, the fault-free run that finds what a
 * task uses, and each trial (the proxy with its faults, the agent's lives, the verifier), with every
 * agent process's traces filed by trial. `runProbes` plans the session and writes its results.
 */

/** What a session needs from mimir.yaml: how to run the probes, and the system's tools. */
export interface SessionOptions {
  readonly probes: ProbesConfig;
  readonly system: SystemDescription;
}

/** A ledger sink that also keeps the entries of one run, for its verifier. */
class RunRecorder implements LedgerSink {
  readonly entries: LedgerEntry[] = [];
  constructor(private readonly ledger: LedgerSink) {}
  async append(record: LedgerRecord): Promise<LedgerEntry> {
    const entry = await this.ledger.append(record);
    this.entries.push(entry);
    return entry;
  }
}

export class ProbeSession {
  private readonly sessionId = randomBytes(4).toString('hex');
  /** Every agent process's traces, filed by trial (see trace-lives.ts). */
  readonly traceLives: ProbeTraceLife[] = [];
  /** The tools each task uses, from mimir.yaml or its fault-free run: a trial's outcome is judged by their effects. */
  readonly usesByTask = new Map<string, readonly string[]>();
  private readonly target: AgentTarget;
  private readonly injectionTarget: string | undefined;

  constructor(
    private readonly options: SessionOptions,
    private readonly riskOf: (tool: string) => RiskClass | undefined,
    private readonly ledger: LedgerSink,
    private readonly receiver: OtlpReceiver,
    private readonly recorded: RecordedResults,
  ) {
    const { agent } = options.probes;
    this.target =
      agent.kind === 'command' ? { kind: 'command', command: agent.command, cwd: agent.cwd, env: agent.env } : { kind: 'http', url: agent.url };
    this.injectionTarget = options.system.tools.find((tool) => tool.name !== undefined && isHighRisk(tool.risk))?.name;
  }

  /**
   * The tools the upstream servers offer, as the agent sees them (without mimir's approval tool),
   * and how the proxy will treat each.
   */
  async planTools(): Promise<{ listed: ToolDefinition[]; plan: ToolPlan[] }> {
    const state = await this.trialState(`discovery-${this.sessionId}`);
    const proxy = await this.startProxy(state.servers, { runId: 'discovery', scenarioId: 'discovery', trial: 0 }, this.ledger, []).catch(async (error: unknown) => {
      await state.remove();
      throw error;
    });
    try {
      const listed = (await proxy.tools())
        .filter((tool) => tool.name !== APPROVAL_TOOL_NAME)
        .map((tool) => ({
          name: tool.name,
          ...(tool.description !== undefined && { description: tool.description }),
          inputSchema: tool.inputSchema,
          ...(tool.outputSchema !== undefined && { outputSchema: tool.outputSchema }),
        }));
      return { listed, plan: proxy.toolPlan().filter((tool) => tool.tool !== APPROVAL_TOOL_NAME) };
    } finally {
      await proxy.close();
      await state.remove();
    }
  }

  /**
   * One fault-free run with approvals granted (side effects simulated): the tools it called are the
   * ones it uses, and its calls are the task's own. It must end as a task is expected to end with
   * nothing broken: claiming success, no call failing; otherwise `problem` says what went wrong.
   */
  async discoverUses(taskId: string, task: unknown): Promise<{ uses: string[]; calls: RecordedCall[]; claim: string; problem?: string }> {
    const recorder = new RunRecorder(this.ledger);
    const runId = `baseline-${taskId}-${this.sessionId}`;
    const scenarioId = `baseline--${taskId}`;
    const state = await this.trialState(runId);
    let proxy: RunningProxy | undefined;
    let exit: AgentExit | undefined;
    try {
      await resetServers(state.servers);
      proxy = await this.startProxy(state.servers, { runId, scenarioId, trial: 1 }, recorder, []);
      exit = await runAgent(this.target, this.invocation(runId, 1, task, proxy, false, `${runId}#1`));
    } finally {
      await proxy?.close();
      await state.remove();
      this.fileLives({ runId, scenarioId, family: 'baseline', trial: 1, entries: recorder.entries, observations: [] }, [
        { life: 'baseline', key: `${runId}#1`, from: 0, to: recorder.entries.length, exit, killedOnPurpose: false, taskId },
      ]);
    }
    const called = recorder.entries.filter((e) => e.event === 'call' && e.disposition !== 'approval' && e.tool !== undefined);
    const calls = called.map((e) => ({ tool: e.tool ?? '', ...(e.arguments !== undefined && { arguments: e.arguments }) }));
    const failed = called.filter((e) => e.isError === true || e.protocolError !== undefined);
    const problems = [
      exit.startError !== undefined && `the agent could not be started (${exit.startError})`,
      exit.timedOut && 'the time limit stopped it',
      exit.claim.status !== 'success' && `it ended claiming ${exit.claim.status}${exit.claim.summary === undefined ? '' : ` ("${exit.claim.summary.slice(0, 120)}")`}, not success`,
      failed.length > 0 && `${failed.length} of its ${called.length} calls failed (${[...new Set(failed.map((e) => e.tool))].join(', ')})`,
      called.length === 0 && 'it made no tool call',
    ].filter((p): p is string => typeof p === 'string');
    return {
      uses: [...new Set(calls.map((c) => c.tool))],
      calls,
      claim: exit.claim.status,
      ...(problems.length > 0 && { problem: problems.join('; ') }),
    };
  }

  async runTrial(scenario: ProbeScenario, trial: number): Promise<TrialResult> {
    // Unique per session: agents key checkpoints and idempotency keys by run id, and a run id reused by
    // a later session would let it "resume" the earlier one's work.
    const runId = `${scenario.id}--t${trial}-${this.sessionId}`;
    const recorder = new RunRecorder(this.ledger);
    const run = { runId, scenarioId: scenario.id, trial };
    const kill = new AbortController();
    let proxy: RunningProxy | undefined;
    const exits: AgentExit[] = [];
    let upstreamState: unknown[] | undefined;
    const taskId = taskIdOf(scenario) || undefined;
    /** Each agent process of the trial, for filing its traces (trace-lives.ts). */
    const lives: LifeRecord[] = [];
    const live = async (life: LifeRecord['life'], ofTask: string | undefined, start: (key: string) => Promise<AgentExit>): Promise<AgentExit> => {
      const key = `${runId}#${lives.length + 1}`;
      const from = recorder.entries.length;
      const exit = await start(key);
      const ownRunId = life === 'follow-up' ? followUpRunId(runId) : undefined;
      lives.push({ life, key, from, to: recorder.entries.length, exit, killedOnPurpose: life === 'first' && kill.signal.aborted, ...(ownRunId !== undefined && { runId: ownRunId }), ...(ofTask !== undefined && { taskId: ofTask }) });
      return exit;
    };
    const state = await this.trialState(runId);
    try {
      // Every trial starts from the same world, where mimir.yaml says how to restore it.
      await resetServers(state.servers);
      const running = await this.startProxy(state.servers, run, recorder, scenario.faults, scenario, (entry) => {
        if (scenario.killAfterCalls !== undefined && entry.event === 'call' && countCalls(recorder.entries) >= scenario.killAfterCalls) kill.abort();
      });
      proxy = running;
      await recorder.append({ ...run, event: 'run-start', startedAt: new Date().toISOString(), detail: { task: scenario.task } });
      const first = await live('first', taskId, (key) => runAgent(this.target, { ...this.invocation(runId, trial, scenario.task, running, false, key), signal: kill.signal }));
      exits.push(first);
      if (scenario.killAfterCalls !== undefined && first.killed) {
        await recorder.append({ ...run, event: 'kill', startedAt: new Date().toISOString(), detail: { afterCalls: countCalls(recorder.entries) } });
        await recorder.append({ ...run, event: 'resume', startedAt: new Date().toISOString() });
        exits.push(await live('resume', taskId, (key) => runAgent(this.target, this.invocation(runId, trial, scenario.task, running, true, key))));
      }
      const followUp = scenario.followUp;
      if (followUp !== undefined) exits.push(await live('follow-up', followUp.taskId, (key) => this.runFollowUp(state.servers, scenario, run, recorder, key)));
      const last = exits[exits.length - 1];
      await recorder.append({
        ...run,
        event: 'run-end',
        startedAt: new Date().toISOString(),
        detail: { exitCode: last?.exitCode ?? null, signal: last?.signal ?? null, timedOut: last?.timedOut ?? false, claim: last?.claim.status ?? 'unknown' },
      });
      if (scenario.expect.upstream) {
        upstreamState = [];
        for (const query of scenario.expect.upstream) upstreamState.push(await upstreamValue(proxy, query.call, query.arguments ?? {}));
      }
    } catch (error) {
      // Infrastructure failed (a server would not start, the proxy could not bind): this trial is
      // an error, excluded and counted, never a verdict on the agent.
      const reason = error instanceof Error ? error.message : String(error);
      this.fileLives({ runId, scenarioId: scenario.id, family: scenario.family, trial, entries: recorder.entries, observations: [] }, lives);
      return {
        runId,
        trial,
        verdict: 'error',
        faultFired: false,
        faultsApplied: [],
        behaviour: [],
        observations: [],
        claim: { status: 'unknown' },
        exits,
        reason: `the probe could not run: ${reason}`,
        inconclusiveReason: `the probe could not run: ${reason}`,
        harnessCause: 'runner',
      };
    } finally {
      await proxy?.close();
      await state.remove();
    }
    const verified = verifyTrial({
      scenario,
      runId,
      trial,
      ledger: recorder.entries,
      exits,
      riskOf: this.riskOf,
      ...(upstreamState !== undefined && { upstreamState }),
      timeoutMs: this.options.probes.agent.timeoutMs,
      idempotencyKeys: this.options.probes.idempotencyKeys,
    });
    this.fileLives({ runId, scenarioId: scenario.id, family: scenario.family, trial, entries: recorder.entries, observations: verified.observations }, lives);
    return verified;
  }

  /** Files the traces of a trial's agent processes (trace-lives.ts), for the audit to read as trace evidence. */
  private fileLives(trial: Omit<TrialLivesInput, 'lives' | 'filesOf' | 'usesOf' | 'riskOf'>, lives: readonly LifeRecord[]): void {
    this.traceLives.push(
      ...traceLivesOf({ ...trial, lives, filesOf: (key) => this.receiver.filesOf(key), usesOf: (taskId) => this.usesByTask.get(taskId), riskOf: this.riskOf }),
    );
  }

  /**
   * The second task of a task-isolation trial: a new agent process with its own run id, through a
   * fresh proxy with no faults, so a planted value in its calls can only have come from what the
   * agent kept from the first task.
   */
  private async runFollowUp(
    servers: ProbesConfig['servers'],
    scenario: ProbeScenario,
    run: { runId: string; scenarioId: string; trial: number },
    recorder: RunRecorder,
    lifeKey: string,
  ): Promise<AgentExit> {
    const followUp = scenario.followUp;
    const next = { ...run, runId: followUpRunId(run.runId) };
    const proxy = await this.startProxy(servers, next, recorder, []);
    try {
      await recorder.append({ ...next, event: 'run-start', startedAt: new Date().toISOString(), detail: { task: followUp?.task, ...(followUp?.taskId !== undefined && { taskId: followUp.taskId }) } });
      return await runAgent(this.target, this.invocation(next.runId, run.trial, followUp?.task, proxy, false, lifeKey));
    } finally {
      await proxy.close();
    }
  }

  /** What one agent process is told; `lifeKey` gives it an OTLP endpoint of its own, so its traces are filed by trial. */
  private invocation(runId: string, trial: number, task: unknown, proxy: RunningProxy, resume: boolean, lifeKey: string) {
    return {
      runId,
      trial,
      task,
      mcpUrl: proxy.url,
      mcpStdio: stdioCommandFor(proxy.url),
      otlpEndpoint: this.receiver.endpointFor(lifeKey),
      resume,
      // The agent is told its limit; mimir stops it only at the limit plus headroom (runner/deadline.ts).
      timeoutMs: this.options.probes.agent.timeoutMs,
      deadlineMs: probeDeadlineMs(this.options.probes.agent.timeoutMs),
    };
  }

  /**
   * A state directory of the trial's own, told to each upstream server it starts (and its reset
   * command) as MIMIR_TRIAL_STATE_DIR: a server that keeps its world in files keeps it there, so
   * trials that run side by side never share a world, while the processes of one trial (the agent's
   * restart, the follow-up task) do. Removed when the trial is over.
   */
  private async trialState(runId: string): Promise<{ servers: ProbesConfig['servers']; remove: () => Promise<void> }> {
    // Absolute: each server runs in its own working directory, where a path relative to mimir's would name another place.
    const dir = resolve(this.options.probes.out, TRIAL_STATE_DIR, runId.replace(/[^\w.-]/g, '_'));
    await mkdir(dir, { recursive: true });
    const servers = this.options.probes.servers.map((server) => ({ ...server, env: { ...server.env, [TRIAL_STATE_ENV]: dir } }));
    return { servers, remove: () => rm(dir, { recursive: true, force: true }) };
  }

  private startProxy(
    servers: ProbesConfig['servers'],
    run: { runId: string; scenarioId: string; trial: number },
    ledger: LedgerSink,
    faults: ProbeScenario['faults'],
    scenario?: ProbeScenario,
    onCall?: (entry: LedgerEntry) => void,
  ): Promise<RunningProxy> {
    const { probes } = this.options;
    return startProxy({
      upstreams: servers,
      riskOf: this.riskOf,
      allowSideEffects: probes.allowSideEffects,
      exampleOf: (tool) => exampleResultOf(this.options.system, tool),
      recorded: this.recorded,
      idempotencyKeys: probes.idempotencyKeys,
      ledger,
      run,
      faults,
      // Each trial gets its own seed from the session's, so probabilistic faults vary across trials yet reproduce.
      seed: Number.parseInt(sha256(`${probes.seed}:${run.scenarioId}:${run.trial}`).slice(0, 8), 16),
      approvals: scenario?.approvals ?? 'approve',
      ...(probes.approvalTool !== undefined && { approvalTool: probes.approvalTool }),
      ...(this.injectionTarget !== undefined && { injectionTarget: this.injectionTarget }),
      hiddenTools: this.options.system.tools.flatMap((tool) => (tool.verifierOnly === true && tool.name !== undefined ? [tool.name] : [])),
      ...(onCall && { onCall }),
    });
  }
}

/** The user's example result of a tool: an exact name's first, then the first pattern's that matches. */
function exampleResultOf(system: SystemDescription, tool: string): unknown {
  const exact = system.tools.find((t) => t.name === tool && t.exampleResult !== undefined);
  if (exact) return exact.exampleResult;
  return system.tools.find((t) => t.pattern !== undefined && t.exampleResult !== undefined && matchesWildcard(t.pattern, tool))?.exampleResult;
}

/** Where, under the probe output, each trial's state directory is made; and the variable that names it to the upstream servers. */
const TRIAL_STATE_DIR = 'trial-state';
export const TRIAL_STATE_ENV = 'MIMIR_TRIAL_STATE_DIR';

/** The run id of a task-isolation trial's second task: its own, so its calls and traces are told apart. */
function followUpRunId(runId: string): string {
  return `${runId}-next`;
}

/** The task a battery scenario was made for (`<family>--<task>--<tools>`). */
export function taskIdOf(scenario: ProbeScenario): string {
  return scenario.id.split('--')[1] ?? '';
}

/** mimir's own bin, from src/probe or dist/probe alike. */
const MIMIR_BIN = fileURLToPath(new URL('../../bin/mimir.js', import.meta.url));

/** The command line an stdio-only agent runs to reach the proxy (MIMIR_MCP_STDIO); paths quoted as a shell would need. */
function stdioCommandFor(url: string): string {
  const quote = (part: string): string => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`);
  return [process.execPath, MIMIR_BIN, 'proxy', '--connect', url].map(quote).join(' ');
}

function countCalls(entries: readonly LedgerEntry[]): number {
  return entries.filter((e) => e.event === 'call' && e.disposition !== 'approval').length;
}

/** Reads upstream state for a verifier: the structured result, else the JSON in its first text block. */
async function upstreamValue(proxy: RunningProxy, tool: string, args: Record<string, unknown>): Promise<unknown> {
  const result = await proxy.callUpstream(tool, args);
  if (result.structuredContent !== undefined) return result.structuredContent;
  const text = result.content.find((block) => block.type === 'text');
  if (text?.type !== 'text') return undefined;
  try {
    return JSON.parse(text.text) as unknown;
  } catch {
    return text.text;
  }
}
