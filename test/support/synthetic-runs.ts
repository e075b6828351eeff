/**
 * Ground truth for the trace analyses: a seeded generator of normalized Runs with planted properties,
 * returning the runs and the figures they were built to have.
 *
 * The truth is planted, not measured: every figure is set down by the code that builds the structure
 * (a cascade segment declares its streak and what follows it, a retry segment its retries), never
 * recovered by re-analysing the steps. Runs are assembled from fixed segments whose effects on each
 * other are ruled out by construction, so the planted figures hold exactly:
 *
 * - every segment starts after a successful tool call and ends with one (except a halted cascade,
 *   which ends the run), so failures of different segments never join into one streak;
 * - every call has arguments of its own (a fresh id), so calls repeat only where a segment repeats
 *   them on purpose (retries, loops, a resume redoing its work);
 * - every failure is followed by at least two tool calls, except where a cascade halts on purpose;
 * - a tool that fails is called successfully later in the run, except where a segment plants an
 *   unrecovered failure (cascades, exhausted retries, silent failures), and those runs claim
 *   `failure`, `escalated` or `unknown` unless the silent failure is the point.
 *
 * Noise: the first model call and the first `get_customer` call of each six-step work block fail with probability
 * `stepErrorRate`, independently. Everything else is fixed, so the measured per-step reliability has a
 * known expectation (`truth.reliability.expectedStepSuccessRate`) that its Wilson interval should hold.
 *
 * Pure and deterministic for a seed: the trace readers' tests serialize these runs to OTLP and check
 * the same truth end to end. Span ids are `<run>-a<attempt>-s<n>`. Run ids are unique except for
 * resumes: an interrupted attempt (no end time) and its resume share a run id (`resume<i>`), as a
 * restart with the same MIMIR_RUN_ID does, and the resume comes within ten runs after it. Every run
 * has `source: { file: 'synthetic.jsonl', line: <position> }`.
 */
import type { ApprovalStep, ClaimedStatus, LlmStep, MemoryAccess, OtherStep, Run, RunOutcome, StateWrite, Step, ToolDefinition, ToolStep } from '../../src/model/index.js';

// ——— Small builders, also used by the analyses' unit tests ———————————————————————————————

export function llmStep(id: string, fields: Partial<Omit<LlmStep, 'kind' | 'id'>> = {}): LlmStep {
  return { kind: 'llm', id, name: 'chat', status: 'ok', ...fields };
}

export function toolStep(id: string, toolName: string, args: unknown, fields: Partial<Omit<ToolStep, 'kind' | 'id' | 'toolName'>> = {}): ToolStep {
  return { kind: 'tool', id, name: `execute_tool ${toolName}`, toolName, status: 'ok', ...(args !== undefined && { arguments: args }), ...fields };
}

export function failedTool(id: string, toolName: string, args: unknown, errorType = 'tool_error', fields: Partial<Omit<ToolStep, 'kind' | 'id' | 'toolName'>> = {}): ToolStep {
  return toolStep(id, toolName, args, { status: 'error', error: { type: errorType }, ...fields });
}

export function approvalStep(id: string, toolCallId: string, fields: Partial<Omit<ApprovalStep, 'kind' | 'id'>> = {}): ApprovalStep {
  return { kind: 'approval', id, name: 'approval', status: 'ok', decision: 'approved', toolCallId, actor: 'ops@example.com', ...fields };
}

export function checkpointStep(id: string, name: string = id): OtherStep {
  return { kind: 'checkpoint', id, name, status: 'ok' };
}

/** A `memory` step; with `memory` it says what it did (`mimir.memory.*`), without it it does not. */
export function memoryStep(id: string, memory?: MemoryAccess, fields: Partial<Omit<OtherStep, 'kind' | 'id'>> = {}): OtherStep {
  return { kind: 'memory', id, name: 'memory', status: 'ok', ...(memory !== undefined && { memory }), ...fields };
}

/** A step that writes shared state (`mimir.state.*`). */
export function stateWriteStep(id: string, stateWrite: StateWrite, fields: Partial<Omit<OtherStep, 'kind' | 'id'>> = {}): OtherStep {
  return { kind: 'other', id, name: 'state.write', status: 'ok', stateWrite, ...fields };
}

export function makeRun(id: string, steps: readonly Step[], fields: Partial<Omit<Run, 'id' | 'steps'>> = {}): Run {
  return { id, steps, claimedStatus: 'unknown', outcome: { status: 'unknown', source: 'test' }, ...fields };
}

// ——— The generator —————————————————————————————————————————————————————————————————————

export interface SyntheticSpec {
  readonly seed: number;
  /** Gradable trials per task; its length is the number of tasks. Counts may differ between tasks. */
  readonly trialsPerTask: readonly number[];
  /** Exactly this many of each task's trials are graded success (score 1); the rest failure. */
  readonly successesPerTask: readonly number[];
  /** Chance that a noise step (two of the six steps of each work block) fails. */
  readonly stepErrorRate: number;
  /** Work blocks per run, inclusive range; each block is six steps (three model calls, three tool calls). */
  readonly blocksPerRun: readonly [number, number];
  /**
   * Runs that claim success although they failed: graded failures (failing trials that claim success),
   * runs with an unrecovered tool failure and no grade, and failing trials that have both.
   */
  readonly silentFailures: { readonly gradedFailure: number; readonly unrecoveredToolFailure: number; readonly both: number };
  /** Runs with a cascade of `length` (≥ 2) consecutive failing steps, by what they do after it. */
  readonly cascades: { readonly length: number; readonly halted: number; readonly escalated: number; readonly continued: number };
  /** High-risk calls (`issue_refund`, risk money): with an approval step naming their call id before them, and without. */
  readonly highRiskCalls: { readonly approved: number; readonly unapproved: number };
  /** Failing calls retried `retries` times, with growing or constant waits, ending in success or not; `count` of each. */
  readonly retrySequences: readonly { readonly retries: number; readonly backoff: boolean; readonly recovered: boolean; readonly count: number }[];
  /** Runs that make one call `calls` times (interleaved with other calls, all succeeding); `count` of each. */
  readonly loops: readonly { readonly calls: number; readonly count: number }[];
  /** Extra trials of the tasks that failed for infrastructure reasons (excluded from every rate). */
  readonly infrastructureFailures: number;
  /** Extra trials of the tasks that were damaged in reading but graded success (never a success). */
  readonly damagedSuccesses: number;
  /** Interrupted attempts and their resumes: clean, repeating one side effect, or starting over. */
  readonly resumes: { readonly clean: number; readonly repeatingSideEffect: number; readonly startingOver: number };
  /** Planted contract breaches. */
  readonly contracts: {
    readonly invalidArgumentsRan: number;
    readonly invalidArgumentsRejected: number;
    readonly malformedActedOn: number;
    readonly malformedRejected: number;
  };
  /** Tool calls that took `seconds` (succeeding), tool calls that failed with a timeout, and runs left waiting on a call that never ended. */
  readonly toolTiming: { readonly slowCalls: number; readonly slowSeconds: number; readonly timeouts: number; readonly hungRuns: number };
}

export const DEFAULT_SYNTHETIC_SPEC: SyntheticSpec = {
  seed: 20261124,
  trialsPerTask: [...Array.from({ length: 30 }, () => 4), ...Array.from({ length: 10 }, () => 5), 3, 6],
  successesPerTask: [
    ...Array.from({ length: 30 }, (_, i) => i % 5),
    ...Array.from({ length: 10 }, (_, i) => [5, 4, 3, 0, 2][i % 5] ?? 0),
    2,
    6,
  ],
  stepErrorRate: 0.08,
  blocksPerRun: [1, 4],
  silentFailures: { gradedFailure: 9, unrecoveredToolFailure: 4, both: 3 },
  cascades: { length: 4, halted: 5, escalated: 3, continued: 6 },
  highRiskCalls: { approved: 11, unapproved: 7 },
  retrySequences: [
    { retries: 1, backoff: false, recovered: true, count: 6 },
    { retries: 2, backoff: true, recovered: true, count: 4 },
    { retries: 3, backoff: true, recovered: false, count: 3 },
    { retries: 3, backoff: false, recovered: true, count: 2 },
    { retries: 6, backoff: false, recovered: false, count: 2 },
  ],
  loops: [
    { calls: 2, count: 3 },
    { calls: 5, count: 2 },
  ],
  infrastructureFailures: 5,
  damagedSuccesses: 2,
  resumes: { clean: 3, repeatingSideEffect: 2, startingOver: 1 },
  contracts: { invalidArgumentsRan: 4, invalidArgumentsRejected: 3, malformedActedOn: 3, malformedRejected: 2 },
  toolTiming: { slowCalls: 3, slowSeconds: 95, timeouts: 4, hungRuns: 2 },
};

export type Ending = 'halted' | 'escalated' | 'continued';
export interface Tally {
  runs: number;
  halted: number;
  escalated: number;
  continued: number;
}

/** Everything the runs were built to show. Lists are per run, in the order of `runs`. */
export interface SyntheticTruth {
  readonly runs: number;
  readonly reliability: {
    readonly steps: { readonly ok: number; readonly total: number };
    readonly toolSteps: { readonly ok: number; readonly total: number };
    readonly llmSteps: { readonly ok: number; readonly total: number };
    readonly byTool: Readonly<Record<string, { readonly ok: number; readonly total: number }>>;
    readonly excludedInfrastructureRuns: number;
    /** 1 − stepErrorRate: the success rate of a noise step. */
    readonly plantedNoiseStepSuccessRate: number;
    /** The expected share of successful llm and tool steps over the whole corpus: fixed steps at their fixed status, noise steps at 1 − stepErrorRate. */
    readonly expectedStepSuccessRate: number;
  };
  readonly outcomes: {
    readonly runs: number;
    readonly graded: number;
    readonly gradedSuccesses: number;
    readonly claimed: Readonly<Record<ClaimedStatus, number>>;
    readonly infrastructureFailures: number;
    readonly silent: { readonly count: number; readonly gradedFailures: number; readonly unrecoveredToolFailures: number };
    /** Denominators: runs that claimed success and whose real result is known; failed runs with a known claim. */
    readonly claimedSuccessJudged: number;
    readonly failedWithKnownClaim: number;
  };
  readonly passK: {
    readonly tasks: number;
    readonly trialsPerTask: { readonly min: number; readonly max: number };
    /** pass^k for k = 1 … min trials, computed exactly from the planted (n, c) with integer binomials. */
    readonly values: readonly number[];
    readonly excludedInfrastructure: number;
    readonly excludedUngraded: number;
    readonly gradedTrials: number;
  };
  readonly compounding: {
    /** llm and tool steps of each run not failed for infrastructure reasons. */
    readonly stepCounts: readonly number[];
    /** Graded runs by their step count: successes and trials. */
    readonly gradedByStepCount: Readonly<Record<number, { readonly successes: number; readonly trials: number }>>;
  };
  readonly retries: {
    readonly failingCalls: number;
    readonly histogram: Readonly<Record<number, number>>;
    readonly recovered: number;
    readonly retrySequences: number;
    readonly timedRetrySequences: number;
    readonly sequencesWithBackoff: number;
    readonly backoffByRetries: Readonly<Record<number, { readonly timed: number; readonly withBackoff: number }>>;
  };
  readonly loops: { readonly histogram: Readonly<Record<number, number>> };
  readonly cascades: { readonly byLongestStreak: Readonly<Record<number, Tally>>; readonly reachingStreak: Readonly<Record<number, Tally>> };
  readonly budgets: {
    readonly runs: number;
    readonly stepsPerRun: readonly number[];
    readonly tokensPerRun: readonly number[];
    /** Runs with both a start and an end. */
    readonly secondsPerRun: readonly number[];
    readonly toolCalls: { readonly timed: number; readonly maxSeconds: number; readonly timeouts: number; readonly unended: number; readonly hung: number };
  };
  readonly checkpoints: {
    readonly runs: number;
    readonly runsWithCheckpoints: number;
    readonly resumedRuns: number;
    readonly matchedResumes: number;
    readonly resumesAfterSideEffects: number;
    readonly repeatedSideEffects: number;
    readonly startedOver: number;
    readonly longestStretch: Readonly<Record<number, number>>;
  };
  readonly contracts: {
    readonly callsInRunsWithDefinitions: number;
    readonly callsWithSchema: number;
    readonly validatedCalls: number;
    readonly argumentViolations: number;
    readonly argumentViolationsRan: number;
    readonly structuredResults: number;
    readonly freeTextResults: number;
    readonly resultsWithSchema: number;
    readonly malformedResults: number;
    readonly malformedActedOn: number;
  };
  readonly oversight: { readonly highRiskCalls: number; readonly approvedBefore: number; readonly unapproved: number };
}

/** The tools of the synthetic agent, as its traces declare them. `update_ticket` declares no input schema. */
export const SYNTHETIC_TOOL_DEFINITIONS: readonly ToolDefinition[] = [
  { name: 'search_orders', inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } },
  { name: 'get_customer', inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
  {
    name: 'lookup_order',
    inputSchema: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'], additionalProperties: false },
    outputSchema: { type: 'object', properties: { order_id: { type: 'string' }, status: { type: 'string' } }, required: ['order_id', 'status'] },
  },
  { name: 'fetch_inventory', inputSchema: { type: 'object', properties: { item: { type: 'string' } }, required: ['item'] } },
  { name: 'check_stock', inputSchema: { type: 'object', properties: { item: { type: 'string' } }, required: ['item'] } },
  { name: 'issue_refund', inputSchema: { type: 'object', properties: { order: { type: 'string' }, amount: { type: 'number' } }, required: ['order', 'amount'] } },
  { name: 'update_ticket', description: 'Adds a note to the ticket.' },
];


/** mulberry32: small, fast, and the same sequence on every platform for a seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a === undefined || b === undefined) continue;
    out[i] = b;
    out[j] = a;
  }
  return out;
}

/** A streak of consecutive failing steps as a segment planted it. */
interface PlantedStreak {
  readonly length: number;
  /** Tool calls after the k-th failure (k = 1 … length); 'many' (two or more) where the segment guarantees it. */
  readonly toolCallsAfter: (k: number) => number | 'many';
}

/** A failing call as a segment planted it. */
interface PlantedFailingCall {
  readonly retries: number;
  readonly recovered: boolean;
  /** For two or more retries: whether the waits grew. */
  readonly backoff?: boolean;
}

interface Corpus {
  readonly spec: SyntheticSpec;
  random(): number;
  freshId(): string;
}

/**
 * One run under construction. Step counts, tokens, times and results are counted as steps are added
 * (they are what was added); streaks, failing calls, loops and unrecovered failures are declared by
 * the segments that plant them.
 */
class RunBuilder {
  readonly steps: Step[] = [];
  private cursor: number;
  private counter = 0;
  readonly streaks: PlantedStreak[] = [];
  readonly failingCalls: PlantedFailingCall[] = [];
  maxIdenticalCalls = 1;
  unrecoveredFailure = false;
  tokens = 0;
  workSteps = 0;
  private stretch = 0;
  longestStretch = 0;
  hasCheckpoint = false;
  readonly tools = new Map<string, { ok: number; total: number }>();
  llmOk = 0;
  llmTotal = 0;
  noiseSteps = 0;
  fixedOkSteps = 0;
  readonly toolSeconds: number[] = [];
  unendedToolCalls = 0;
  readonly results = { structured: 0, freeText: 0, withSchema: 0 };
  readonly calls = { total: 0, withSchema: 0 };

  constructor(
    private readonly corpus: Corpus,
    private readonly runId: string,
    private readonly attempt: number,
    startMs: number,
  ) {
    this.cursor = startMs;
  }

  private nextId(): string {
    return `${this.runId}-a${this.attempt}-s${++this.counter}`;
  }

  private times(ms: number): { startedAt: string; endedAt: string } {
    const startedAt = new Date(this.cursor).toISOString();
    this.cursor += ms;
    const endedAt = new Date(this.cursor).toISOString();
    this.cursor += 10;
    return { startedAt, endedAt };
  }

  wait(ms: number): void {
    this.cursor += ms;
  }

  private draw(status: 'ok' | 'error' | 'noise'): boolean {
    if (status === 'noise') {
      this.noiseSteps++;
      return this.corpus.random() >= this.corpus.spec.stepErrorRate;
    }
    if (status === 'ok') this.fixedOkSteps++;
    return status === 'ok';
  }

  private work(): void {
    this.workSteps++;
    this.stretch++;
    this.longestStretch = Math.max(this.longestStretch, this.stretch);
  }

  /** A model call; 'noise' fails with the spec's error rate. Returns whether it succeeded. */
  llm(status: 'ok' | 'error' | 'noise', ms?: number): boolean {
    const ok = this.draw(status);
    this.work();
    const inputTokens = 500 + Math.floor(this.corpus.random() * 2500);
    const outputTokens = 50 + Math.floor(this.corpus.random() * 350);
    this.tokens += inputTokens + outputTokens;
    this.llmTotal++;
    if (ok) this.llmOk++;
    const duration = ms ?? 200 + Math.floor(this.corpus.random() * 700);
    this.steps.push(
      llmStep(this.nextId(), { model: 'gpt-synthetic', inputTokens, outputTokens, ...this.times(duration), ...(!ok && { status: 'error', error: { type: 'rate_limit' } }) }),
    );
    return ok;
  }

  /** A tool call, with fresh arguments unless given; 'noise' fails with the spec's error rate. */
  tool(
    toolName: string,
    options: {
      readonly status: 'ok' | 'error' | 'noise';
      readonly args?: unknown;
      /** The result; by default a valid one for a success and none for a failure. */
      readonly result?: unknown;
      readonly noResult?: boolean;
      readonly ms?: number;
      readonly errorType?: string;
      readonly callId?: string;
      /** Started and never ended. */
      readonly unended?: boolean;
    },
    withDefinitions: boolean,
  ): boolean {
    const ok = this.draw(options.status);
    this.work();
    const args = options.args ?? freshArguments(toolName, this.corpus.freshId());
    const tally = this.tools.get(toolName) ?? { ok: 0, total: 0 };
    tally.total++;
    if (ok) tally.ok++;
    this.tools.set(toolName, tally);
    const duration = options.ms ?? 50 + Math.floor(this.corpus.random() * 750);
    const times = this.times(duration);
    if (options.unended === true) this.unendedToolCalls++;
    else this.toolSeconds.push(duration / 1000);
    const result = options.noResult === true ? undefined : (options.result ?? (ok ? defaultResult(toolName) : undefined));
    if (result !== undefined) {
      if (typeof result === 'string') this.results.freeText++;
      else this.results.structured++;
      if (withDefinitions && outputSchemaOf(toolName) !== undefined) this.results.withSchema++;
    }
    if (withDefinitions) {
      this.calls.total++;
      if (inputSchemaOf(toolName) !== undefined) this.calls.withSchema++;
    }
    this.steps.push(
      toolStep(this.nextId(), toolName, args, {
        ...(options.unended === true ? { startedAt: times.startedAt } : times),
        ...(RISK[toolName] !== undefined && { risk: RISK[toolName] }),
        ...(options.callId !== undefined && { callId: options.callId }),
        ...(result !== undefined && { result }),
        ...(!ok && { status: 'error' as const, error: { type: options.errorType ?? 'tool_error' } }),
      }),
    );
    return ok;
  }

  approval(toolCallId: string): void {
    this.steps.push(approvalStep(this.nextId(), toolCallId, this.times(5)));
  }

  checkpoint(name: string): void {
    this.hasCheckpoint = true;
    this.stretch = 0;
    this.steps.push({ ...checkpointStep(this.nextId(), name), ...this.times(2) });
  }

  /** A one-step failure that two or more tool calls follow (every segment guarantees that). */
  isolatedFailure(toolCall: boolean): void {
    this.streaks.push({ length: 1, toolCallsAfter: () => 'many' });
    if (toolCall) this.failingCalls.push({ retries: 0, recovered: false });
  }
}

const RISK: Readonly<Record<string, ToolStep['risk']>> = {
  search_orders: 'read-only',
  get_customer: 'read-only',
  lookup_order: 'read-only',
  fetch_inventory: 'read-only',
  check_stock: 'read-only',
  issue_refund: 'money',
  update_ticket: 'reversible-write',
};

function inputSchemaOf(toolName: string): unknown {
  return SYNTHETIC_TOOL_DEFINITIONS.find((d) => d.name === toolName)?.inputSchema;
}

function outputSchemaOf(toolName: string): unknown {
  return SYNTHETIC_TOOL_DEFINITIONS.find((d) => d.name === toolName)?.outputSchema;
}

function freshArguments(toolName: string, id: string): unknown {
  switch (toolName) {
    case 'search_orders':
      return { q: `q-${id}` };
    case 'get_customer':
      return { id: `c-${id}` };
    case 'lookup_order':
      return { order: `o-${id}` };
    case 'fetch_inventory':
    case 'check_stock':
      return { item: `i-${id}` };
    case 'issue_refund':
      return { order: `o-${id}`, amount: 25 };
    default:
      return { ticket: `t-${id}` };
  }
}

function defaultResult(toolName: string): unknown {
  switch (toolName) {
    case 'search_orders':
      return 'Found 2 orders for this customer.';
    case 'lookup_order':
      return { order_id: 'A1', status: 'shipped' };
    case 'get_customer':
      return { name: 'Ada', tier: 'gold' };
    default:
      return { ok: true };
  }
}

/** A run to build, with its run-level facts. */
interface RunPlan {
  readonly id: string;
  readonly attempt: number;
  readonly taskId?: string;
  readonly trial?: number;
  readonly claimed: ClaimedStatus;
  readonly outcome: RunOutcome;
  readonly infrastructure?: boolean;
  readonly damaged?: boolean;
  readonly resumedFrom?: string;
  /** Whether the run records its tool definitions. */
  readonly definitions: boolean;
  readonly blocks: number;
  /** A checkpoint after every work block. */
  readonly checkpointBlocks?: boolean;
  /** Segments after the work blocks, before the tail. */
  readonly segments: Segment[];
  /** No closing model call and ticket update: the run ends with its last segment (a halted cascade, a crash). */
  readonly noTail?: boolean;
  /** The run never ended (no end time). */
  readonly noEnd?: boolean;
}

type Segment = (b: RunBuilder, tool: ToolCall) => void;
type ToolCall = (toolName: string, options: Parameters<RunBuilder['tool']>[1]) => boolean;

const UNKNOWN_OUTCOME: RunOutcome = { status: 'unknown', source: 'synthetic' };

/** Generates the corpus: the runs in a seeded random order, and the truth they were built to show. */
export function generateSyntheticRuns(spec: SyntheticSpec = DEFAULT_SYNTHETIC_SPEC): { readonly runs: readonly Run[]; readonly truth: SyntheticTruth } {
  if (spec.trialsPerTask.length !== spec.successesPerTask.length) throw new Error('trialsPerTask and successesPerTask differ in length');
  if (spec.cascades.length < 2) throw new Error('a cascade is at least two failing steps');
  if (spec.retrySequences.some((r) => r.retries < 1)) throw new Error('a retry sequence has at least one retry');
  if (spec.loops.some((l) => l.calls < 2)) throw new Error('a loop makes its call at least twice');
  const random = mulberry32(spec.seed);
  const pick = (n: number): number => Math.floor(random() * n);
  let ids = 0;
  const corpus: Corpus = { spec, random, freshId: () => String(++ids) };
  const blockCount = (): number => spec.blocksPerRun[0] + pick(spec.blocksPerRun[1] - spec.blocksPerRun[0] + 1);
  const planted = { approved: 0, unapproved: 0, argumentViolations: 0, argumentViolationsRan: 0, malformed: 0, malformedActedOn: 0, repeated: 0, startedOver: 0, timeouts: 0 };

  // ——— Segments. Each starts after a successful tool call and ends with one (see the file comment).

  const workBlock: Segment = (b, tool) => {
    if (!b.llm('noise')) b.isolatedFailure(false);
    tool('search_orders', { status: 'ok' });
    b.llm('ok');
    if (!tool('get_customer', { status: 'noise' })) b.isolatedFailure(true);
    b.llm('ok');
    tool('get_customer', { status: 'ok' });
  };

  const unrecoveredFailure: Segment = (b, tool) => {
    b.llm('ok');
    tool('check_stock', { status: 'error' });
    b.isolatedFailure(true);
    b.unrecoveredFailure = true;
    b.llm('ok');
    tool('search_orders', { status: 'ok' });
  };

  const highRiskCall =
    (approved: boolean): Segment =>
    (b, tool) => {
      const callId = `call-${corpus.freshId()}`;
      if (approved) b.approval(callId);
      b.llm('ok');
      tool('issue_refund', { status: 'ok', callId });
      if (approved) planted.approved++;
      else planted.unapproved++;
    };

  const slowCall: Segment = (b, tool) => {
    b.llm('ok');
    tool('search_orders', { status: 'ok', ms: spec.toolTiming.slowSeconds * 1000 });
  };

  const timeout: Segment = (b, tool) => {
    b.llm('ok');
    tool('get_customer', { status: 'error', errorType: 'timeout', ms: 30_000 });
    b.isolatedFailure(true);
    planted.timeouts++;
    b.llm('ok');
    tool('get_customer', { status: 'ok' });
  };

  const invalidArguments =
    (ran: boolean): Segment =>
    (b, tool) => {
      b.llm('ok');
      planted.argumentViolations++;
      if (ran) {
        planted.argumentViolationsRan++;
        tool('lookup_order', { status: 'ok', args: { order: Number(corpus.freshId()) } });
        return;
      }
      // The runtime rejects the call; the model fixes the arguments.
      tool('lookup_order', { status: 'error', args: { orderId: `o-${corpus.freshId()}` }, errorType: 'validation_error' });
      b.isolatedFailure(true);
      b.llm('ok');
      tool('lookup_order', { status: 'ok' });
    };

  const malformedResult =
    (actedOn: boolean): Segment =>
    (b, tool) => {
      b.llm('ok');
      planted.malformed++;
      if (actedOn) {
        // A wrong-typed field, passed over: the next call goes on as if the result were good.
        planted.malformedActedOn++;
        tool('lookup_order', { status: 'ok', result: { order_id: 42, status: 'shipped' } });
        b.llm('ok');
        tool('lookup_order', { status: 'ok' });
        return;
      }
      // The runtime rejects a cut-short result and retries the same call, which succeeds.
      const args = freshArguments('lookup_order', corpus.freshId());
      tool('lookup_order', { status: 'error', args, result: '{"order_id": "A1", "sta', errorType: 'malformed_output' });
      b.llm('ok');
      tool('lookup_order', { status: 'ok', args });
      b.streaks.push({ length: 1, toolCallsAfter: () => 'many' });
      b.failingCalls.push({ retries: 1, recovered: true });
    };

  const cascadeOf =
    (length: number, halted: boolean): Segment =>
    (b, tool) => {
      // tool, model, tool, model …: every step fails; the failing model calls extend the streak.
      for (let i = 0; i < length; i++) {
        if (i % 2 === 0) {
          tool('fetch_inventory', { status: 'error', errorType: 'unavailable' });
          b.failingCalls.push({ retries: 0, recovered: false });
        } else b.llm('error');
      }
      b.unrecoveredFailure = true;
      // Tool calls left in the streak after its k-th failure (positions k … length−1 that are tool calls).
      const inStreakAfter = (k: number): number => Array.from({ length: length - k }, (_, j) => k + j).filter((i) => i % 2 === 0).length;
      b.streaks.push({ length, toolCallsAfter: (k) => (halted ? inStreakAfter(k) : 'many') });
      b.llm('ok');
      if (!halted) tool('search_orders', { status: 'ok' });
    };

  const retrySequence =
    (retries: number, backoff: boolean, recovered: boolean): Segment =>
    (b, tool) => {
      const args = freshArguments('lookup_order', corpus.freshId());
      b.llm('ok');
      for (let attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0) {
          // The gap between attempts is the wait plus one 300 ms model call: growing waits are backoff.
          b.wait(backoff ? 1000 * 2 ** attempt : 200);
          b.llm('ok', 300);
        }
        const ok = recovered && attempt === retries;
        tool('lookup_order', { status: ok ? 'ok' : 'error', args, ms: 100, errorType: 'unavailable' });
      }
      b.streaks.push({ length: recovered ? retries : retries + 1, toolCallsAfter: () => 'many' });
      b.failingCalls.push({ retries, recovered, ...(retries >= 2 && { backoff }) });
      if (!recovered) {
        b.unrecoveredFailure = true;
        b.llm('ok');
        tool('search_orders', { status: 'ok' });
      }
    };

  const loopOf =
    (calls: number): Segment =>
    (b, tool) => {
      // A ping-pong with nothing new: the same search and the same lookup, answered the same way.
      const args = freshArguments('search_orders', corpus.freshId());
      const lookup = freshArguments('get_customer', corpus.freshId());
      for (let i = 0; i < calls; i++) {
        b.llm('ok');
        tool('search_orders', { status: 'ok', args });
        b.llm('ok');
        tool('get_customer', { status: 'ok', args: lookup });
      }
      b.maxIdenticalCalls = Math.max(b.maxIdenticalCalls, calls);
    };

  const hung: Segment = (b, tool) => {
    b.llm('ok');
    tool('search_orders', { status: 'ok', unended: true, noResult: true });
  };

  // ——— Plans.

  const plans: RunPlan[] = [];
  // Task trials: exactly c graded successes among n, in random order.
  spec.trialsPerTask.forEach((n, task) => {
    const c = spec.successesPerTask[task] ?? 0;
    if (c > n) throw new Error(`task ${task}: ${c} successes of ${n} trials`);
    shuffle(
      Array.from({ length: n }, (_, i) => i < c),
      random,
    ).forEach((success, trial) => {
      plans.push({
        id: `task${task}-trial${trial}`,
        attempt: 1,
        taskId: `task-${task}`,
        trial,
        claimed: success ? 'success' : random() < 0.25 ? 'escalated' : 'failure',
        // A failing grade is sometimes partial credit: still not within 1e-6 of 1.
        outcome: { status: success ? 'success' : 'failure', score: success ? 1 : random() < 0.5 ? 0 : 0.5, source: 'synthetic grader' },
        definitions: true,
        blocks: blockCount(),
        checkpointBlocks: trial % 2 === 0,
        segments: [],
      });
    });
  });
  // Silent failures among the failing trials: they claim success; some also end with an unrecovered tool failure.
  const silentGraded = spec.silentFailures.gradedFailure + spec.silentFailures.both;
  const failingIndexes = shuffle(
    plans.flatMap((p, i) => (p.outcome.status === 'failure' ? [i] : [])),
    random,
  );
  if (failingIndexes.length < silentGraded) throw new Error('not enough failing trials for the silent failures asked for');
  failingIndexes.slice(0, silentGraded).forEach((index, i) => {
    const plan = plans[index];
    if (plan === undefined) return;
    plans[index] = { ...plan, claimed: 'success', segments: i >= spec.silentFailures.gradedFailure ? [unrecoveredFailure] : [] };
  });

  const host = (from: (plan: RunPlan) => boolean, segment: Segment): void => {
    const candidates = plans.filter(from);
    const plan = candidates[pick(candidates.length)];
    if (plan === undefined) throw new Error('no run to host a segment');
    plan.segments.push(segment);
  };
  const anyTrial = (p: RunPlan): boolean => p.taskId !== undefined;
  // Acted on needs a run that goes on and claims success: a successful trial.
  const successfulTrial = (p: RunPlan): boolean => p.taskId !== undefined && p.outcome.status === 'success';
  for (let i = 0; i < spec.highRiskCalls.approved; i++) host(anyTrial, highRiskCall(true));
  for (let i = 0; i < spec.highRiskCalls.unapproved; i++) host(anyTrial, highRiskCall(false));
  for (let i = 0; i < spec.toolTiming.slowCalls; i++) host(anyTrial, slowCall);
  for (let i = 0; i < spec.toolTiming.timeouts; i++) host(anyTrial, timeout);
  for (let i = 0; i < spec.contracts.invalidArgumentsRan; i++) host(anyTrial, invalidArguments(true));
  for (let i = 0; i < spec.contracts.invalidArgumentsRejected; i++) host(anyTrial, invalidArguments(false));
  for (let i = 0; i < spec.contracts.malformedActedOn; i++) host(successfulTrial, malformedResult(true));
  for (let i = 0; i < spec.contracts.malformedRejected; i++) host(anyTrial, malformedResult(false));

  // Runs of their own, with no task and no grade.
  let features = 0;
  const featureRun = (claimed: ClaimedStatus, segments: Segment[], extra: Partial<RunPlan> = {}): void => {
    plans.push({ id: `feature${features++}`, attempt: 1, claimed, outcome: UNKNOWN_OUTCOME, definitions: true, blocks: blockCount(), segments, ...extra });
  };
  for (let i = 0; i < spec.silentFailures.unrecoveredToolFailure; i++) featureRun('success', [unrecoveredFailure]);
  for (let i = 0; i < spec.cascades.halted; i++) featureRun('failure', [cascadeOf(spec.cascades.length, true)], { noTail: true });
  for (let i = 0; i < spec.cascades.escalated; i++) featureRun('escalated', [cascadeOf(spec.cascades.length, false)]);
  for (let i = 0; i < spec.cascades.continued; i++) featureRun('failure', [cascadeOf(spec.cascades.length, false)]);
  for (const r of spec.retrySequences) for (let i = 0; i < r.count; i++) featureRun('unknown', [retrySequence(r.retries, r.backoff, r.recovered)]);
  for (const l of spec.loops) for (let i = 0; i < l.count; i++) featureRun('failure', [loopOf(l.calls)]);
  for (let i = 0; i < spec.toolTiming.hungRuns; i++) featureRun('unknown', [hung], { noTail: true, noEnd: true });

  // Extra trials that never count: infrastructure failures (no definitions recorded) and damaged successes.
  for (let i = 0; i < spec.infrastructureFailures; i++) {
    plans.push({
      id: `infra${i}`,
      attempt: 1,
      taskId: `task-${pick(spec.trialsPerTask.length)}`,
      trial: 100 + i,
      claimed: 'unknown',
      outcome: { status: 'failure', score: 0, source: 'synthetic grader' },
      infrastructure: true,
      definitions: false,
      blocks: 0,
      noTail: true,
      segments: [
        (b, tool) => {
          b.llm('ok');
          tool('search_orders', { status: 'ok' });
        },
      ],
    });
  }
  for (let i = 0; i < spec.damagedSuccesses; i++) {
    plans.push({
      id: `damaged${i}`,
      attempt: 1,
      taskId: `task-${pick(spec.trialsPerTask.length)}`,
      trial: 200 + i,
      claimed: 'success',
      outcome: { status: 'success', score: 1, source: 'synthetic grader' },
      damaged: true,
      definitions: true,
      blocks: blockCount(),
      segments: [],
    });
  }

  // Resumes: the interrupted attempt updates a ticket, writes a checkpoint, updates a second ticket and
  // dies; the resume names the checkpoint and goes on, repeats the second update, or starts over.
  const resumeKinds = [
    ...Array.from({ length: spec.resumes.clean }, () => 'clean' as const),
    ...Array.from({ length: spec.resumes.repeatingSideEffect }, () => 'repeat' as const),
    ...Array.from({ length: spec.resumes.startingOver }, () => 'restart' as const),
  ];
  const resumePairs = resumeKinds.map((kind, i): readonly [RunPlan, RunPlan] => {
    const id = `resume${i}`;
    const first = { ticket: `t-r${i}-1` };
    const second = { ticket: `t-r${i}-2` };
    const interrupted: RunPlan = {
      id,
      attempt: 1,
      claimed: 'unknown',
      outcome: UNKNOWN_OUTCOME,
      definitions: true,
      blocks: 0,
      noTail: true,
      noEnd: true,
      segments: [
        (b, tool) => {
          b.llm('ok');
          tool('update_ticket', { status: 'ok', args: first });
          b.checkpoint(`cp-${id}`);
          b.llm('ok');
          tool('update_ticket', { status: 'ok', args: second });
        },
      ],
    };
    const resumed: RunPlan = {
      id,
      attempt: 2,
      claimed: 'success',
      outcome: UNKNOWN_OUTCOME,
      resumedFrom: `cp-${id}`,
      definitions: true,
      blocks: 0,
      segments: [
        (b, tool) => {
          if (kind === 'restart') {
            b.llm('ok');
            tool('update_ticket', { status: 'ok', args: first });
            planted.repeated++;
            planted.startedOver++;
          }
          if (kind !== 'clean') {
            b.llm('ok');
            tool('update_ticket', { status: 'ok', args: second });
            planted.repeated++;
          }
          b.llm('ok');
          tool('update_ticket', { status: 'ok' });
        },
      ],
    };
    return [interrupted, resumed];
  });

  // ——— Build, then shuffle. A resume follows its interrupted attempt within a few runs, as a restart
  // follows a crash in time (and as the checkpoint analysis, which remembers recent attempts only, needs).

  const allPlans = [...plans, ...resumePairs.flat()];
  const built = allPlans.map((plan, index) => {
    const builder = new RunBuilder(corpus, plan.id, plan.attempt, Date.UTC(2026, 0, 1) + index * 3_600_000);
    const tool: ToolCall = (name, options) => builder.tool(name, options, plan.definitions);
    for (let block = 0; block < plan.blocks; block++) {
      workBlock(builder, tool);
      if (plan.checkpointBlocks === true) builder.checkpoint(`cp-${plan.id}-${block}`);
    }
    for (const segment of plan.segments) segment(builder, tool);
    if (plan.noTail !== true) {
      builder.llm('ok');
      tool('update_ticket', { status: 'ok' });
      builder.llm('ok');
    }
    return { plan, builder };
  });
  const order = shuffle(
    plans.map((_, i) => i),
    random,
  );
  resumePairs.forEach((_, i) => {
    const interrupted = plans.length + 2 * i;
    const at = pick(order.length + 1);
    order.splice(at, 0, interrupted);
    order.splice(Math.min(order.length, at + 1 + pick(10)), 0, interrupted + 1);
  });
  const ordered = order.flatMap((i) => built[i] ?? []);
  const runs: Run[] = ordered.map(({ plan, builder }, index) => {
    const startedAt = builder.steps[0]?.startedAt;
    const endedAt = builder.steps.findLast((s) => s.endedAt !== undefined)?.endedAt;
    return {
      id: plan.id,
      steps: builder.steps,
      claimedStatus: plan.claimed,
      outcome: plan.outcome,
      ...(plan.taskId !== undefined && { taskId: plan.taskId }),
      ...(plan.trial !== undefined && { trial: plan.trial }),
      ...(startedAt !== undefined && { startedAt }),
      ...(plan.noEnd !== true && endedAt !== undefined && { endedAt }),
      ...(plan.resumedFrom !== undefined && { resumedFrom: plan.resumedFrom }),
      ...(plan.infrastructure === true && { infrastructureError: 'environment reset failed' }),
      ...(plan.damaged === true && { damaged: true }),
      ...(plan.definitions && { toolDefinitions: SYNTHETIC_TOOL_DEFINITIONS }),
      source: { file: 'synthetic.jsonl', line: index + 1 },
    };
  });

  return { runs, truth: truthOf(spec, ordered, planted, resumePairs.length) };
}

/** Gathers the planted facts of every run into the truth. */
function truthOf(
  spec: SyntheticSpec,
  built: readonly { readonly plan: RunPlan; readonly builder: RunBuilder }[],
  planted: { approved: number; unapproved: number; argumentViolations: number; argumentViolationsRan: number; malformed: number; malformedActedOn: number; repeated: number; startedOver: number; timeouts: number },
  resumes: number,
): SyntheticTruth {
  const counted = built.filter(({ plan }) => plan.infrastructure !== true);
  const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
  const byTool: Record<string, { ok: number; total: number }> = {};
  for (const { builder } of counted) {
    for (const [name, t] of builder.tools) {
      const entry = (byTool[name] ??= { ok: 0, total: 0 });
      entry.ok += t.ok;
      entry.total += t.total;
    }
  }
  const toolOk = sum(Object.values(byTool).map((t) => t.ok));
  const toolTotal = sum(Object.values(byTool).map((t) => t.total));
  const llmOk = sum(counted.map(({ builder }) => builder.llmOk));
  const llmTotal = sum(counted.map(({ builder }) => builder.llmTotal));
  const expectedOk = sum(counted.map(({ builder }) => builder.fixedOkSteps + builder.noiseSteps * (1 - spec.stepErrorRate)));

  // Outcomes, from the plans: verification decides, damaged runs are never a success.
  const claimed: Record<ClaimedStatus, number> = { success: 0, failure: 0, escalated: 0, unknown: 0 };
  for (const { plan } of built) claimed[plan.claimed]++;
  let graded = 0;
  let gradedSuccesses = 0;
  const silent = { count: 0, gradedFailures: 0, unrecoveredToolFailures: 0 };
  let claimedSuccessJudged = 0;
  let failedWithKnownClaim = 0;
  for (const { plan, builder } of counted) {
    const gradedSuccess = plan.outcome.status === 'success' && plan.damaged !== true;
    const gradedFailure = plan.outcome.status === 'failure';
    if (gradedSuccess || gradedFailure) graded++;
    if (gradedSuccess) gradedSuccesses++;
    const unrecovered = !gradedSuccess && builder.unrecoveredFailure;
    const failed = gradedFailure || unrecovered;
    if (failed && plan.claimed !== 'unknown') failedWithKnownClaim++;
    if (plan.claimed === 'success' && (gradedSuccess || failed)) claimedSuccessJudged++;
    if (plan.claimed === 'success' && failed) {
      silent.count++;
      if (gradedFailure) silent.gradedFailures++;
      if (unrecovered) silent.unrecoveredToolFailures++;
    }
  }

  // pass^k from the planted (n, c), with exact integer binomials.
  const tasks = spec.trialsPerTask.map((n, i) => ({ n, c: spec.successesPerTask[i] ?? 0 }));
  const minTrials = Math.min(...tasks.map((t) => t.n));
  const values = Array.from({ length: minTrials }, (_, i) => {
    const k = i + 1;
    return sum(tasks.map(({ n, c }) => Number(binomial(c, k)) / Number(binomial(n, k)))) / tasks.length;
  });

  const gradedByStepCount: Record<number, { successes: number; trials: number }> = {};
  for (const { plan, builder } of counted) {
    const success = plan.outcome.status === 'success' && plan.damaged !== true;
    if (!success && plan.outcome.status !== 'failure') continue;
    const entry = (gradedByStepCount[builder.workSteps] ??= { successes: 0, trials: 0 });
    entry.trials++;
    if (success) entry.successes++;
  }

  // Retries and loops, from the declared failing calls.
  const failingCalls = built.flatMap(({ builder }) => builder.failingCalls);
  const histogram: Record<number, number> = {};
  const backoffByRetries: Record<number, { timed: number; withBackoff: number }> = {};
  for (const call of failingCalls) {
    histogram[call.retries] = (histogram[call.retries] ?? 0) + 1;
    if (call.backoff === undefined) continue;
    const entry = (backoffByRetries[call.retries] ??= { timed: 0, withBackoff: 0 });
    entry.timed++;
    if (call.backoff) entry.withBackoff++;
  }
  const loops: Record<number, number> = {};
  for (const { builder } of built) loops[builder.maxIdenticalCalls] = (loops[builder.maxIdenticalCalls] ?? 0) + 1;

  // Cascades, from the declared streaks: the first longest one, and for each k the first that reached k.
  const byLongestStreak: Record<number, Tally> = {};
  const reachingStreak: Record<number, Tally> = {};
  const add = (tallies: Record<number, Tally>, k: number, ending: Ending): void => {
    const entry = (tallies[k] ??= { runs: 0, halted: 0, escalated: 0, continued: 0 });
    entry.runs++;
    entry[ending]++;
  };
  for (const { plan, builder } of built) {
    const endingAfter = (streak: PlantedStreak, k: number): Ending => {
      const after = streak.toolCallsAfter(k);
      if (after !== 'many' && after <= 1) return 'halted';
      return plan.claimed === 'escalated' ? 'escalated' : 'continued';
    };
    let longest: PlantedStreak | undefined;
    let reached = 0;
    for (const streak of builder.streaks) {
      if (longest === undefined || streak.length > longest.length) longest = streak;
      for (let k = reached + 1; k <= streak.length; k++) add(reachingStreak, k, endingAfter(streak, k));
      reached = Math.max(reached, streak.length);
    }
    if (longest !== undefined) add(byLongestStreak, longest.length, endingAfter(longest, longest.length));
  }

  const stretches: Record<number, number> = {};
  for (const { builder } of built) if (builder.workSteps > 0) stretches[builder.longestStretch] = (stretches[builder.longestStretch] ?? 0) + 1;

  const toolSeconds = built.flatMap(({ builder }) => builder.toolSeconds);
  return {
    runs: built.length,
    reliability: {
      steps: { ok: toolOk + llmOk, total: toolTotal + llmTotal },
      toolSteps: { ok: toolOk, total: toolTotal },
      llmSteps: { ok: llmOk, total: llmTotal },
      byTool,
      excludedInfrastructureRuns: built.length - counted.length,
      plantedNoiseStepSuccessRate: 1 - spec.stepErrorRate,
      expectedStepSuccessRate: expectedOk / (toolTotal + llmTotal),
    },
    outcomes: {
      runs: built.length,
      graded,
      gradedSuccesses,
      claimed,
      infrastructureFailures: built.length - counted.length,
      silent,
      claimedSuccessJudged,
      failedWithKnownClaim,
    },
    passK: {
      tasks: tasks.length,
      trialsPerTask: { min: minTrials, max: Math.max(...tasks.map((t) => t.n)) },
      values,
      excludedInfrastructure: built.length - counted.length,
      excludedUngraded: counted.filter(({ plan }) => plan.taskId === undefined || plan.outcome.status === 'unknown' || plan.damaged === true).length,
      gradedTrials: sum(tasks.map((t) => t.n)),
    },
    compounding: { stepCounts: counted.map(({ builder }) => builder.workSteps), gradedByStepCount },
    retries: {
      failingCalls: failingCalls.length,
      histogram,
      recovered: failingCalls.filter((c) => c.recovered).length,
      retrySequences: failingCalls.filter((c) => c.retries >= 2).length,
      timedRetrySequences: failingCalls.filter((c) => c.backoff !== undefined).length,
      sequencesWithBackoff: failingCalls.filter((c) => c.backoff === true).length,
      backoffByRetries,
    },
    loops: { histogram: loops },
    cascades: { byLongestStreak, reachingStreak },
    budgets: {
      runs: built.length,
      stepsPerRun: built.map(({ builder }) => builder.workSteps),
      tokensPerRun: built.map(({ builder }) => builder.tokens),
      secondsPerRun: built.flatMap(({ plan, builder }) => {
        const start = builder.steps[0]?.startedAt;
        const end = builder.steps.findLast((s) => s.endedAt !== undefined)?.endedAt;
        return plan.noEnd === true || start === undefined || end === undefined ? [] : [(Date.parse(end) - Date.parse(start)) / 1000];
      }),
      toolCalls: {
        timed: toolSeconds.length,
        maxSeconds: Math.max(...toolSeconds),
        timeouts: planted.timeouts,
        unended: sum(built.map(({ builder }) => builder.unendedToolCalls)),
        hung: sum(built.filter(({ plan }) => plan.noEnd === true).map(({ builder }) => builder.unendedToolCalls)),
      },
    },
    checkpoints: {
      runs: built.length,
      runsWithCheckpoints: built.filter(({ builder }) => builder.hasCheckpoint).length,
      resumedRuns: resumes,
      matchedResumes: resumes,
      resumesAfterSideEffects: resumes,
      repeatedSideEffects: planted.repeated,
      startedOver: planted.startedOver,
      longestStretch: stretches,
    },
    contracts: {
      callsInRunsWithDefinitions: sum(built.map(({ builder }) => builder.calls.total)),
      callsWithSchema: sum(built.map(({ builder }) => builder.calls.withSchema)),
      validatedCalls: sum(built.map(({ builder }) => builder.calls.withSchema)),
      argumentViolations: planted.argumentViolations,
      argumentViolationsRan: planted.argumentViolationsRan,
      structuredResults: sum(built.map(({ builder }) => builder.results.structured)),
      freeTextResults: sum(built.map(({ builder }) => builder.results.freeText)),
      resultsWithSchema: sum(built.map(({ builder }) => builder.results.withSchema)),
      malformedResults: planted.malformed,
      malformedActedOn: planted.malformedActedOn,
    },
    oversight: { highRiskCalls: planted.approved + planted.unapproved, approvedBefore: planted.approved, unapproved: planted.unapproved },
  };
}

function binomial(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let result = 1n;
  for (let i = 0; i < k; i++) result = (result * BigInt(n - i)) / BigInt(i + 1);
  return result;
}
