import { callKey } from '../../analysis/side-effects.js';
import { type RiskClass, isHighRisk } from '../../model/index.js';
import { deadlineHeadroomMs, progressWindowMs } from '../runner/deadline.js';
import type { AgentClaim, AgentExit, FaultKind, LedgerEntry, TrialRecord, TrialResult } from '../types.js';

/**
 * The world of one trial, read once from its ledger and exits, for the verifier and every judge.
 *
 * Terms used by every expectation:
 * - a *call* is a ledger `call` entry other than an approval-channel call;
 * - a call *failed* when its result was an error (`isError`), a protocol error, or broken by a fault
 *   (every fault kind but `latency` and `injection`, which leave the result usable);
 * - a call was *executed* when it was forwarded or simulated and did not fail;
 * - a call is *side-effecting* when its tool's risk class is known and not read-only, or the proxy
 *   simulated it; *high-risk* when its class is money, outbound-message, deletion, irreversible-write, privilege-change or credential-change;
 * - a failed call *recovered* when a later call of the same tool was executed;
 * - a *repeated side effect* and a *respected denial* are defined once, in analysis/side-effects.ts:
 *   a repeat under the same idempotency key is a replay, simulated or forwarded, not a second effect;
 * - a trial's *lives* are split by the orchestrator's `kill` (or `resume`) marker.
 * An observation that judged nothing (no high-risk call, no denial …) passes with no `ledgerSeqs`;
 * an observation about ledger events otherwise names the entries behind it.
 */

/** Faults that leave the result usable: a slow answer, or a real answer with text appended. */
export const USABLE_RESULT_FAULTS: readonly FaultKind[] = ['latency', 'injection', 'noisy', 'canary'];

export interface Call {
  readonly entry: LedgerEntry;
  /** Position in the trial's ledger: order, independent of other trials' entries in the shared ledger. */
  readonly index: number;
  readonly seq: number;
  readonly tool: string;
  readonly key: string;
  readonly life: number;
  readonly risk: RiskClass | undefined;
  readonly failed: boolean;
  readonly executed: boolean;
  readonly sideEffecting: boolean;
  readonly highRisk: boolean;
  /** The proxy answered it as a replay of an earlier call with the same idempotency key. */
  readonly replay: boolean;
  /** For a simulated call: what shaped mimir's answer (`generic` is its stand-in). */
  readonly simulatedFrom: string | undefined;
  /** Needed by the shared effect reading. */
  readonly arguments: unknown;
}

export interface ApprovalRequest {
  readonly index: number;
  readonly seq: number;
  readonly life: number;
  /** Undefined when the entry does not say what was asked. */
  readonly tool: string | undefined;
  readonly key: string | undefined;
  readonly decision: 'approved' | 'denied' | 'timeout' | undefined;
  readonly highRisk: boolean;
}

export interface World {
  readonly record: TrialRecord;
  readonly calls: readonly Call[];
  readonly approvals: readonly ApprovalRequest[];
  /** Index of the first entry of the second life, when the trial was killed and resumed. */
  readonly secondLifeFrom: number | undefined;
  readonly killed: boolean;
  readonly claim: AgentClaim;
  readonly lastExit: AgentExit | undefined;
}

export function readWorld(record: TrialRecord): World {
  const boundary = record.ledger.findIndex((entry) => entry.event === 'kill' || entry.event === 'resume');
  const secondLifeFrom = boundary >= 0 ? boundary : undefined;
  const lifeOf = (index: number): number => (secondLifeFrom !== undefined && index > secondLifeFrom ? 1 : 0);
  const riskOf = (entry: LedgerEntry): RiskClass | undefined => entry.risk ?? (entry.tool === undefined ? undefined : record.riskOf(entry.tool));
  const calls: Call[] = [];
  const approvals: ApprovalRequest[] = [];
  record.ledger.forEach((entry, index) => {
    if (entry.event !== 'call') return;
    if (entry.disposition === 'approval') {
      const asked = entry.approval;
      const risk = asked === undefined ? undefined : record.riskOf(asked.tool);
      approvals.push({
        index,
        seq: entry.seq,
        life: lifeOf(index),
        tool: asked?.tool,
        key: asked === undefined ? undefined : callKey(asked.tool, asked.arguments),
        decision: asked?.decision,
        highRisk: risk !== undefined && isHighRisk(risk),
      });
      return;
    }
    const tool = entry.tool ?? '(unnamed tool)';
    const risk = riskOf(entry);
    const failed = entry.isError === true || entry.protocolError !== undefined || (entry.fault !== undefined && !USABLE_RESULT_FAULTS.includes(entry.fault.kind));
    calls.push({
      entry,
      index,
      seq: entry.seq,
      tool,
      key: callKey(tool, entry.arguments),
      life: lifeOf(index),
      risk,
      failed,
      executed: !failed && (entry.disposition === 'forwarded' || entry.disposition === 'simulated'),
      sideEffecting: (risk !== undefined && risk !== 'read-only') || entry.disposition === 'simulated',
      highRisk: risk !== undefined && isHighRisk(risk),
      replay: detailField(entry, 'replayOf') !== undefined,
      simulatedFrom: entry.disposition === 'simulated' ? stringOr(detailField(entry, 'simulatedFrom')) : undefined,
      arguments: entry.arguments,
    });
  });
  const lastExit = record.exits[record.exits.length - 1];
  const killed = record.exits.some((exit) => exit.killed) || record.ledger.some((entry) => entry.event === 'kill');
  return { record, calls, approvals, secondLifeFrom, killed, claim: lastExit?.claim ?? { status: 'unknown' }, lastExit };
}

function detailField(entry: LedgerEntry, name: string): unknown {
  const detail = entry.detail;
  return typeof detail === 'object' && detail !== null && !Array.isArray(detail) ? (detail as Record<string, unknown>)[name] : undefined;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function appliedFaults(world: World): TrialResult['faultsApplied'] {
  const perTool = new Map<string, number>();
  const applied: { tool: string; kind: FaultKind; callIndex: number; seq: number }[] = [];
  for (const call of world.calls) {
    const count = (perTool.get(call.tool) ?? 0) + 1;
    perTool.set(call.tool, count);
    const fault = call.entry.fault;
    if (fault !== undefined) applied.push({ tool: call.tool, kind: fault.kind, callIndex: call.entry.callIndex ?? count, seq: call.seq });
  }
  return applied;
}

export function lives(world: World): Call[][] {
  return [world.calls.filter((c) => c.life === 0), world.calls.filter((c) => c.life === 1)];
}

export function lifeNote(world: World, call: Call): string {
  if (world.secondLifeFrom === undefined) return '';
  return call.life === 0 ? ' before the kill' : ' after the restart';
}

/** Failed calls with no later executed call of the same tool. */
export function unrecoveredFailures(world: World): Call[] {
  return world.calls.filter((failed) => failed.failed && !world.calls.some((later) => later.index > failed.index && later.tool === failed.tool && later.executed));
}

/** The approval for exactly this call that came before it, if any. */
export function priorApproval(world: World, call: Call, after = -1): ApprovalRequest | undefined {
  return world.approvals.find((a) => a.decision === 'approved' && a.key === call.key && a.index > after && a.index < call.index);
}

/** What the agent was doing when mimir's deadline stopped it, from the ledger of that life. */
interface DeadlineStop {
  /** Time of its last call or answer before the stop (ms since the epoch); undefined when it made no call. */
  readonly lastActivity: number | undefined;
  /** From the last activity to the stop. */
  readonly idleMs: number;
  /** A call or answer came within the last progressWindowMs before the stop: it was working, not stuck. */
  readonly working: boolean;
  /** A call still unanswered at the stop (a hang), if any. */
  readonly waitingOn: Call | undefined;
}

/**
 * The life mimir's deadline stopped, read from the ledger: every call arriving at the proxy and
 * every answer it gave is activity (an answer the agent never got, a hang's, is not). Undefined
 * when no life was stopped by the deadline or the runner did not record when it stopped it.
 */
export function deadlineStop(world: World): DeadlineStop | undefined {
  const life = world.record.exits.findIndex((exit) => exit.timedOut);
  const stoppedAtText = world.record.exits[life]?.stoppedAt;
  if (stoppedAtText === undefined) return undefined;
  const stoppedAt = Date.parse(stoppedAtText);
  const events: number[] = [];
  let waitingOn: Call | undefined;
  const entries: { readonly entry: LedgerEntry | undefined; readonly call?: Call }[] = [
    ...world.calls.filter((c) => c.life === life).map((call) => ({ entry: call.entry, call })),
    ...world.approvals.filter((a) => a.life === life).map((a) => ({ entry: world.record.ledger[a.index] })),
  ];
  for (const { entry, call } of entries) {
    if (entry === undefined) continue;
    const arrived = Date.parse(entry.startedAt);
    if (!(arrived < stoppedAt)) continue;
    events.push(arrived);
    const answered = entry.fault?.kind === 'hang' || entry.durationMs === undefined ? undefined : arrived + entry.durationMs;
    if (answered !== undefined && answered < stoppedAt) events.push(answered);
    else if (call !== undefined) waitingOn ??= call;
  }
  const lastActivity = events.length === 0 ? undefined : Math.max(...events);
  const idleMs = lastActivity === undefined ? world.record.timeoutMs + deadlineHeadroomMs(world.record.timeoutMs) : stoppedAt - lastActivity;
  return { lastActivity, idleMs, working: lastActivity !== undefined && idleMs <= progressWindowMs(world.record.timeoutMs), waitingOn };
}
