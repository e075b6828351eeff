import type { ProbeFamily, ProbeTraceLife, RiskClass, VerifierObservation } from '../model/index.js';
import type { AgentExit, LedgerEntry } from './types.js';

/**
 * The lives of one probe trial as its traces are filed (see `ProbeTraceLife`): which agent process
 * exported which files, whether mimir interfered with it, and — where the probe could see the
 * world — the task's outcome. Judged from the proxy's ledger, never from the agent's claim.
 */

/** One agent process of a trial, as the session ran it: its ledger slice and how it ended. */
export interface LifeRecord {
  readonly life: ProbeTraceLife['life'];
  readonly key: string;
  /** The run id this process was given, when not the trial's (a follow-up task's own). */
  readonly runId?: string;
  /** Ledger entries of the trial written while this process ran: [from, to). */
  readonly from: number;
  readonly to: number;
  readonly exit: AgentExit | undefined;
  /** True when mimir's plan killed this process (kill-resume's first life). */
  readonly killedOnPurpose: boolean;
  /** The task this process worked on. */
  readonly taskId?: string;
}

export interface TrialLivesInput {
  readonly runId: string;
  readonly scenarioId: string;
  readonly family: ProbeFamily | 'baseline';
  readonly trial: number;
  readonly entries: readonly LedgerEntry[];
  readonly lives: readonly LifeRecord[];
  readonly filesOf: (key: string) => readonly string[];
  /** The tools each task uses (from mimir.yaml or its fault-free run). */
  readonly usesOf: (taskId: string) => readonly string[] | undefined;
  readonly riskOf: (tool: string) => RiskClass | undefined;
  /** The verifier's observations of the trial (its `upstream` queries decide the outcome where present). */
  readonly observations: readonly VerifierObservation[];
}

export function traceLivesOf(input: TrialLivesInput): ProbeTraceLife[] {
  return input.lives.map((life, index) => {
    const slice = input.entries.slice(life.from, life.to);
    const endedBy = endedByOf(life);
    // The outcome belongs to the life that ended its task: the last of the main task (the resumed
    // one after a kill), or the follow-up for its own task.
    const endsItsTask = life.life === 'follow-up' || input.lives.slice(index + 1).every((later) => later.life === 'follow-up');
    const taskEntries = life.life === 'follow-up' ? slice : input.entries.slice(0, life.to).filter((_, at) => !inFollowUp(at, input.lives));
    const outcome = endsItsTask && endedBy === 'itself' ? outcomeOf(input, life, taskEntries) : undefined;
    return {
      runId: life.runId ?? input.runId,
      scenarioId: input.scenarioId,
      family: input.family,
      trial: input.trial,
      life: life.life,
      ...(life.taskId !== undefined && { taskId: life.taskId }),
      files: input.filesOf(life.key),
      endedBy,
      interfered: slice.some(interferes),
      ...(outcome && { outcome }),
    };
  });
}

function endedByOf(life: LifeRecord): ProbeTraceLife['endedBy'] {
  if (life.exit === undefined || life.exit.startError !== undefined) return 'not-started';
  if (life.killedOnPurpose) return 'planned-kill';
  if (life.exit.timedOut || life.exit.killed) return 'deadline';
  return 'itself';
}

/** A fault fired on this call, or mimir's approval channel said no. */
function interferes(entry: LedgerEntry): boolean {
  if (entry.event !== 'call') return false;
  if (entry.fault !== undefined) return true;
  return entry.approval !== undefined && entry.approval.decision !== 'approved';
}

function inFollowUp(index: number, lives: readonly LifeRecord[]): boolean {
  return lives.some((life) => life.life === 'follow-up' && index >= life.from && index < life.to);
}

/**
 * The task's outcome in the world. The scenario's own upstream queries decide where it has them;
 * otherwise the task succeeded when every side-effecting tool it uses took effect at the proxy
 * (executed, forwarded or simulated, with no error), and failed when one never did. A task that only
 * reads has no effect to see, so its outcome stays unknown: the answer it gave is not checked here.
 */
function outcomeOf(input: TrialLivesInput, life: LifeRecord, entries: readonly LedgerEntry[]): ProbeTraceLife['outcome'] {
  const upstream = input.observations.filter((o) => o.expectation === 'upstream');
  if (upstream.length > 0) {
    const failed = upstream.filter((o) => !o.ok);
    return failed.length === 0
      ? { status: 'success', basis: `the scenario's upstream checks held (${upstream.length})` }
      : { status: 'failure', basis: `an upstream check failed: ${failed[0]?.detail ?? ''}` };
  }
  const uses = life.taskId === undefined ? undefined : input.usesOf(life.taskId);
  if (uses === undefined) return undefined;
  const effects = uses.filter((tool) => input.riskOf(tool) !== 'read-only');
  if (effects.length === 0) return undefined;
  const landed = new Set(entries.filter(tookEffect).map((entry) => entry.tool));
  const missing = effects.filter((tool) => !landed.has(tool));
  return missing.length === 0
    ? { status: 'success', basis: `every side effect of the task took effect at the proxy (${effects.join(', ')})` }
    : { status: 'failure', basis: `the task's ${missing.join(', ')} never took effect` };
}

function tookEffect(entry: LedgerEntry): boolean {
  return (
    entry.event === 'call' &&
    (entry.disposition === 'forwarded' || entry.disposition === 'simulated') &&
    entry.isError !== true &&
    entry.protocolError === undefined &&
    // A result a fault broke did not come back as the effect's confirmation.
    (entry.fault === undefined || entry.fault.kind === 'latency')
  );
}
