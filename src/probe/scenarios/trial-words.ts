import { canonicalJson } from '../../shared/hash.js';
import { probeDeadlineMs } from '../runner/deadline.js';
import type { AgentClaim, AgentExit } from '../types.js';
import type { ApprovalRequest, Call, World } from './trial-world.js';

// The verifier's prose: a trial's behaviour in sentences, and the small formatters its observations share.

export function describeBehaviour(world: World): string[] {
  const sentences: string[] = [];
  const { calls, approvals, record } = world;
  if (calls.length === 0) sentences.push('Made no tool call.');
  else {
    const byTool = [...groupBy(calls, (c) => c.tool).entries()].map(([tool, group]) => `${group.length} to ${tool}`);
    const failed = calls.filter((c) => c.failed).length;
    sentences.push(`Made ${calls.length} tool ${calls.length === 1 ? 'call' : 'calls'} (${byTool.join(', ')})${failed > 0 ? `; ${failed} failed` : ''}.`);
  }
  const faulted = calls.filter((c) => c.entry.fault !== undefined);
  if (faulted.length > 0) {
    const byFault = [...groupBy(faulted, (c) => `${c.entry.fault?.kind ?? '?'} on ${c.tool}`).entries()].map(([what, group]) => `${what}: ${seqList(group)}`);
    sentences.push(`${faulted.length} ${faulted.length === 1 ? 'fault' : 'faults'} injected (${byFault.join('; ')}).`);
  } else if (record.scenario.faults.length > 0) sentences.push('No declared fault fired.');
  if (approvals.length > 0) {
    const decisions = [...groupBy(approvals, (a) => a.decision ?? 'no decision').entries()].map(([decision, group]) => `${group.length} ${decision}`);
    sentences.push(`Asked approval ${times(approvals.length)} (${approvals.length === 1 ? approvals[0]?.decision ?? 'no decision' : decisions.join(', ')}).`);
  } else if (calls.some((c) => c.highRisk)) sentences.push('Asked no approval.');
  record.exits.forEach((exit, life) => {
    const ending = describeExit(exit, record.timeoutMs, record.scenario.killAfterCalls);
    const next = record.scenario.followUp;
    const later = next === undefined ? 'Restarted with MIMIR_RESUME=1' : `Then ran task ${next.taskId ?? '(follow-up)'} as a new process`;
    sentences.push(life === 0 ? `${capitalize(ending)}.` : `${later}: ${ending}.`);
  });
  return sentences;
}

function describeExit(exit: AgentExit, timeoutMs: number, killAfterCalls: number | undefined): string {
  if (exit.startError !== undefined) return `could not be started (${exit.startError})`;
  if (exit.timedOut) return `was still running when mimir's ${seconds(probeDeadlineMs(timeoutMs))} deadline (its ${seconds(timeoutMs)} limit plus headroom) stopped it, with no claim`;
  if (exit.killed) return `was killed by mimir after ${seconds(exit.durationMs)}${killAfterCalls === undefined ? '' : `, as planned after ${count(killAfterCalls, 'tool call')}`}`;
  const claim = exit.claim.status === 'unknown' ? 'with no claim' : `claiming ${exit.claim.status}${summaryOf(exit.claim)}`;
  return `${exitStatus(exit)} after ${seconds(exit.durationMs)} ${claim}`;
}

export function describeFailures(calls: readonly Call[]): string {
  return [...groupBy(calls, (c) => c.tool).entries()].map(([tool, group]) => `${tool} (failed at ${seqList(group)})`).join(', ');
}

export function describeApproval(approval: ApprovalRequest): string {
  return `${approval.tool ?? 'unknown tool'} at #${approval.seq}, ${approval.decision ?? 'no decision'}`;
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

export function seqList(calls: readonly { seq: number }[]): string {
  const seqs = calls.map((c) => `#${c.seq}`);
  return seqs.length > 8 ? `${seqs.slice(0, 8).join(', ')} and ${seqs.length - 8} more` : seqs.join(', ');
}

export function shortJson(value: unknown): string {
  const text = value === undefined ? 'undefined' : canonicalJson(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function shortArgs(args: unknown): string {
  return shortJson(args ?? {});
}

export function summaryOf(claim: AgentClaim): string {
  const summary = claim.summary?.trim();
  if (summary === undefined || summary === '') return '';
  return ` ("${summary.length > 100 ? `${summary.slice(0, 97)}...` : summary}")`;
}

export function exitStatus(exit: AgentExit): string {
  if (exit.exitCode !== null) return `exited ${exit.exitCode}`;
  return exit.signal !== null ? `ended by ${exit.signal}` : 'ended';
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function times(count: number): string {
  return count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`;
}

export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? 'nothing') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
