import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { declaredRiskResolver, type ProbeTraceLife, type RiskClass, type SystemDescription } from '../model/index.js';
import type { ProbeScenarioResult } from '../evidence/types.js';
import { PROBE_RESULTS_FILE, probeInputsHash, probeResultsText, type ProbeResultsFile, type SkippedFamily } from '../evidence/probe/results-file.js';
import type { ProbesConfig } from '../config/load-config.js';
import { UserError } from '../shared/errors.js';
import { sha256 } from '../shared/hash.js';
import { openLedger } from './ledger/file-ledger.js';
import type { ToolPlan } from './proxy/mcp-proxy.js';
import { RecordedResults } from './proxy/simulation.js';
import { runBounded } from './runner/pool.js';
import { generateBattery, type BatteryTask } from './scenarios/battery.js';
import { loadScenarioFile } from './scenarios/load-scenarios.js';
import { summarizeScenario } from './scenarios/verify-trial.js';
import { startOtlpReceiver } from './otlp-receiver.js';
import { ProbeSession, taskIdOf } from './probe-session.js';
import type { ProbeScenario, TrialResult } from './types.js';

/** What a probe session reports while it works, for a progress bar. */
export type ProbeProgress =
  | { readonly phase: 'discover'; readonly message: string }
  /** Something the user must know before the results: printed as a warning. */
  | { readonly phase: 'warning'; readonly message: string }
  | { readonly phase: 'trial'; readonly done: number; readonly total: number; readonly scenarioId: string; readonly verdict: TrialResult['verdict'] };

export interface RunProbesOptions {
  readonly probes: ProbesConfig;
  readonly system: SystemDescription;
  /** `probeConfigDigest` of mimir.yaml; with the scenarios file's it stamps the results, so stale results are recognised. */
  readonly configDigest: string;
  readonly now?: () => Date;
  readonly onProgress?: (progress: ProbeProgress) => void;
  /** Told before the trials start what the user should know: undeclared tools treated as high-risk, simulated tools that get mimir's generic answer. */
  readonly onNotice?: (message: string) => void;
}

export interface ProbeRunOutput {
  readonly results: ProbeResultsFile;
  readonly resultsPath: string;
  /** sha256 of the results file as written. */
  readonly resultsSha256: string;
  readonly ledgerPath: string;
}

export const PROBE_LEDGER_FILE = 'ledger.jsonl';
/** Real results of high-risk tools recorded from sandbox servers, kept between probe sessions to shape simulated answers. */
export const RECORDED_RESULTS_FILE = 'recorded-results.json';

/**
 * Runs the probe battery (and the user's own scenarios) against the real agent: every trial gets
 * its own proxy and fresh upstream servers, so one trial's side effects never leak into another's
 * verdict; all trials share one hash-chained ledger.
 */
export async function runProbes(options: RunProbesOptions): Promise<ProbeRunOutput> {
  const { probes } = options;
  const now = options.now ?? (() => new Date());
  const riskOf = declaredRiskResolver(options.system.tools);
  // The user's scenario file is read first: a mistake in it is reported before anything runs, and
  // before the previous session's ledger is moved aside (its results file still points at it).
  const userScenarios = probes.scenarios === undefined ? [] : await loadScenarioFile(probes.scenarios, { trials: probes.trials });
  await mkdir(probes.out, { recursive: true });
  const ledgerPath = join(probes.out, PROBE_LEDGER_FILE);
  // One ledger per probe session, so the results file and its ledger describe the same runs; the
  // previous session's ledger is kept beside it under its own time, never overwritten.
  await keepPreviousLedger(ledgerPath);
  const ledger = await openLedger(ledgerPath, { onExisting: 'rotate' });
  const recordedPath = join(probes.out, RECORDED_RESULTS_FILE);
  const recorded = await readRecordedResults(recordedPath);
  const receiver = await startOtlpReceiver(join(probes.out, 'traces'));
  try {
    const session = new ProbeSession(options, riskOf, ledger, receiver, recorded);
    options.onProgress?.({ phase: 'discover', message: 'listing the agent’s tools through the proxy' });
    const { listed, plan } = await session.planTools();
    for (const notice of toolPlanNotices(plan)) options.onNotice?.(notice);
    const tools = listed.map((tool) => tool.name);
    const tasks: BatteryTask[] = [];
    /** Tasks whose fault-free run did not end as the task expects, and why: their scenarios are not run. */
    const cutShort = new Map<string, string>();
    for (const task of probes.tasks) {
      if (task.uses) {
        session.usesByTask.set(task.id, task.uses);
        tasks.push({ id: task.id, task: task.task, uses: task.uses });
        continue;
      }
      options.onProgress?.({ phase: 'discover', message: `finding the tools task ${task.id} uses (one fault-free run)` });
      const discovery = await session.discoverUses(task.id, task.task);
      tasks.push({ id: task.id, task: task.task, uses: discovery.uses, calls: discovery.calls });
      session.usesByTask.set(task.id, discovery.uses);
      if (discovery.problem !== undefined) {
        const reason = `the fault-free run of task ${task.id} claimed ${discovery.claim}: ${discovery.problem}`;
        cutShort.set(task.id, reason);
        options.onProgress?.({
          phase: 'warning',
          message: `${reason}; the battery for task ${task.id} is planned from a cut-short run, so its scenarios are marked inconclusive instead of run`,
        });
      }
    }

    const scenarios: ProbeScenario[] = [];
    let skipped: SkippedFamily[] = [];
    /** Battery scenarios of tasks whose discovery run was cut short: inconclusive, with this reason, and not run. */
    const notRun = new Map<string, string>();
    if (probes.battery !== false) {
      const battery = generateBattery({
        tools: listed.map((tool) => ({ name: tool.name, ...optionalRisk(riskOf(tool.name)), ...(tool.inputSchema !== undefined && { inputSchema: tool.inputSchema }) })),
        tasks,
        trials: probes.trials,
        retryCap: probes.retryCap,
        ...(probes.approvalTool !== undefined && { approvalTool: probes.approvalTool }),
        ...(Array.isArray(probes.battery) && { families: probes.battery }),
      });
      scenarios.push(...battery.scenarios);
      skipped = battery.skipped;
      for (const scenario of battery.scenarios) {
        const reason = cutShort.get(taskIdOf(scenario));
        if (reason !== undefined) notRun.set(scenario.id, `${reason}, so the battery was planned from a cut-short run (fix the task or give its \`uses\` in mimir.yaml)`);
      }
    }
    scenarios.push(...userScenarios);
    rejectDuplicateIds(scenarios);

    const jobs = scenarios.flatMap((scenario) => Array.from({ length: scenario.trials }, (_, i) => ({ scenario, trial: i + 1 })));
    let done = 0;
    const trialResults = await runBounded(jobs, probes.concurrency, async (job) => {
      const reason = notRun.get(job.scenario.id);
      const result = reason === undefined ? await session.runTrial(job.scenario, job.trial) : notRunTrial(job.trial, reason);
      done += 1;
      options.onProgress?.({ phase: 'trial', done, total: jobs.length, scenarioId: job.scenario.id, verdict: result.verdict });
      return result;
    });

    const byScenario = new Map<string, TrialResult[]>();
    jobs.forEach((job, index) => {
      const result = trialResults[index];
      if (result === undefined) return;
      const list = byScenario.get(job.scenario.id) ?? [];
      list.push(result);
      byScenario.set(job.scenario.id, list);
    });
    await writeFile(recordedPath, `${JSON.stringify(recorded, null, 2)}\n`).catch(() => undefined);
    const summaries: ProbeScenarioResult[] = scenarios.map((scenario) => summarizeScenario(scenario, byScenario.get(scenario.id) ?? []));
    const results: ProbeResultsFile = {
      schemaVersion: 1,
      generatedAt: now().toISOString(),
      configHash: await probeInputsHash(options.configDigest, probes),
      seed: probes.seed,
      evidence: { scenarios: summaries, toolsListed: tools, ledgerPath },
      skipped,
      // The tools as the proxy listed them: the contracts the agent's traced calls are checked against.
      ...(receiver.received() > 0 && { tracesDir: receiver.dir, traceLives: sortedLives(session.traceLives), toolDefinitions: listed }),
      ledger: { entries: ledger.entries, lastHash: ledger.lastHash },
    };
    const resultsPath = join(probes.out, PROBE_RESULTS_FILE);
    const text = probeResultsText(results, resultsPath);
    await writeFile(resultsPath, text);
    return { results, resultsPath, resultsSha256: sha256(text), ledgerPath };
  } finally {
    await receiver.close();
    await ledger.close();
  }
}

/** In the order the trials were planned, whatever order concurrent trials finished in. */
function sortedLives(lives: readonly ProbeTraceLife[]): ProbeTraceLife[] {
  const order = (life: ProbeTraceLife): string => `${life.runId}\u0000${life.life === 'follow-up' ? 1 : 0}`;
  return [...lives].filter((life) => life.files.length > 0).sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

async function keepPreviousLedger(path: string): Promise<void> {
  try {
    const { mtime } = await stat(path);
    await rename(path, path.replace(/\.jsonl$/, `-${mtime.toISOString().replace(/[:.]/g, '-')}.jsonl`));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function notRunTrial(trial: number, reason: string): TrialResult {
  return { runId: '', trial, verdict: 'inconclusive', faultFired: false, faultsApplied: [], behaviour: ['Not run.'], observations: [], claim: { status: 'unknown' }, exits: [], reason };
}

function optionalRisk(risk: RiskClass | undefined): { risk?: RiskClass } {
  return risk === undefined ? {} : { risk };
}

function rejectDuplicateIds(scenarios: readonly ProbeScenario[]): void {
  const seen = new Set<string>();
  for (const scenario of scenarios) {
    if (seen.has(scenario.id)) {
      throw new UserError('invalid-scenarios', `two scenarios have the id "${scenario.id}"`, {
        ...(scenario.source.file !== undefined && { location: { file: scenario.source.file, ...(scenario.source.line !== undefined && { line: scenario.source.line }) } }),
        hint: 'Scenario ids must be unique, including against the built-in battery (ids like persistent-failure--<task>--<tool>).',
      });
    }
    seen.add(scenario.id);
  }
}

async function readRecordedResults(path: string): Promise<RecordedResults> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return new RecordedResults(parsed as ConstructorParameters<typeof RecordedResults>[0]);
  } catch {
    // No recording yet (or an unreadable one): simulated answers fall back to the example or the generic answer.
  }
  return new RecordedResults();
}

/** What the user should know before the trials start about how the proxy treats their tools. */
export function toolPlanNotices(plan: readonly ToolPlan[]): string[] {
  const notices: string[] = [];
  const names = (tools: readonly ToolPlan[]): string => tools.map((t) => `${t.tool} (${t.server})`).join(', ');
  const undeclared = plan.filter((t) => t.riskFrom === 'undeclared');
  if (undeclared.length > 0) {
    notices.push(
      `not classified in mimir.yaml, so treated as high-risk (${undeclared.every((t) => t.handling === 'simulated') ? 'simulated, never forwarded' : 'simulated unless their server is a sandbox'}): ${names(undeclared)}. Declare them under \`tools:\` with their risk class.`,
    );
  }
  const annotated = plan.filter((t) => t.riskFrom === 'server-annotation');
  if (annotated.length > 0) notices.push(`not classified in mimir.yaml, forwarded as read-only because their server annotates them readOnlyHint: ${names(annotated)}.`);
  const generic = plan.filter((t) => t.simulatedFrom === 'generic');
  if (generic.length > 0) {
    notices.push(
      `simulated with mimir's generic answer ({"ok":true,"simulated":true,…}), which an agent that validates results may reject — no output schema, no \`exampleResult\` in mimir.yaml, no result recorded from a sandbox server: ${names(generic)}. Give each an \`exampleResult\` under \`tools:\`, or mark a staging server \`allowSideEffects: true\`.`,
    );
  }
  return notices;
}
