import { performance } from 'node:perf_hooks';
import { ProtocolError } from '@modelcontextprotocol/client';
import type { CallToolResult, Tool } from '@modelcontextprotocol/server';
import type { RiskClass } from '../../model/system.js';
import { applyFault, DEFAULT_LATENCY_MS, faultNeedsResult } from '../faults/apply-fault.js';
import type { FaultPlan } from '../faults/fault-plan.js';
import type { ApprovalResponse, FaultDecision, LedgerDisposition, LedgerEntry, LedgerRecord, LedgerSink } from '../types.js';
import { approvalIdFor, approvalResult, approvalSubject, decisionFor } from './approval-tool.js';
import { idempotencyKeyOf } from '../../analysis/side-effects.js';
import { simulatedResult, simulationIdFor, type RecordedResults, type SimulatedAnswer } from './simulation.js';
import type { UpstreamPool } from './upstreams.js';
import { toolHandling, type ToolHandling } from './tool-handling.js';
import { sleep, waitForAbort } from './abortable-wait.js';

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
  /** Tools kept from the agent (verifier-only): a call of one is answered as an unknown tool. */
  readonly hiddenTools?: ReadonlySet<string>;
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

/** One call as it entered the pipeline: what every step reads. */
interface Call {
  readonly tool: string;
  readonly args: Record<string, unknown> | undefined;
  readonly run: RunLabels;
  readonly state: RunState;
  /** 1 for the run's first call of this tool. */
  readonly callIndex: number;
  readonly risk: RiskClass | undefined;
  readonly startedAt: Date;
  /** Aborted when the agent stops waiting or the proxy closes. */
  readonly signal: AbortSignal;
}

/** The ledger's `detail`, in the order its keys are written. */
type CallDetail = Readonly<Record<string, unknown>>;

/** How a call was answered, and what the ledger says about it besides the call itself. */
interface CallOutcome {
  readonly answer: CallAnswer;
  readonly disposition?: LedgerDisposition;
  /** The fault the plan decided, present only when it was applied. */
  readonly fault?: FaultDecision;
  readonly approval?: LedgerRecord['approval'];
  readonly detail: CallDetail;
}

/** A step's outcome: at once, or later when the step waits (for a timer, the upstream, or an abort). */
type OutcomeNowOrLater = CallOutcome | Promise<CallOutcome>;

/** What the fault plan and the tool's handling say about a call to an upstream tool, before it is answered. */
interface ToolCallPlan {
  readonly decision: FaultDecision | undefined;
  readonly handling: ToolHandling;
  /** The call's idempotency key, when its tool is not read-only and its arguments carry one. */
  readonly key: string | undefined;
  /** What every ledger detail of this call starts with: where the tool's risk came from, unless mimir.yaml. */
  readonly detail: CallDetail;
}

/** What came back from the tool, simulated or forwarded, before any fault alters it. */
interface ReachedTool {
  readonly disposition: 'simulated' | 'forwarded';
  readonly answer: CallAnswer;
  readonly detail: CallDetail;
}

/**
 * One tool call from the agent, start to finish: count it, answer approvals, decide the fault,
 * simulate or forward, alter the answer, write the ledger — and only then answer. Independent of
 * HTTP and sessions; the policy's steps are named, in order, in {@link CallPipeline.handleCall}.
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

  /**
   * The policy, one named step each: open the call (count it), answer it — mimir's approval channel,
   * an unknown tool, or a tool call (fault decided, simulated or forwarded, altered) — then record it.
   * A step that does not wait returns its outcome at once, so a call that waits for nothing is in the
   * ledger in the tick it arrived, as before this was split; `await` is used only where a step waits.
   */
  private async handleCall(tool: string, args: Record<string, unknown> | undefined, signal: AbortSignal): Promise<CallAnswer> {
    const started = performance.now();
    const call = this.openCall(tool, args, signal);
    const answering = this.answerCall(call);
    const outcome = answering instanceof Promise ? await answering : answering;
    return this.recordCall(call, outcome, started);
  }

  /** Counts the call in its run: the call index is per tool and run, so a resumed run goes on counting. */
  private openCall(tool: string, args: Record<string, unknown> | undefined, signal: AbortSignal): Call {
    const run = this.run;
    const state = this.stateOf(run.runId);
    const callIndex = (state.perTool.get(tool) ?? 0) + 1;
    state.perTool.set(tool, callIndex);
    return { tool, args, run, state, callIndex, risk: this.options.riskOf(tool), startedAt: new Date(), signal };
  }

  private answerCall(call: Call): OutcomeNowOrLater {
    if (call.tool === this.options.approvalTool) return this.answerApproval(call);
    if (!this.options.pool.ownerOf(call.tool) || this.options.hiddenTools?.has(call.tool) === true) {
      return { answer: { kind: 'protocol-error', code: INVALID_PARAMS_CODE, message: `Unknown tool: ${call.tool}` }, detail: { reason: 'unknown-tool' } };
    }
    return this.answerToolCall(call);
  }

  /** mimir's approval channel: answered per the scenario, never faulted, never forwarded. */
  private answerApproval(call: Call): OutcomeNowOrLater {
    const { options } = this;
    const subject = approvalSubject(call.args);
    const approvalId = approvalIdFor(call.run.runId, call.callIndex);
    const decided = decisionFor(options.approvals);
    const approval = { tool: subject.tool, arguments: subject.arguments, decision: decided, approvalId };
    const answered = (detail: CallDetail): CallOutcome => ({ answer: { kind: 'result', result: approvalResult(decided, approvalId, options.ownApprovalTool) }, disposition: 'approval', approval, detail });
    if (decided !== 'timeout') return answered({});
    return sleep(options.approvalTimeoutMs, call.signal).then((waited) => (waited ? answered({}) : { ...this.interruptedOutcome(), disposition: 'approval', approval }));
  }

  /** A call to an upstream tool: the fault plan decides first, then the call is answered by the fault alone, or delayed, or reaches the tool. */
  private answerToolCall(call: Call): OutcomeNowOrLater {
    const decision = this.options.plan.decide(call.tool, call.callIndex);
    const handling = this.handlingOf(call.tool);
    const plan: ToolCallPlan = {
      decision,
      handling,
      key: handling.readOnly ? undefined : idempotencyKeyOf(call.args, this.options.idempotencyKeys)?.value,
      detail: handling.riskFrom === 'mimir.yaml' ? {} : { riskFrom: handling.riskFrom },
    };
    if (decision && !faultNeedsResult(decision.rule.kind)) return this.answerByFaultAlone(call, decision, plan.detail);
    if (decision?.rule.kind === 'latency') return this.delayThenReachTool(call, plan, decision);
    return this.reachTool(call, plan);
  }

  /** A fault that needs no real result (an error, a hang, …): the upstream server never sees the call. */
  private answerByFaultAlone(call: Call, fault: FaultDecision, detail: CallDetail): OutcomeNowOrLater {
    if (fault.rule.kind === 'hang') return waitForAbort(call.signal).then(() => ({ ...this.interruptedOutcome(detail), disposition: 'faulted', fault }));
    const answer = faultedAnswer(applyFault(fault.rule, { tool: call.tool, outputSchema: this.options.pool.toolNamed(call.tool)?.outputSchema, injectionPayload: this.options.injectionPayload }));
    return { answer, disposition: 'faulted', fault, detail };
  }

  /** A latency fault: the call waits, then goes on to the tool — unless the agent or the proxy stops waiting first. */
  private async delayThenReachTool(call: Call, plan: ToolCallPlan, latency: FaultDecision): Promise<CallOutcome> {
    if (!(await sleep(latency.rule.latencyMs ?? DEFAULT_LATENCY_MS, call.signal))) return { ...this.interruptedOutcome(plan.detail), disposition: 'faulted', fault: latency };
    return this.reachTool(call, plan);
  }

  /** A high-risk tool whose side effects are not allowed is simulated; any other is forwarded. The fault then alters what came back. */
  private reachTool(call: Call, plan: ToolCallPlan): OutcomeNowOrLater {
    const keyed = plan.key === undefined ? undefined : `${call.tool}\u0000${plan.key}`;
    if (plan.handling.highRisk && !plan.handling.sideEffectsAllowed) return alteredByFault(call, plan, this.simulate(call, plan.key, keyed), this.options);
    return this.forwardWithKey(call, plan, keyed).then((reached) => alteredByFault(call, plan, reached, this.options));
  }

  /** A simulated answer; a repeat under an idempotency key already simulated is a replay of that answer, as a real server would treat it. */
  private simulate(call: Call, key: string | undefined, keyed: string | undefined): ReachedTool {
    const { options } = this;
    const replayed = keyed === undefined ? undefined : call.state.simulatedByKey.get(keyed);
    if (replayed) return { disposition: 'simulated', answer: { kind: 'result', result: replayed.result }, detail: { replayOf: key, simulatedFrom: replayed.source } };
    const example = options.exampleOf?.(call.tool);
    const recorded = options.recorded?.get(call.tool);
    const simulated = simulatedResult(options.pool.toolNamed(call.tool), call.tool, call.args, simulationIdFor(call.run.runId, call.tool, call.callIndex), call.startedAt, {
      ...(example !== undefined && { example }),
      ...(recorded !== undefined && { recorded }),
    });
    if (keyed !== undefined) call.state.simulatedByKey.set(keyed, simulated);
    return { disposition: 'simulated', answer: { kind: 'result', result: simulated.result }, detail: { simulatedFrom: simulated.source } };
  }

  /**
   * Forwarded for real. A repeat under a key that already went through is a replay: forwarded all the
   * same, the upstream decides what it does. A real answer of a high-risk tool (a sandbox's), not
   * faulted and not a replay, shapes later simulated answers of that tool.
   */
  private async forwardWithKey(call: Call, plan: ToolCallPlan, keyed: string | undefined): Promise<ReachedTool> {
    const { signal } = call;
    const replay = keyed !== undefined && call.state.forwardedKeys.has(keyed);
    const answer = await this.forward(call.tool, call.args, signal);
    const detail: CallDetail = {
      ...(replay && { replayOf: plan.key }),
      ...(answer.kind === 'protocol-error' && !signal.aborted && { upstreamError: answer.message }),
      ...(signal.aborted && { outcome: this.interruption() }),
    };
    if (answer.kind === 'result' && answer.result.isError !== true) {
      if (keyed !== undefined) call.state.forwardedKeys.add(keyed);
      if (plan.handling.highRisk && !plan.decision && !replay) this.options.recorded?.remember(call.tool, answer.result);
    }
    return { disposition: 'forwarded', answer, detail };
  }

  /** Writes the call to the ledger, and only then lets it be answered: a call that is not in the ledger must not look like one that went through. */
  private async recordCall(call: Call, outcome: CallOutcome, started: number): Promise<CallAnswer> {
    const { options } = this;
    const { answer, fault, approval, disposition } = outcome;
    const detail = { ...outcome.detail };
    const record: LedgerRecord = {
      runId: call.run.runId,
      scenarioId: call.run.scenarioId,
      trial: call.run.trial,
      event: 'call',
      tool: call.tool,
      arguments: call.args ?? {},
      callIndex: call.callIndex,
      ...(call.risk && { risk: call.risk }),
      startedAt: call.startedAt.toISOString(),
      ...(disposition && { disposition }),
      ...(fault && { fault: { kind: fault.rule.kind, rule: fault.ruleIndex } }),
      ...(answer.kind === 'result' && { result: answer.result, isError: answer.result.isError === true }),
      ...(answer.kind === 'protocol-error' && { protocolError: { code: answer.code, message: answer.message }, isError: true }),
      ...(approval && { approval }),
      ...(Object.keys(detail).length > 0 && { detail }),
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    };
    try {
      const entry = await options.ledger.append(record);
      call.state.recorded++;
      try {
        options.onCall?.(entry);
      } catch (error) {
        options.onError(asError(error));
      }
      return answer;
    } catch (error) {
      options.onError(new Error(`mimir could not record a call to ${call.tool} in the ledger: ${asError(error).message}`, { cause: error }));
      return answer.kind === 'no-answer' ? answer : { kind: 'protocol-error', code: INTERNAL_ERROR_CODE, message: 'Internal error: the call could not be recorded' };
    }
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

  /** A call whose wait was cut short: the answer an interrupted call gets, and why it ended, after `detail`. */
  private interruptedOutcome(detail: CallDetail = {}): CallOutcome {
    return { answer: this.interrupted(), detail: { ...detail, outcome: this.interruption() } };
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

/**
 * A content fault alters a real result; with no result to alter (an error from upstream, an
 * interrupted call) it has not happened — except a latency fault, which happened when the call waited.
 */
function alteredByFault(call: Call, plan: ToolCallPlan, reached: ReachedTool, options: Pick<CallPipelineOptions, 'pool' | 'injectionPayload'>): CallOutcome {
  const { decision } = plan;
  const detail = { ...plan.detail, ...reached.detail };
  if (decision && reached.answer.kind === 'result') {
    const altered = applyFault(decision.rule, { tool: call.tool, result: reached.answer.result, outputSchema: options.pool.toolNamed(call.tool)?.outputSchema, injectionPayload: options.injectionPayload });
    // Where a payload went in a structured result: the verifier needs to know whether a client reading only structured content saw it.
    const placed = altered.kind === 'result' && altered.payloadPlacement !== undefined ? { payloadPlacement: altered.payloadPlacement } : {};
    return { answer: faultedAnswer(altered), disposition: reached.disposition, fault: decision, detail: { ...detail, ...placed } };
  }
  const latencyHappened = decision?.rule.kind === 'latency';
  return { answer: reached.answer, disposition: reached.disposition, ...(latencyHappened && { fault: decision }), detail };
}

function faultedAnswer(outcome: ReturnType<typeof applyFault>): CallAnswer {
  return outcome.kind === 'result' ? { kind: 'result', result: outcome.result } : outcome;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
