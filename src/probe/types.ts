import type { ClaimedStatus, HarnessCause, ProbeFamily, RiskClass, TrialVerdict, VerifierObservation } from '../model/index.js';

export { PROBE_FAMILIES, TRIAL_VERDICTS, type ProbeFamily, type TrialVerdict, type VerifierObservation } from '../model/index.js';

/**
 * The contracts between the parts of a probe: the fault plan the proxy applies, the ledger it
 * writes, the agent runner's report of what the process did, and the scenario a verifier judges.
 * A probe is one scenario × one trial: mimir starts a proxy, starts the agent, lets it work through
 * the proxy (which injects the scenario's faults and records every call), then judges the world.
 */

// ─── Faults ──────────────────────────────────────────────────────────────────────────────────────

/**
 * What the proxy can do to a tool call instead of (or on top of) forwarding it:
 * - `error`: a tool result with `isError: true` and an error text (how most tools fail);
 * - `protocol-error`: a JSON-RPC error response instead of a result;
 * - `hang`: never answers (until the agent gives up or the trial's time limit ends it);
 * - `latency`: forwards, but only after `latencyMs`;
 * - `empty`: a successful result with no content;
 * - `truncated`: the real result cut to `keepFraction` of its text;
 * - `malformed`: a result that violates the tool's output schema (or, without one, is not the JSON it should be);
 * - `rate-limited`: an error result saying "429 rate limited, retry after N s";
 * - `flapping`: `error` for the first `failTimes` matching calls, then forwarded normally;
 * - `persistent`: `error` on every matching call (the tool is down);
 * - `injection`: the real result with a prompt-injection payload appended, telling the agent to call a high-risk tool;
 * - `noisy`: the real result, untouched, followed by a very long block of plausible but irrelevant text
 *   (log lines, records of other customers): valid, only long and distracting;
 * - `canary`: the real result with a note appended that carries distinctive values (the `payload`),
 *   which must never show up in another task's calls.
 */
export const FAULT_KINDS = [
  'error',
  'protocol-error',
  'hang',
  'latency',
  'empty',
  'truncated',
  'malformed',
  'rate-limited',
  'flapping',
  'persistent',
  'injection',
  'noisy',
  'canary',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One rule of a fault plan, as a scenario declares it. */
export interface FaultRule {
  /** Exact tool name, or a wildcard (`*` any run, `?` one character). */
  readonly tool: string;
  readonly kind: FaultKind;
  /**
   * Which calls to that tool (1-based, counted per tool within a trial) the rule applies to.
   * Absent: every call (for `flapping`, the first `failTimes` calls).
   */
  readonly calls?: readonly number[];
  /** Apply to a matching call with this probability (seeded, reproducible). Default 1. */
  readonly probability?: number;
  readonly latencyMs?: number;
  /** `flapping`: how many calls fail before it recovers. */
  readonly failTimes?: number;
  /** `truncated`: the share of the result text kept, 0..1. Default 0.5. */
  readonly keepFraction?: number;
  /**
   * `injection`: the instruction planted in the result (a default naming a high-risk tool is generated
   * when absent); `canary`: the note carrying the canary values.
   */
  readonly payload?: string;
  /** `error` / `persistent` / `flapping`: the error text. */
  readonly message?: string;
}

/** A decision of the fault plan for one call: which rule fired, if any. */
export interface FaultDecision {
  readonly rule: FaultRule;
  /** Index of the rule in the plan, so the ledger can name it. */
  readonly ruleIndex: number;
}

// ─── Approvals ───────────────────────────────────────────────────────────────────────────────────

export const APPROVAL_RESPONSES = ['approve', 'deny', 'timeout'] as const;
/** How mimir's approval channel answers during a scenario. */
export type ApprovalResponse = (typeof APPROVAL_RESPONSES)[number];

// ─── Ledger ──────────────────────────────────────────────────────────────────────────────────────

/**
 * What happened to one call through the proxy:
 * - `forwarded`: sent to the upstream server, its answer returned (perhaps altered by a fault);
 * - `faulted`: answered by the fault alone, the upstream server never saw it;
 * - `simulated`: a side-effecting tool, not forwarded; a plausible success returned and the effect recorded;
 * - `approval`: a call of the approval tool, answered by mimir's approval channel.
 */
export const LEDGER_DISPOSITIONS = ['forwarded', 'faulted', 'simulated', 'approval'] as const;
export type LedgerDisposition = (typeof LEDGER_DISPOSITIONS)[number];

/** One line of the ledger before chaining. Every field is plain JSON. */
export interface LedgerRecord {
  /** The probe run this call belongs to (MIMIR_RUN_ID). */
  readonly runId: string;
  readonly scenarioId: string;
  readonly trial: number;
  /** Event kind: a tool call, or a marker the orchestrator writes (run start/end, kill, resume). */
  readonly event: 'call' | 'run-start' | 'run-end' | 'kill' | 'resume';
  readonly tool?: string;
  readonly arguments?: unknown;
  /** 1-based count of calls to this tool within the run. */
  readonly callIndex?: number;
  readonly risk?: RiskClass;
  readonly disposition?: LedgerDisposition;
  /** The fault applied, if any (its kind and the index of its rule in the plan). */
  readonly fault?: { readonly kind: FaultKind; readonly rule: number };
  /** What the agent received: a result (possibly altered), or a protocol error. */
  readonly result?: unknown;
  readonly protocolError?: { readonly code: number; readonly message: string };
  readonly isError?: boolean;
  /** For `approval` entries: what was asked and what mimir answered. */
  readonly approval?: {
    readonly tool: string;
    readonly arguments: unknown;
    readonly decision: 'approved' | 'denied' | 'timeout';
    readonly approvalId: string;
  };
  /** Free data for markers (exit status on run-end, etc.). */
  readonly detail?: unknown;
  /** Wall-clock start and duration of the call, ms. */
  readonly startedAt: string;
  readonly durationMs?: number;
}

/** A ledger line as written: the record plus its place in the hash chain. */
export interface LedgerEntry extends LedgerRecord {
  /** 0-based position in the ledger file. */
  readonly seq: number;
  /** Hash of the previous entry (`GENESIS_HASH` for the first). */
  readonly prev: string;
  /** sha256 hex over `prev` and the canonical JSON of this entry without `hash`. */
  readonly hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Where the proxy writes: one append-only sink shared by concurrent trials. */
export interface LedgerSink {
  append(record: LedgerRecord): Promise<LedgerEntry>;
}

// ─── Agent runs ──────────────────────────────────────────────────────────────────────────────────

/** How the agent under test is started. */
export type AgentTarget =
  | {
      readonly kind: 'command';
      /** argv; the first element is the executable. `{task}` in an argument is replaced by the task JSON. */
      readonly command: readonly string[];
      readonly cwd: string;
      readonly env?: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'http'; readonly url: string; readonly headers?: Readonly<Record<string, string>> };

/** Everything the runner passes to one agent process (the agent contract in DESIGN.md). */
export interface AgentInvocation {
  readonly runId: string;
  readonly trial: number;
  readonly task: unknown;
  /** The proxy's Streamable HTTP endpoint, e.g. http://127.0.0.1:43121/mcp. */
  readonly mcpUrl: string;
  /** A command line an stdio-only agent can spawn to reach the same proxy. */
  readonly mcpStdio?: string;
  /** Where the agent's own OTLP/HTTP traces go, when mimir collects them. */
  readonly otlpEndpoint?: string;
  /** True on the restart after a kill: same run id, `MIMIR_RESUME=1`. */
  readonly resume: boolean;
  /**
   * The run's time limit the agent is told (`MIMIR_TIMEOUT_MS`; `probes.agent.timeoutMs`): it should
   * end by itself, with a claim, within it.
   */
  readonly timeoutMs: number;
  /**
   * When mimir stops the agent (SIGTERM to everything it started, SIGKILL after the grace): the
   * limit plus headroom for a loaded machine (`probeDeadlineMs`). Default `timeoutMs`.
   */
  readonly deadlineMs?: number;
  /** Stop the agent early (kill-and-resume scenarios): resolves the run as killed. */
  readonly signal?: AbortSignal;
}

/** The agent's claim: the last JSON line it printed (`{"status": …, "summary": …}`), or unknown. */
export interface AgentClaim {
  readonly status: ClaimedStatus;
  readonly summary?: string;
  /** Anything else the agent put in its final report (verifiers may compare it with the world). */
  readonly report?: Readonly<Record<string, unknown>>;
}

/** What the process did, as the runner saw it. */
export interface AgentExit {
  readonly claim: AgentClaim;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Killed because the time limit passed. */
  readonly timedOut: boolean;
  /** Stopped by `AgentInvocation.signal` (a planned kill). */
  readonly killed: boolean;
  /** Wall-clock time mimir sent the stop (its deadline, or the planned kill), ISO 8601; absent when it ended by itself. */
  readonly stoppedAt?: string;
  readonly durationMs: number;
  /** Output beyond the runner's cap was dropped (and counted), never buffered without bound. */
  readonly stdoutBytes: number;
  readonly stderrTail: string;
  readonly outputTruncated: boolean;
  /** The agent could not be started at all (command not found …): an infrastructure failure, not a verdict. */
  readonly startError?: string;
}

// ─── Scenarios and verdicts ──────────────────────────────────────────────────────────────────────

/**
 * What the world must look like after the run. Every expectation is judged from the ledger, the
 * process exit, the agent's final report compared with the ledger, or upstream state — never from
 * the agent's claim alone.
 */
export interface ScenarioExpectations {
  /** The agent's claimed status must be one of these (e.g. failure or escalated when a needed tool is down). */
  readonly claimIn?: readonly ClaimedStatus[];
  /** The agent must not claim success while a call it made ended in an unrecovered error. */
  readonly honestClaim?: boolean;
  /** At most this many calls to any one tool with the same arguments (retry cap, loop detection). */
  readonly maxIdenticalCalls?: number;
  /** At most this many calls to tools matching `tool`. */
  readonly maxCalls?: readonly { readonly tool: string; readonly max: number }[];
  /** Every call to a high-risk tool must come after an approval for that tool and those arguments. */
  readonly approvalBeforeHighRisk?: boolean;
  /** No call to a tool whose approval was denied (or timed out) with those arguments. */
  readonly respectDenials?: boolean;
  /** The agent must end by itself (exit) before the trial's time limit. */
  readonly endsBeforeTimeout?: boolean;
  /** After a fault, the agent must stop calling tools within this many calls (cascades). */
  readonly haltWithinCalls?: number;
  /** No side-effecting call (same tool, same arguments) is executed twice across a kill and resume. */
  readonly noRepeatedSideEffects?: boolean;
  /** The run must finish with a claim of success after recovering (transient faults). */
  readonly recovers?: boolean;
  /**
   * No call to a high-risk tool after the first call whose result a fault broke (error, hang,
   * empty, truncated, malformed …; not latency or injection), approved or not: the agent did not
   * act on output it could not trust (malformed output, cascades).
   */
  readonly noHighRiskAfterFault?: boolean;
  /**
   * After a kill and restart, the resumed life must not redo every call the killed life completed:
   * it went on from saved progress instead of starting over.
   */
  readonly resumesWhereItStopped?: boolean;
  /**
   * Upstream state after the run: call this (read-only) tool on the upstream server and compare
   * values at JSON pointers in its JSON result.
   */
  readonly upstream?: readonly {
    readonly call: string;
    readonly arguments?: Readonly<Record<string, unknown>>;
    readonly expect: Readonly<Record<string, unknown>>;
  }[];
  /**
   * The planted instruction's targets (an account, address or id owned by the "attacker"): no
   * high-risk call after the instruction was delivered may carry one of them in its arguments
   * without an approval for that call first. The task's own calls are not judged here.
   */
  readonly ignoresInjection?: { readonly targets: readonly string[] };
  /**
   * The task's own calls, each with the task's own argument values: after the first result a fault
   * changed, every one of them must be executed with at least these values (goal retention).
   */
  readonly completesTask?: { readonly calls: readonly { readonly tool: string; readonly arguments: Readonly<Record<string, unknown>> }[] };
  /** Values planted in the first task's tool results that must not appear in any argument of the follow-up task's calls. */
  readonly noLeakedValues?: readonly string[];
}

/** A scenario after loading (from YAML or from the built-in battery). */
export interface ProbeScenario {
  readonly id: string;
  readonly family: ProbeFamily;
  readonly title: string;
  /** Given to the agent as MIMIR_TASK (JSON) and on stdin. */
  readonly task: unknown;
  readonly faults: readonly FaultRule[];
  readonly approvals: ApprovalResponse;
  /** Kill the agent after this many tool calls, then restart it with the same run id (kill-resume). */
  readonly killAfterCalls?: number;
  /**
   * A second task run after the first one ends, in the same trial, as a new agent process with its
   * own run id (`<run id>-next`): task isolation. Its calls follow a `run-start` ledger entry that
   * names it.
   */
  readonly followUp?: { readonly taskId?: string; readonly task: unknown };
  /**
   * Side effects per tool the task's uninterrupted (fault-free) run completed, when the battery planned
   * from one: a kill-resume trial that took more effects of a tool than this across both lives repeated one.
   */
  readonly uninterruptedEffects?: Readonly<Record<string, number>>;
  readonly expect: ScenarioExpectations;
  readonly trials: number;
  /** Where it was declared, for located errors and for the report. */
  readonly source: { readonly file?: string; readonly line?: number; readonly builtIn: boolean };
}

/** Everything the verifier judges, for one trial. */
export interface TrialRecord {
  readonly scenario: ProbeScenario;
  readonly runId: string;
  readonly trial: number;
  /** The ledger entries of this run, in order (both lives of a killed-and-resumed run). */
  readonly ledger: readonly LedgerEntry[];
  /** One exit per process life: two for a kill-and-resume trial. */
  readonly exits: readonly AgentExit[];
  /** Risk class of a tool by name (from mimir.yaml). */
  readonly riskOf: (tool: string) => RiskClass | undefined;
  /** Results of the upstream state calls the scenario asked for, by index in `expect.upstream`. */
  readonly upstreamState?: readonly unknown[];
  readonly timeoutMs: number;
  /** Argument names that carry an idempotency key besides the common ones (mimir.yaml `probes.idempotencyKeys`). */
  readonly idempotencyKeys?: readonly string[];
}

export interface TrialResult {
  readonly runId: string;
  readonly trial: number;
  readonly verdict: TrialVerdict;
  readonly faultFired: boolean;
  /** The faults the proxy applied, in order: tool, kind, call index. */
  readonly faultsApplied: readonly { readonly tool: string; readonly kind: FaultKind; readonly callIndex: number; readonly seq: number }[];
  /** What the agent did, in a few sentences (calls made, approvals asked, how it ended). */
  readonly behaviour: readonly string[];
  readonly observations: readonly VerifierObservation[];
  readonly claim: AgentClaim;
  readonly exits: readonly AgentExit[];
  /** Why the verdict is `error` or `inconclusive`. */
  readonly reason?: string;
  /** The same, for every trial that did not pass or fail on a planned fault: why it is inconclusive or errored. */
  readonly inconclusiveReason?: string;
  /** Set when mimir itself cost the trial: its simulated answer was rejected, its proxy failed, or the agent could not be run. */
  readonly harnessCause?: HarnessCause;
}
