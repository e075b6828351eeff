import { performance } from 'node:perf_hooks';
import { ProtocolError } from '@modelcontextprotocol/client';
import type { CallToolResult, Tool } from '@modelcontextprotocol/server';
import { isHighRisk } from '../../model/system.js';
import type { RiskClass } from '../../model/system.js';
import { applyFault, DEFAULT_LATENCY_MS, faultNeedsResult } from '../faults/apply-fault.js';
import type { FaultPlan } from '../faults/fault-plan.js';
import type { ApprovalResponse, FaultDecision, LedgerDisposition, LedgerEntry, LedgerRecord, LedgerSink } from '../types.js';
import { approvalIdFor, approvalResult, approvalSubject, decisionFor } from './approval-tool.js';
import { idempotencyKeyOf } from '../../analysis/side-effects.js';
import { simulatedResult, simulationIdFor, type RecordedResults, type SimulatedAnswer } from './simulation.js';
import type { UpstreamPool } from './upstreams.js';

/** The ledger labels of the run the proxy is serving. */
export interface RunLabels {
  readonly runId: string;
  readonly scenarioId: string;
  readonly trial: number;
}

/** What the agent gets for one call: a result, a JSON-RPC error, or nothing (it cancelled the call). */
export type CallAnswer =
  | { readonly kind: 'result'; readonly result: CallToolResult }
  | { readonly kind: 'protocol-error'; readonly code: number; readonly message: string }
  | { readonly kind: 'no-answer' };

export interface CallPipelineOptions {
  readonly pool: UpstreamPool;
  readonly plan: FaultPlan;
  readonly riskOf: (tool: string) => RiskClass | undefined;
  /** Forward high-risk calls for real; an upstream's own `allowSideEffects` (a sandbox) overrides it. */
  readonly allowSideEffects: boolean;
  /** The user's example result of a tool (mimir.yaml `tools[].exampleResult`), to shape simulated answers. */
  readonly exampleOf?: (tool: string) => unknown;
  /** Real results recorded from sandbox servers, shared by the proxies of a probe session. */
  readonly recorded?: RecordedResults;
  /** Argument names that carry an idempotency key besides the common ones (mimir.yaml `probes.idempotencyKeys`). */
  readonly idempotencyKeys?: readonly string[];
  readonly ledger: LedgerSink;
  readonly run: RunLabels;
  readonly approvals: ApprovalResponse;
  /** The approval tool's name: mimir's `request_approval`, or the agent's own. */
  readonly approvalTool: string;
  /** The agent's own approval tool as its upstream lists it, when that is the channel. */
  readonly ownApprovalTool?: Tool;
  readonly approvalTimeoutMs: number;
  readonly injectionPayload: string;
  readonly upstreamTimeoutMs: number;
  /** Aborted when the proxy closes: every waiting call ends. */
  readonly closing: AbortSignal;
  readonly onCall?: (entry: LedgerEntry) => void;
  readonly onError: (error: Error) => void;
}

/** JSON-RPC code the SDK uses for a connection that closed under a pending request. */
const CONNECTION_CLOSED_CODE = -32000;
const INTERNAL_ERROR_CODE = -32603;
const INVALID_PARAMS_CODE = -32602;

interface RunState {
  readonly perTool: Map<string, number>;
  /** Simulated effects by tool and idempotency key: a repeat with the same key is a replay, as a real server would treat it. */
  readonly simulatedByKey: Map<string, SimulatedAnswer>;
  /** Forwarded side-effecting calls that went through, by tool and idempotency key: a repeat is a replay too (the upstream decides what it does). */
  readonly forwardedKeys: Set<string>;
  recorded: number;
}

/**
 * One tool call from the agent, start to finish: count it, answer approvals, decide the fault,
 * simulate or forward, alter the answer, write the ledger — and only then answer. Independent of
 * HTTP and sessions, so the whole policy reads top to bottom in {@link CallPipeline.handle}.
 */
export class CallPipeline {
  private run: RunLabels;
  private readonly runs = new Map<string, RunState>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: CallPipelineOptions) {
    this.run = options.run;
  }

  setRun(run: RunLabels): void {
    this.run = run;
  }

  /** Calls of the current run written to the ledger so far (both lives of a killed-and-resumed run). */
  callCount(): number {
    return this.runs.get(this.run.runId)?.recorded ?? 0;
  }

  /** Resolves once every call in progress has been answered and recorded. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * `agentSignals`: what ends the agent's wait (it cancelled the call, it hung up). Several signals
   * are listened to one by one rather than merged with AbortSignal.any, which costs more than the
   * rest of this method on every call.
   */
  handle(tool: string, args: Record<string, unknown> | undefined, agentSignals: AbortSignal | readonly AbortSignal[]): Promise<CallAnswer> {
    // One signal for "stop waiting": the agent cancelled (or its session closed), or the proxy is closing.
    const signals: readonly AbortSignal[] = Array.isArray(agentSignals) ? agentSignals : [agentSignals as AbortSignal];
    const stop = new AbortController();
    const abort = (): void => {
      stop.abort();
    };
    for (const signal of signals) signal.addEventListener('abort', abort, { once: true });
    this.options.closing.addEventListener('abort', abort, { once: true });
    if (signals.some((signal) => signal.aborted) || this.options.closing.aborted) stop.abort();
    const done = this.handleCall(tool, args, stop.signal);
    this.inFlight.add(done);
    const cleanUp = (): void => {
      this.inFlight.delete(done);
      for (const signal of signals) signal.removeEventListener('abort', abort);
      this.options.closing.removeEventListener('abort', abort);
    };
    // The caller gets `done` itself (and its rejection, should the policy code ever throw).
    done.then(cleanUp, cleanUp);
    return done;
  }

  private async handleCall(tool: string, args: Record<string, unknown> | undefined, signal: AbortSignal): Promise<CallAnswer> {
    const { options } = this;
    const started = performance.now();
    const startedAt = new Date();
    const run = this.run;
    const state = this.stateOf(run.runId);
    const callIndex = (state.perTool.get(tool) ?? 0) + 1;
    state.perTool.set(tool, callIndex);
    const risk = options.riskOf(tool);
    const base: LedgerRecord = {
      runId: run.runId,
      scenarioId: run.scenarioId,
      trial: run.trial,
      event: 'call',
      tool,
      arguments: args ?? {},
      callIndex,
      ...(risk && { risk }),
      startedAt: startedAt.toISOString(),
    };

    let disposition: LedgerDisposition | undefined;
    let decision: FaultDecision | undefined;
    let faultApplied = false;
    let answer: CallAnswer;
    let approval: LedgerRecord['approval'];
    const detail: Record<string, unknown> = {};

    if (tool === options.approvalTool) {
      // mimir's approval channel: answered per the scenario, never faulted, never forwarded.
      disposition = 'approval';
      const subject = approvalSubject(args);
      const approvalId = approvalIdFor(run.runId, callIndex);
      const decided = decisionFor(options.approvals);
      if (decided === 'timeout') {
        const waited = await sleep(options.approvalTimeoutMs, signal);
        answer = waited ? { kind: 'result', result: approvalResult('timeout', approvalId, options.ownApprovalTool) } : this.interrupted();
        if (!waited) detail['outcome'] = this.interruption();
      } else {
        answer = { kind: 'result', result: approvalResult(decided, approvalId, options.ownApprovalTool) };
      }
      approval = { tool: subject.tool, arguments: subject.arguments, decision: decided, approvalId };
    } else if (!options.pool.ownerOf(tool)) {
      answer = { kind: 'protocol-error', code: INVALID_PARAMS_CODE, message: `Unknown tool: ${tool}` };
      detail['reason'] = 'unknown-tool';
    } else {
      decision = options.plan.decide(tool, callIndex);
      const kind = decision?.rule.kind;
      const handling = this.handlingOf(tool);
      if (handling.riskFrom !== 'mimir.yaml') detail['riskFrom'] = handling.riskFrom;
      const simulate = handling.highRisk && !handling.sideEffectsAllowed;
      const key = handling.readOnly ? undefined : idempotencyKeyOf(args, options.idempotencyKeys)?.value;
      const keyed = key === undefined ? undefined : `${tool}\u0000${key}`;
      if (decision && kind !== undefined && !faultNeedsResult(kind)) {
        // Answered by the fault alone: the upstream server never sees the call.
        disposition = 'faulted';
        faultApplied = true;
        if (kind === 'hang') {
          await waitForAbort(signal);
          answer = this.interrupted();
          detail['outcome'] = this.interruption();
        } else {
          const outcome = applyFault(decision.rule, { tool, outputSchema: options.pool.toolNamed(tool)?.outputSchema, injectionPayload: options.injectionPayload });
          answer = outcome.kind === 'result' ? { kind: 'result', result: outcome.result } : outcome;
        }
      } else {
        if (decision && kind === 'latency' && !(await sleep(decision.rule.latencyMs ?? DEFAULT_LATENCY_MS, signal))) {
          disposition = 'faulted';
          faultApplied = true;
          answer = this.interrupted();
          detail['outcome'] = this.interruption();
        } else {
          let real: CallAnswer;
          if (simulate) {
            disposition = 'simulated';
            const replayed = keyed === undefined ? undefined : state.simulatedByKey.get(keyed);
            if (replayed) {
              real = { kind: 'result', result: replayed.result };
              detail['replayOf'] = key;
              detail['simulatedFrom'] = replayed.source;
            } else {
              const example = options.exampleOf?.(tool);
              const recorded = options.recorded?.get(tool);
              const simulated = simulatedResult(options.pool.toolNamed(tool), tool, args, simulationIdFor(run.runId, tool, callIndex), startedAt, {
                ...(example !== undefined && { example }),
                ...(recorded !== undefined && { recorded }),
              });
              if (keyed !== undefined) state.simulatedByKey.set(keyed, simulated);
              detail['simulatedFrom'] = simulated.source;
              real = { kind: 'result', result: simulated.result };
            }
          } else {
            disposition = 'forwarded';
            // A repeat under a key that already went through is a replay: forwarded all the same, the upstream decides what it does.
            if (keyed !== undefined && state.forwardedKeys.has(keyed)) detail['replayOf'] = key;
            real = await this.forward(tool, args, signal);
            if (real.kind === 'protocol-error' && !signal.aborted) detail['upstreamError'] = real.message;
            if (signal.aborted) detail['outcome'] = this.interruption();
            if (real.kind === 'result' && real.result.isError !== true) {
              if (keyed !== undefined) state.forwardedKeys.add(keyed);
              // A real answer of a high-risk tool (a sandbox's) shapes later simulated answers of that tool.
              if (handling.highRisk && !decision && detail['replayOf'] === undefined) options.recorded?.remember(tool, real.result);
            }
          }
          if (decision && real.kind === 'result') {
            faultApplied = true;
            const outcome = applyFault(decision.rule, { tool, result: real.result, outputSchema: options.pool.toolNamed(tool)?.outputSchema, injectionPayload: options.injectionPayload });
            answer = outcome.kind === 'result' ? { kind: 'result', result: outcome.result } : outcome;
          } else {
            // A latency fault has happened even when the upstream then failed; content faults had nothing to alter.
            faultApplied = decision !== undefined && kind === 'latency';
            answer = real;
          }
        }
      }
    }

    const record: LedgerRecord = {
      ...base,
      ...(disposition && { disposition }),
      ...(decision && faultApplied && { fault: { kind: decision.rule.kind, rule: decision.ruleIndex } }),
      ...(answer.kind === 'result' && { result: answer.result, isError: answer.result.isError === true }),
      ...(answer.kind === 'protocol-error' && { protocolError: { code: answer.code, message: answer.message }, isError: true }),
      ...(approval && { approval }),
      ...(Object.keys(detail).length > 0 && { detail }),
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    };
    try {
      const entry = await options.ledger.append(record);
      state.recorded++;
      try {
        options.onCall?.(entry);
      } catch (error) {
        options.onError(asError(error));
      }
    } catch (error) {
      // A call that is not in the ledger must not look like one that went through.
      options.onError(new Error(`mimir could not record a call to ${tool} in the ledger: ${asError(error).message}`, { cause: error }));
      if (answer.kind !== 'no-answer') answer = { kind: 'protocol-error', code: INTERNAL_ERROR_CODE, message: 'Internal error: the call could not be recorded' };
    }
    return answer;
  }

  /** How the proxy treats a tool: its risk and where that came from, and whether its side effects may happen for real. */
  handlingOf(tool: string): ToolHandling {
    return toolHandling(tool, this.options);
  }

  private async forward(tool: string, args: Record<string, unknown> | undefined, signal: AbortSignal): Promise<CallAnswer> {
    try {
      const result = await this.options.pool.call(tool, args, { signal, timeoutMs: this.options.upstreamTimeoutMs });
      return { kind: 'result', result };
    } catch (error) {
      if (signal.aborted) return this.interrupted();
      if (error instanceof ProtocolError) return { kind: 'protocol-error', code: error.code, message: error.message };
      return { kind: 'protocol-error', code: INTERNAL_ERROR_CODE, message: `Internal error: ${asError(error).message}` };
    }
  }

  /** Why a waiting call ended: the proxy closed (the agent is told), or the agent cancelled (it is not). */
  private interruption(): 'closed' | 'cancelled' {
    return this.options.closing.aborted ? 'closed' : 'cancelled';
  }

  private interrupted(): CallAnswer {
    return this.options.closing.aborted ? { kind: 'protocol-error', code: CONNECTION_CLOSED_CODE, message: 'Connection closed' } : { kind: 'no-answer' };
  }

  private stateOf(runId: string): RunState {
    let state = this.runs.get(runId);
    if (!state) {
      state = { perTool: new Map(), simulatedByKey: new Map(), forwardedKeys: new Set(), recorded: 0 };
      this.runs.set(runId, state);
    }
    return state;
  }
}

/** How the proxy treats calls of one tool during probes. */
export interface ToolHandling {
  /** mimir.yaml classified it; else the server's `readOnlyHint: true` made it read-only; else it is undeclared and treated as high-risk. */
  readonly riskFrom: 'mimir.yaml' | 'server-annotation' | 'undeclared';
  readonly risk: RiskClass | undefined;
  readonly highRisk: boolean;
  readonly readOnly: boolean;
  /** Its upstream is a sandbox (`allowSideEffects` on the server), or side effects are allowed for all. */
  readonly sideEffectsAllowed: boolean;
}

/**
 * A tool mimir.yaml does not classify is high-risk during probes — simulated, never forwarded —
 * unless its server's annotations say `readOnlyHint: true`.
 */
export function toolHandling(tool: string, options: Pick<CallPipelineOptions, 'pool' | 'riskOf' | 'allowSideEffects'>): ToolHandling {
  const declared = options.riskOf(tool);
  const owner = options.pool.ownerOf(tool);
  const sideEffectsAllowed = owner?.spec.allowSideEffects ?? options.allowSideEffects;
  if (declared !== undefined) return { riskFrom: 'mimir.yaml', risk: declared, highRisk: isHighRisk(declared), readOnly: declared === 'read-only', sideEffectsAllowed };
  if (options.pool.toolNamed(tool)?.annotations?.readOnlyHint === true) return { riskFrom: 'server-annotation', risk: 'read-only', highRisk: false, readOnly: true, sideEffectsAllowed };
  return { riskFrom: 'undeclared', risk: undefined, highRisk: true, readOnly: false, sideEffectsAllowed };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts; leaves no timer behind either way. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A call that never answers: it waits for the agent to cancel or the proxy to close, holding no timer. */
export function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    signal.addEventListener('abort', () => {
      resolve();
    }, { once: true });
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
