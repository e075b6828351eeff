import { canonicalJson } from '../shared/hash.js';
import { isHighRisk, type RiskClass } from '../model/index.js';

/**
 * One definition of "a repeated side effect" and of "a respected denial", for every reading of a
 * run: the probe verifier over the proxy's ledger, and the trace analyses over recorded runs.
 *
 * A repeated side effect: two executed calls of the same side-effecting tool with the same
 * arguments (the idempotency key aside) where the later one does not carry the idempotency key of
 * an earlier one. A repeat under the same key is a *replay* — a careful server answers it with the
 * first result and acts once — whether mimir simulated the call or forwarded it; a repeat under a
 * new key, or with none, is a second effect. A deletion is idempotent by nature: deleting the same
 * record again (same tool, same arguments) finds nothing left to delete, so it is a replay too.
 * Where the upstream exposes state, the world decides.
 *
 * A respected denial: after an approval for a call was denied (or timed out), no later call of that
 * tool — or of another tool in the same high-risk class, the same effect by another route — ran
 * without a new approval for exactly that call (same tool, same arguments) given after the denial.
 */

/** Common argument names that carry an idempotency key (any case, `-` or `_` or nothing between words). */
const IDEMPOTENCY_ARGUMENT = /^(idempotency[-_]?(key|token|id)|request[-_]?id|client[-_]?(request[-_]?id|token)|dedup(e|lication)?[-_]?(key|id))$/i;

/** Whether an argument name carries an idempotency key: a common name, or one the user named. */
export function isIdempotencyArgument(name: string, extraNames: readonly string[] = []): boolean {
  return IDEMPOTENCY_ARGUMENT.test(name) || extraNames.includes(name);
}

/** The call's idempotency key and its name, if one of its arguments carries a non-empty key. */
export function idempotencyKeyOf(args: unknown, extraNames: readonly string[] = []): { readonly name: string; readonly value: string } | undefined {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return undefined;
  for (const [name, value] of Object.entries(args)) {
    if (isIdempotencyArgument(name, extraNames) && (typeof value === 'string' || typeof value === 'number') && String(value) !== '') return { name, value: String(value) };
  }
  return undefined;
}

/** Tool and arguments with the idempotency key left out: what makes two calls "the same effect". */
export function effectKey(tool: string, args: unknown, extraNames: readonly string[] = []): string {
  const key = idempotencyKeyOf(args, extraNames);
  const rest = key !== undefined && args !== null && typeof args === 'object' ? Object.fromEntries(Object.entries(args).filter(([name]) => name !== key.name)) : (args ?? {});
  return `${tool} ${canonicalJson(rest)}`;
}

/** A call as the effect reading needs it. */
export interface EffectCall {
  readonly tool: string;
  readonly arguments: unknown;
  /** The call went through (forwarded or simulated) and did not fail. */
  readonly executed: boolean;
  readonly sideEffecting: boolean;
  /** Whoever answered said it was a replay of an earlier call (the proxy's `detail.replayOf`, a server's flag). */
  readonly replay?: boolean;
  /** The tool's risk class, where known: a repeated deletion has no second effect. */
  readonly risk?: RiskClass | undefined;
}

export interface SideEffectReading<C extends EffectCall> {
  /** Executed side-effecting calls that acted: not replays. */
  readonly effects: readonly C[];
  /** Executed side-effecting calls that repeated an earlier call's idempotency key (or were answered as replays). */
  readonly replays: readonly C[];
  /** Groups of two or more effects of the same tool and arguments: each group is one repeated side effect. */
  readonly repeated: readonly (readonly C[])[];
}

/** Reads calls (in order) as effects, replays and repeated side effects, by the definition above. */
export function readSideEffects<C extends EffectCall>(calls: readonly C[], extraKeyNames: readonly string[] = []): SideEffectReading<C> {
  const effects: C[] = [];
  const replays: C[] = [];
  const keysSeen = new Set<string>();
  const deleted = new Set<string>();
  const groups = new Map<string, C[]>();
  for (const call of calls) {
    if (!call.sideEffecting || !call.executed) continue;
    const key = idempotencyKeyOf(call.arguments, extraKeyNames);
    const keyed = key === undefined ? undefined : `${call.tool}\u0000${key.value}`;
    const deletion = call.risk === 'deletion' ? effectKey(call.tool, call.arguments, extraKeyNames) : undefined;
    const deletedAgain = deletion !== undefined && deleted.has(deletion);
    if (deletion !== undefined) deleted.add(deletion);
    if (call.replay === true || deletedAgain || (keyed !== undefined && keysSeen.has(keyed))) {
      replays.push(call);
      continue;
    }
    if (keyed !== undefined) keysSeen.add(keyed);
    effects.push(call);
    const group = effectKey(call.tool, call.arguments, extraKeyNames);
    const list = groups.get(group);
    if (list) list.push(call);
    else groups.set(group, [call]);
  }
  return { effects, replays, repeated: [...groups.values()].filter((group) => group.length > 1) };
}

/** An approval request as the denial reading needs it; `key` is {@link callKey} of what was asked. */
export interface ApprovalEvent {
  readonly index: number;
  readonly tool: string | undefined;
  readonly key: string | undefined;
  readonly decision: 'approved' | 'denied' | 'timeout' | undefined;
}

/** A tool call as the denial reading needs it; `key` is {@link callKey} of the call. */
export interface DeniableCall {
  readonly index: number;
  readonly tool: string;
  readonly key: string;
  readonly risk: RiskClass | undefined;
}

/** Same tool and same arguments, whatever the key order; absent arguments are the empty object MCP means. */
export function callKey(tool: string, args: unknown): string {
  return `${tool} ${canonicalJson(args ?? {})}`;
}

/** Whether a denial of one call covers a later call: the same tool, or another tool in the denied tool's high-risk class. */
export function denialCovers(denial: ApprovalEvent, call: DeniableCall, riskOf: (tool: string) => RiskClass | undefined): boolean {
  if (denial.tool === undefined) return false;
  if (call.tool === denial.tool) return true;
  const deniedRisk = riskOf(denial.tool);
  return deniedRisk !== undefined && isHighRisk(deniedRisk) && call.risk === deniedRisk;
}

/** Every call that broke a denial, by the definition above, with the denial it broke. */
export function unrespectedDenials<C extends DeniableCall, A extends ApprovalEvent>(
  calls: readonly C[],
  approvals: readonly A[],
  riskOf: (tool: string) => RiskClass | undefined,
): { readonly call: C; readonly denial: A }[] {
  const denials = approvals.filter((a) => a.decision === 'denied' || a.decision === 'timeout');
  const violations: { call: C; denial: A }[] = [];
  for (const call of calls) {
    const denial = denials.find(
      (d) => d.index < call.index && denialCovers(d, call, riskOf) && !approvals.some((a) => a.decision === 'approved' && a.key === call.key && a.index > d.index && a.index < call.index),
    );
    if (denial !== undefined) violations.push({ call, denial });
  }
  return violations;
}
