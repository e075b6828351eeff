import type { Message, Run, Step } from '../model/index.js';
import { formatPercent, wilsonRate } from './rate.js';
import { createFailureClassifier } from './failure-kinds.js';
import { inRunOrder } from './run-order.js';
import { countO200kTokens } from './token-count.js';
import { addExample, addTopExample, clip, increment, runRef, toHistogram, wouldKeepTop } from './support.js';
import type { Histogram, Rate, RunAnalyzer, RunRef } from './basics.js';

/**
 * What fills the model's context over a run: how much of each input is the agent's own history,
 * whether the user's request survives to the end, whether handled errors keep being replayed, how
 * close inputs come to the window, whether a memory strategy visibly runs, and how big the tool
 * results entering the context are.
 *
 * Sizes are in tokens of o200k_base (gpt-tokenizer), a maintained BPE tokenizer. For models with
 * another tokenizer it is an estimate, but shares and ratios of the same text barely depend on the
 * tokenizer, and where the trace records the provider's own `inputTokens` that count is used for
 * absolute sizes instead.
 */
export interface ContextAnalysis {
  /** All llm calls seen, with or without content. */
  readonly llmCalls: number;
  /** llm calls whose input messages were captured (needed for shares, goal and error echo). */
  readonly callsWithContent: number;
  readonly runsWithContent: number;
  /**
   * Runs whose model inputs were recorded as per-call deltas (see `detectRecording`): left out of
   * the self share, goal retention, error echo, memory strategy and computed utilization.
   */
  readonly runsWithDeltaMessages: number;
  /**
   * Share of input tokens that is the agent's own earlier output and blocking tool failures (see
   * messageSource), by 0-based llm call index within the run (calls from index
   * {@link MAX_STEP_INDEX} on are pooled into it).
   * `p90` is read from a histogram in whole percent, rounded up.
   */
  readonly selfShareByStep: readonly { readonly index: number; readonly calls: number; readonly mean: number; readonly p90: number }[];
  /** Mean self share at the last llm call minus at the first, over runs with two or more measured calls. */
  readonly selfShareGrowth: number | null;
  /** Each run's largest self share, in whole percent rounded up (0..100) → runs. */
  readonly maxSelfSharePercentByRun: Histogram;
  /** The runs with the largest self share, worst first. */
  readonly bleedExamples: readonly (RunRef & { readonly maxSelfShare: number })[];
  /**
   * Runs with two or more llm calls with content and a goal: success when the goal (the first user
   * message of the first captured call) is present, whitespace-normalized and verbatim, in every
   * later captured call, the last included.
   */
  readonly goalRetention: Rate;
  /** For runs that lost the goal: the 0-based index of the first llm call without it → runs. */
  readonly goalLostAtStep: Histogram;
  readonly goalLossExamples: readonly RunRef[];
  /** Runs with content whose first captured call has no (non-empty) user message: no goal to follow. */
  readonly runsWithoutGoal: number;
  readonly errorEcho: {
    /** Runs with a handled error of at least {@link MIN_ERROR_CHARS} characters and a captured llm call after it was handled. */
    readonly runsWithErrors: number;
    /** Of those, runs in which a later llm input still carries the error text verbatim. */
    readonly runsEchoing: number;
    /**
     * Of the echoing runs, those whose later inputs replayed a handled error in {@link LONG_RUN_CALLS}
     * or more model calls: a long stretch of reading a resolved failure again, not the few calls of
     * a short tool-calling loop that re-sends its transcript.
     */
    readonly runsEchoingLong: number;
    /** llm calls that replayed a handled error. */
    readonly echoingCalls: number;
    /** The runs that replayed handled errors in the most calls, most first. */
    readonly examples: readonly (RunRef & { readonly calls: number })[];
  };
  /** Input tokens / context window, in whole percent rounded up (may exceed 100) → llm calls; only calls with a known window. */
  readonly utilizationPercent: Histogram;
  /** Each run's largest utilization in whole percent rounded up → runs; a run whose call exceeded the window counts as 101 or more. */
  readonly maxUtilizationPercentByRun: Histogram;
  /** llm calls with a size (recorded or tokenized) but no known context window: not guessed. */
  readonly callsWithoutWindow: number;
  /** Failed llm calls whose error says the context length was exceeded. */
  readonly contextExceeded: { readonly calls: number; readonly examples: readonly RunRef[] };
  /** The runs that came closest to (or over) the window, worst first. */
  readonly utilizationExamples: readonly (RunRef & { readonly maxUtilizationPercent: number })[];
  /**
   * Long runs ({@link LONG_RUN_CALLS} or more llm calls) and whether a memory strategy visibly ran
   * in them (a `memory` step, or an input markedly smaller than the previous one of the same
   * conversation while the run went on). Long runs in which it did not run and whose input never
   * grew to {@link GROWTH_FACTOR}× the first are neither: there was nothing for a strategy to do;
   * those that grew but stayed small are counted apart (`runsThatGrewSmall`).
   */
  readonly memoryStrategy: {
    readonly longRuns: number;
    readonly runsWhereItRan: number;
    readonly runsThatGrewWithoutIt: number;
    /** Long runs whose input grew with no strategy but stayed small (see {@link PRESSURE_PERCENT}): nothing to manage yet. */
    readonly runsThatGrewSmall: number;
    readonly examples: readonly RunRef[];
  };
  /**
   * Tool results entering the context (tool messages, and user messages relaying a tool result),
   * each distinct text counted once per run, by size in tokens rounded up to 100s → messages.
   */
  readonly toolResultTokens: Histogram;
  /** The largest tool results that entered a model input, largest first. */
  readonly toolResultExamples: readonly (RunRef & { readonly tokens: number })[];
}

/** A run is long from this many llm calls on: "by step six or seven it mostly reacts to itself". */
export const LONG_RUN_CALLS = 6;
/** A long run "grew" when its largest input is at least this multiple of its first. */
export const GROWTH_FACTOR = 2;
/** Growth needs managing once the largest input fills this share of the model's window (percent)… */
export const PRESSURE_PERCENT = 25;
/** … or, where no window is known, reaches this many tokens. */
export const LARGE_INPUT_TOKENS = 16_000;
/** An input below this fraction of the previous one (same conversation) shows context was trimmed or summarised. */
export const SHRINK_FACTOR = 0.9;
/** Error texts shorter than this ("Error", "timeout") are too generic to call a verbatim replay. */
export const MIN_ERROR_CHARS = 20;
/** A long error counts as replayed when its first this-many characters are (a stack trace's head is what gets pasted). */
export const ERROR_KEY_CHARS = 200;
/** A tool result shorter than this is too generic to recognise inside a user message. */
export const MIN_RELAY_CHARS = 20;
/** Per-step figures pool calls from this index on, so one runaway run cannot grow the table without bound. */
export const MAX_STEP_INDEX = 100;
/** OpenAI's chat format adds about this many tokens per message, and as many again to prime the reply. */
const TOKENS_PER_MESSAGE = 3;

/** What a context check asks for when traces carry no message content. */
export const CAPTURE_MESSAGE_CONTENT =
  "enable message content capture (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true or the framework's equivalent) so llm spans carry their input messages (gen_ai.input.messages)";

const CONTEXT_EXCEEDED = /context[ _-]?(length|window|limit)|maximum context|too many tokens|prompt is too long|input is too long|token limit/i;

interface StepStats {
  calls: number;
  sum: number;
  /** Calls by share in whole percent rounded up (index 0..100). */
  readonly percent: number[];
}

export function createContextAnalyzer(): RunAnalyzer<ContextAnalysis> {
  let llmCalls = 0;
  let callsWithContent = 0;
  let runsWithContent = 0;
  let runsWithDeltaMessages = 0;
  const byStep: StepStats[] = [];
  let growthSum = 0;
  let growthRuns = 0;
  const maxSelfSharePercentByRun = new Map<number, number>();
  const bleedExamples: (RunRef & { maxSelfShare: number })[] = [];
  let goalRuns = 0;
  let goalRetained = 0;
  let runsWithoutGoal = 0;
  const goalLostAtStep = new Map<number, number>();
  const goalLossExamples: RunRef[] = [];
  let runsWithErrors = 0;
  let runsEchoing = 0;
  let runsEchoingLong = 0;
  let echoingCalls = 0;
  const echoExamples: (RunRef & { calls: number })[] = [];
  const utilizationPercent = new Map<number, number>();
  const maxUtilizationPercentByRun = new Map<number, number>();
  let callsWithoutWindow = 0;
  let exceededCalls = 0;
  const exceededExamples: RunRef[] = [];
  const utilizationExamples: (RunRef & { maxUtilizationPercent: number })[] = [];
  let longRuns = 0;
  let runsWhereItRan = 0;
  let runsThatGrewWithoutIt = 0;
  let runsThatGrewSmall = 0;
  const memoryExamples: RunRef[] = [];
  const toolResultTokens = new Map<number, number>();
  const toolResultExamples: (RunRef & { tokens: number })[] = [];

  return {
    add(run, ordered = inRunOrder(run.steps)) {
      const all = analyzeRun(run, ordered);
      llmCalls += all.llmCalls;
      callsWithContent += all.callsWithContent;
      if (all.callsWithContent > 0) runsWithContent++;
      // Inputs recorded as per-call deltas hold only what is new: the goal, the agent's own share and
      // replayed errors cannot be read from them, nor sizes computed from their text.
      const delta = run.recording?.messages === 'delta';
      if (delta) runsWithDeltaMessages++;
      const figures = delta ? onlyWhatDeltasShow(all, sizesRecorded(run)) : all;

      for (const { index, share } of figures.shares) {
        const slot = Math.min(index, MAX_STEP_INDEX);
        // Fill any gap so the array stays dense (indexes are small and bounded by MAX_STEP_INDEX).
        for (let i = byStep.length; i <= slot; i++) byStep.push({ calls: 0, sum: 0, percent: new Array<number>(101).fill(0) });
        const stats = byStep[slot];
        if (!stats) continue;
        stats.calls++;
        stats.sum += share;
        const bucket = percentUp(share);
        stats.percent[bucket] = (stats.percent[bucket] ?? 0) + 1;
      }
      const first = figures.shares[0];
      const last = figures.shares.at(-1);
      if (first && last && figures.shares.length >= 2) {
        growthSum += last.share - first.share;
        growthRuns++;
      }
      if (first) {
        const worst = figures.shares.reduce((a, b) => (b.share > a.share ? b : a), first);
        increment(maxSelfSharePercentByRun, percentUp(worst.share));
        // Checked first so the note is only formatted for a run that makes the list.
        if (wouldKeepTop(bleedExamples, worst.share, (e) => e.maxSelfShare)) addTopExample(
          bleedExamples,
          { ...runRef(run, worst.stepId, `self share ${formatPercent(worst.share)} at llm call ${worst.index + 1}`), maxSelfShare: worst.share },
          (e) => e.maxSelfShare,
        );
      }

      switch (figures.goal.kind) {
        case 'none':
          break;
        case 'no-goal':
          runsWithoutGoal++;
          break;
        case 'checked':
          goalRuns++;
          if (figures.goal.lostAt === undefined) {
            goalRetained++;
          } else {
            increment(goalLostAtStep, figures.goal.lostAt.index);
            addExample(
              goalLossExamples,
              runRef(run, figures.goal.lostAt.stepId, `user request missing from llm call ${figures.goal.lostAt.index + 1} of ${figures.llmCalls}`),
            );
          }
          break;
      }

      if (figures.errorEcho.observed) {
        runsWithErrors++;
        const echo = figures.errorEcho.first;
        if (figures.errorEcho.calls > 0 && echo) {
          runsEchoing++;
          if (figures.errorEcho.calls >= LONG_RUN_CALLS) runsEchoingLong++;
          echoingCalls += figures.errorEcho.calls;
          const calls = figures.errorEcho.calls;
          if (wouldKeepTop(echoExamples, calls, (e) => e.calls)) addTopExample(
            echoExamples,
            { ...runRef(run, echo.stepId, `handled error from step ${echo.errorStepId} ("${clip(echo.text, 60)}") replayed in ${calls} later llm call${calls === 1 ? '' : 's'}`), calls },
            (e) => e.calls,
          );
        }
      }

      for (const percent of figures.utilization) increment(utilizationPercent, percent);
      callsWithoutWindow += figures.callsWithoutWindow;
      exceededCalls += figures.exceeded.length;
      for (const stepId of figures.exceeded) addExample(exceededExamples, runRef(run, stepId, 'llm call failed: context length exceeded'));
      if (figures.maxUtilization !== undefined) {
        const { percent, stepId } = figures.maxUtilization;
        increment(maxUtilizationPercentByRun, percent);
        addTopExample(
          utilizationExamples,
          { ...runRef(run, stepId, percent > 100 ? 'input exceeded the context window' : `input at ${percent}% of the context window`), maxUtilizationPercent: percent },
          (e) => e.maxUtilizationPercent,
        );
      }

      if (!delta && figures.llmCalls >= LONG_RUN_CALLS) {
        longRuns++;
        if (figures.memory.ran) {
          runsWhereItRan++;
        } else if (figures.memory.grew && !figures.memory.large) {
          runsThatGrewSmall++;
        } else if (figures.memory.grew) {
          runsThatGrewWithoutIt++;
          addExample(
            memoryExamples,
            runRef(run, undefined, `${figures.llmCalls} llm calls; input grew from ${figures.memory.firstSize ?? '?'} to ${figures.memory.maxSize ?? '?'} tokens with no memory step and no shrink`),
          );
        }
      }

      for (const message of figures.toolMessages) {
        increment(toolResultTokens, Math.ceil(message.tokens / 100) * 100);
        if (wouldKeepTop(toolResultExamples, message.tokens, (e) => e.tokens)) addTopExample(
          toolResultExamples,
          { ...runRef(run, message.stepId, `tool result of ${message.tokens} tokens entered llm call ${message.index + 1}`), tokens: message.tokens },
          (e) => e.tokens,
        );
      }
    },

    finish() {
      return {
        llmCalls,
        callsWithContent,
        runsWithContent,
        runsWithDeltaMessages,
        selfShareByStep: byStep
          .map((stats, index) => ({ index, calls: stats.calls, mean: stats.calls > 0 ? stats.sum / stats.calls : 0, p90: percentile(stats.percent, stats.calls, 0.9) / 100 }))
          .filter((s) => s.calls > 0),
        selfShareGrowth: growthRuns > 0 ? growthSum / growthRuns : null,
        maxSelfSharePercentByRun: toHistogram(maxSelfSharePercentByRun),
        bleedExamples: [...bleedExamples],
        goalRetention: wilsonRate(goalRetained, goalRuns),
        goalLostAtStep: toHistogram(goalLostAtStep),
        goalLossExamples: [...goalLossExamples],
        runsWithoutGoal,
        errorEcho: { runsWithErrors, runsEchoing, runsEchoingLong, echoingCalls, examples: [...echoExamples] },
        utilizationPercent: toHistogram(utilizationPercent),
        maxUtilizationPercentByRun: toHistogram(maxUtilizationPercentByRun),
        callsWithoutWindow,
        contextExceeded: { calls: exceededCalls, examples: [...exceededExamples] },
        utilizationExamples: [...utilizationExamples],
        memoryStrategy: { longRuns, runsWhereItRan, runsThatGrewWithoutIt, runsThatGrewSmall, examples: [...memoryExamples] },
        toolResultTokens: toHistogram(toolResultTokens),
        toolResultExamples: [...toolResultExamples],
      };
    },
  };
}

/** What one run contributes; everything the aggregates need, nothing kept after. */
interface RunFigures {
  readonly llmCalls: number;
  readonly callsWithContent: number;
  readonly shares: readonly { readonly index: number; readonly share: number; readonly stepId: string }[];
  readonly goal:
    | { readonly kind: 'none' }
    | { readonly kind: 'no-goal' }
    | { readonly kind: 'checked'; readonly lostAt?: { readonly index: number; readonly stepId: string } };
  readonly errorEcho: {
    readonly observed: boolean;
    readonly calls: number;
    readonly first?: { readonly stepId: string; readonly errorStepId: string; readonly text: string };
  };
  readonly utilization: readonly number[];
  readonly callsWithoutWindow: number;
  readonly exceeded: readonly string[];
  readonly maxUtilization?: { readonly percent: number; readonly stepId: string };
  readonly memory: { readonly ran: boolean; readonly grew: boolean; readonly large: boolean; readonly firstSize?: number; readonly maxSize?: number };
  readonly toolMessages: readonly { readonly tokens: number; readonly stepId: string; readonly index: number }[];
}

/**
 * Of a run recorded as deltas, what its inputs still show: tool results entering, context-length
 * failures, and utilization where every model call's input size was recorded by the provider.
 */
function onlyWhatDeltasShow(figures: RunFigures, sizesRecorded: boolean): RunFigures {
  const sizes = sizesRecorded ? figures : withoutComputedSizes(figures);
  return {
    ...sizes,
    shares: [],
    goal: { kind: 'none' },
    errorEcho: { observed: false, calls: 0 },
    memory: { ran: false, grew: false, large: false },
  };
}

function withoutComputedSizes(figures: RunFigures): RunFigures {
  const copy: Mutable<RunFigures> = { ...figures, utilization: [], callsWithoutWindow: 0 };
  delete copy.maxUtilization;
  return copy;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Every model call records its input size (`inputTokens`): sizes need not be computed from the text. */
function sizesRecorded(run: Run): boolean {
  return run.steps.every((step) => step.kind !== 'llm' || step.inputTokens !== undefined);
}

/**
 * A failure whose text may be replayed. It counts as handled once the model has reacted to it (a
 * successful llm call after it) and a tool call has succeeded after it (the retry or the fallback
 * worked): from then on the text has no job left in the prompt. The reacting call itself is
 * expected to see the error, so it is never an echo, and neither is a parallel call that succeeded
 * before the model even saw the failure.
 */
interface PendingError {
  readonly key: string;
  errorStepId: string;
  position: number;
  okLlmAt?: number;
  okToolAt?: number;
  /** A captured llm call came after the error was handled, so a replay could have been seen. */
  observed: boolean;
  /** The captured call (counted from 1) whose input was last searched for the text; 0 for none. */
  searchedCall: number;
  /** Where in that input the text was found; -1 when it was not. */
  foundAt: number;
}

/** One text of a run, measured once however many calls replay it. */
interface TextFacts {
  tokens?: number;
  normalized?: string;
  /** For user messages: whether it relays an earlier tool result (decided on first sight). */
  relay?: boolean;
  /** Tokens of what earlier blocking failures answered found in it (decided on first sight, like relay). */
  failedTokens?: number;
}

function analyzeRun(run: Run, steps: readonly Step[]): RunFigures {
  // Per-run memo: the same history is replayed in every call, so each distinct text is tokenized
  // and normalized once. It lives only while this run is analyzed, so memory stays bounded by the
  // run in flight.
  const memo = new Map<string, TextFacts>();
  const facts = (text: string): TextFacts => {
    let entry = memo.get(text);
    if (!entry) {
      entry = {};
      memo.set(text, entry);
    }
    return entry;
  };
  const tokensOf = (text: string): number => {
    const entry = facts(text);
    entry.tokens ??= countO200kTokens(text);
    return entry.tokens;
  };
  const normalizedOf = (text: string): string => {
    const entry = facts(text);
    entry.normalized ??= normalizeWhitespace(text);
    return entry.normalized;
  };

  // Tool results only matter once a user message is checked for relaying one, which most runs do
  // before any tool ran (the first user message) or never again (memoized per text). So a result
  // is kept as recorded and serialized + normalized only when such a check needs it, in order.
  const toolResults: string[] = [];
  const pendingResults: unknown[] = [];
  const settledToolResults = (): readonly string[] => {
    for (const value of pendingResults) {
      const result = textOf(value);
      if (result === undefined) continue;
      const normalized = normalizeWhitespace(result);
      if (normalized.length >= MIN_RELAY_CHARS) toolResults.push(normalized);
    }
    pendingResults.length = 0;
    return toolResults;
  };
  const errors = new Map<string, PendingError>();
  /** Normalized results and error messages of the failed tool calls so far. */
  const failedResults = new Set<string>();
  const shares: { index: number; share: number; stepId: string }[] = [];
  const utilization: number[] = [];
  const exceeded: string[] = [];
  const toolMessages: { tokens: number; stepId: string; index: number }[] = [];
  const seenToolMessages = new Set<string>();
  let maxUtilization: { percent: number; stepId: string } | undefined;
  let callsWithoutWindow = 0;
  let callsWithContent = 0;
  let goal: string | undefined;
  let goalState: RunFigures['goal'] = { kind: 'none' };
  let echoCalls = 0;
  let firstEcho: RunFigures['errorEcho']['first'];
  let memoryStep = false;
  let shrank = false;
  let firstSize: number | undefined;
  let maxSize: number | undefined;
  // Size of the last input per conversation: model, then system prompt (a Map per model keyed by the
  // prompt itself, whose hash the string keeps, instead of a joined key built and hashed per call).
  const lastSizeByConversation = new Map<string, Map<string, number>>();

  // Each captured input usually repeats the previous one (the same Message objects: the readers
  // share a replayed history) and appends to it. What was worked out for the shared prefix holds:
  // token sums, relays (decided on first sight), the tool messages already counted, where the goal
  // and each error text were found. Only the new tail is looked at, which makes a run's cost grow
  // with its messages instead of with their square.
  let previousInput: readonly Message[] = [];
  /** Token sums over previousInput[0, i): all messages, and the agent's own. */
  const totalBefore: number[] = [0];
  const selfBefore: number[] = [0];
  /** Where the goal was found in previousInput; -1 when it was not. */
  let goalAt = -1;

  const llmTotal = steps.filter((s) => s.kind === 'llm').length;
  let llmIndex = -1;

  // Which failed calls were dead ends (blocking) and which were answers (information): the same
  // reading as the cascade analysis, so a failing test a coding agent reads is data here too.
  const failures = createFailureClassifier();
  for (const [position, step] of steps.entries()) {
    const failure = failures.kind(step);
    switch (step.kind) {
      case 'memory':
        memoryStep = true;
        break;
      case 'tool': {
        if (step.status === 'ok') {
          markSuccess(errors, position, 'okToolAt');
          pendingResults.push(step.result);
        } else {
          recordError(errors, step, position, [step.error?.message, textOf(step.result)]);
          // What a blocking failure answered is the agent's mistake coming back: bleed. A failure that
          // is information (a command's non-zero exit, a tool's refusal) is the world's answer, like
          // fetched data.
          if (failure === 'blocking') {
            for (const text of [textOf(step.result), step.error?.message]) {
              const normalized = text === undefined ? '' : normalizeWhitespace(text);
              if (normalized !== '') failedResults.add(normalized);
            }
          }
        }
        break;
      }
      case 'llm': {
        llmIndex++;
        const messages = step.inputMessages ?? [];
        const hasContent = messages.length > 0;

        let contentTokens = 0;
        if (hasContent) {
          callsWithContent++;
          // The prefix this input shares with the previous one, message by message (by identity).
          let shared = 0;
          const sharedLimit = Math.min(messages.length, previousInput.length);
          while (shared < sharedLimit && messages[shared] === previousInput[shared]) shared++;
          totalBefore.length = shared + 1;
          selfBefore.length = shared + 1;
          let total = totalBefore[shared] as number;
          let self = selfBefore[shared] as number;
          const measure: Measure = { tokensOf, normalizedOf, facts, toolResults: settledToolResults, failedResults };
          for (let at = shared; at < messages.length; at++) {
            const message = messages[at] as Message;
            const tokens = tokensOf(message.content);
            total += tokens;
            const source = messageSource(message, measure);
            if (source === 'own') self += tokens;
            // Only the failed answer itself: a rebuilt prompt that quotes an error is not all mistake.
            else if (source === 'failed-result') self += Math.min(tokens, failedTokens(message.content, measure));
            // Tool results entering the context, each distinct text once per run. Those of the
            // shared prefix were counted when they first came.
            if ((source === 'tool-result' || (source === 'failed-result' && message.role === 'tool')) && !seenToolMessages.has(message.content)) {
              seenToolMessages.add(message.content);
              toolMessages.push({ tokens, stepId: step.id, index: llmIndex });
            }
            totalBefore.push(total);
            selfBefore.push(self);
          }
          contentTokens = total;
          // All messages empty: content was captured, but there is nothing to share out.
          if (total > 0) shares.push({ index: llmIndex, share: self / total, stepId: step.id });

          if (goalState.kind === 'none') {
            const firstUser = messages.findIndex((m) => m.role === 'user' && m.content.trim() !== '');
            if (firstUser !== -1) {
              const wanted = normalizedOf((messages[firstUser] as Message).content);
              goal = wanted;
              goalState = { kind: 'checked' };
              // Where the next call's search can start from: the first message with the goal (at the
              // latest its own message, which contains it).
              goalAt = findFrom(messages, 0, (m) => containsAtWordBoundary(normalizedOf(m.content), wanted));
            } else {
              goalState = { kind: 'no-goal' };
            }
          } else if (goal !== undefined && goalState.kind === 'checked' && goalState.lostAt === undefined) {
            const wanted = goal;
            // goalAt is the first message of the previous input with the goal: if it is in the shared
            // prefix, it is still there; if not, the shared prefix has no match, and only the rest needs
            // looking at.
            if (goalAt === -1 || goalAt >= shared) {
              goalAt = findFrom(messages, shared, (m) => containsAtWordBoundary(normalizedOf(m.content), wanted));
              if (goalAt === -1) goalState = { kind: 'checked', lostAt: { index: llmIndex, stepId: step.id } };
            }
          }

          let echoed = false;
          for (const error of errors.values()) {
            if (!handledBefore(error, position)) continue;
            error.observed = true;
            // As for the goal: what the last search of the previous input found (or did not, up to
            // where it stopped) holds for the prefix this input shares with it.
            const known = error.searchedCall === callsWithContent - 1;
            if (!known || error.foundAt === -1 || error.foundAt >= shared) {
              error.foundAt = findFrom(messages, known ? shared : 0, (m) => normalizedOf(m.content).includes(error.key));
            }
            error.searchedCall = callsWithContent;
            if (error.foundAt !== -1) {
              echoed = true;
              firstEcho ??= { stepId: step.id, errorStepId: error.errorStepId, text: error.key };
            }
          }
          if (echoed) echoCalls++;
          previousInput = messages;
        }

        // Without the provider's count, an estimate: chat formats add a few tokens per message.
        const size = step.inputTokens ?? (hasContent ? contentTokens + TOKENS_PER_MESSAGE * (messages.length + 1) : undefined);
        if (size !== undefined) {
          firstSize ??= size;
          maxSize = Math.max(maxSize ?? size, size);
          // Calls of another agent (its own system prompt or model) are another conversation: a
          // sub-agent's small input is not the main agent trimming its context.
          const model = step.model ?? '';
          const system = messages.find((m) => m.role === 'system')?.content ?? '';
          let byPrompt = lastSizeByConversation.get(model);
          if (byPrompt === undefined) {
            byPrompt = new Map();
            lastSizeByConversation.set(model, byPrompt);
          }
          const previous = byPrompt.get(system);
          // A smaller input on the last call is often a fresh prompt for the final answer, not memory management.
          if (previous !== undefined && size < SHRINK_FACTOR * previous && llmIndex < llmTotal - 1) shrank = true;
          byPrompt.set(system, size);

          if (step.contextWindow !== undefined && step.contextWindow > 0) {
            const percent = percentUpUnbounded(size / step.contextWindow);
            utilization.push(percent);
            if (!maxUtilization || percent > maxUtilization.percent) maxUtilization = { percent, stepId: step.id };
          } else {
            callsWithoutWindow++;
          }
        }

        if (step.status === 'ok') {
          markSuccess(errors, position, 'okLlmAt');
        } else {
          if (CONTEXT_EXCEEDED.test(`${step.error?.type ?? ''} ${step.error?.message ?? ''}`)) {
            exceeded.push(step.id);
            // Over the window by definition, whether or not the size was recorded.
            if (!maxUtilization || maxUtilization.percent <= 100) maxUtilization = { percent: 101, stepId: step.id };
          }
          recordError(errors, step, position, [step.error?.message]);
        }
        break;
      }
      case 'approval':
      case 'checkpoint':
      case 'review':
      case 'handoff':
      case 'guardrail':
      case 'other':
        break;
    }
  }

  return {
    llmCalls: llmTotal,
    callsWithContent,
    shares,
    // A single captured call cannot lose the goal: only runs with a later call to check count.
    goal: goalState.kind === 'checked' && callsWithContent < 2 ? { kind: 'none' } : goalState,
    errorEcho: { observed: [...errors.values()].some((e) => e.observed), calls: echoCalls, ...(firstEcho && { first: firstEcho }) },
    utilization,
    callsWithoutWindow,
    exceeded,
    ...(maxUtilization && { maxUtilization }),
    memory: {
      ran: memoryStep || shrank,
      grew: firstSize !== undefined && maxSize !== undefined && firstSize > 0 && maxSize >= GROWTH_FACTOR * firstSize,
      // Growth matters once the input is large: a quarter of a known window, or (no window known) a
      // size at which long-context quality is known to drop. Below it there is nothing to manage yet.
      large: maxUtilization !== undefined ? maxUtilization.percent >= PRESSURE_PERCENT : maxSize !== undefined && maxSize >= LARGE_INPUT_TOKENS,
      ...(firstSize !== undefined && { firstSize }),
      ...(maxSize !== undefined && { maxSize }),
    },
    toolMessages,
  };
}

interface Measure {
  readonly tokensOf: (text: string) => number;
  readonly normalizedOf: (text: string) => string;
  readonly facts: (text: string) => TextFacts;
  /** Normalized results of the tool steps so far in the run (worked out on demand). */
  readonly toolResults: () => readonly string[];
  /** Normalized results and error messages of the failed tool calls so far in the run. */
  readonly failedResults: ReadonlySet<string>;
}

/**
 * Where a message of an input comes from. Context bleed is the context filling with the agent's own
 * earlier output and mistakes (DESIGN.md): `own` (assistant messages: its plans, guesses and calls)
 * and `failed-result` (what its failed calls answered) count; `tool-result` (data it fetched: the
 * task's material, judged by tool-results-are-condensed) and `instructions` (system and user) do not.
 * A user message that carries an earlier tool result is that result: several frameworks relay tool
 * results in the user role. A later user message that relays nothing (a clarification) stays the
 * user's.
 */
type MessageSource = 'own' | 'failed-result' | 'tool-result' | 'instructions';

function messageSource(message: Message, measure: Measure): MessageSource {
  switch (message.role) {
    case 'assistant':
      return 'own';
    case 'tool':
      return isFailedResult(message.content, measure) ? 'failed-result' : 'tool-result';
    case 'user':
      if (isRelay(message.content, measure)) return 'tool-result';
      return isFailedResult(message.content, measure) ? 'failed-result' : 'instructions';
    case 'system':
      return 'instructions';
  }
}

/** Whether the text is, or holds, what a blocking failure answered. */
function isFailedResult(content: string, measure: Measure): boolean {
  return failedTokens(content, measure) > 0;
}

/**
 * Tokens of the blocking failures' answers in a message: all of it when it is one, else the answers
 * it quotes (those long enough to recognise), so a prompt rebuilt around a one-line error note counts
 * the note, not the prompt.
 */
function failedTokens(content: string, measure: Measure): number {
  const entry = measure.facts(content);
  if (entry.failedTokens === undefined) {
    const normalized = measure.normalizedOf(content);
    if (measure.failedResults.has(normalized)) entry.failedTokens = measure.tokensOf(content);
    else {
      let quoted = 0;
      for (const failed of measure.failedResults) if (failed.length >= MIN_RELAY_CHARS && normalized.includes(failed)) quoted += countO200kTokens(failed);
      entry.failedTokens = quoted;
    }
  }
  return entry.failedTokens;
}

/** The index of the first message from `start` on that matches; -1 if none does. */
function findFrom(messages: readonly Message[], start: number, matches: (message: Message) => boolean): number {
  for (let at = start; at < messages.length; at++) if (matches(messages[at] as Message)) return at;
  return -1;
}

function isRelay(content: string, measure: Measure): boolean {
  const entry = measure.facts(content);
  if (entry.relay === undefined) {
    const normalized = measure.normalizedOf(content);
    entry.relay = measure.toolResults().some((result) => normalized.includes(result));
  }
  return entry.relay;
}

function handledBefore(error: PendingError, position: number): boolean {
  return error.okLlmAt !== undefined && error.okToolAt !== undefined && Math.max(error.okLlmAt, error.okToolAt) < position;
}

function recordError(errors: Map<string, PendingError>, step: Step, position: number, texts: readonly (string | undefined)[]): void {
  for (const text of texts) {
    if (text === undefined) continue;
    const normalized = normalizeWhitespace(text);
    if (normalized.length < MIN_ERROR_CHARS) continue;
    const key = normalized.slice(0, ERROR_KEY_CHARS);
    const existing = errors.get(key);
    if (existing) {
      // The same failure again: a replay is judged from its latest occurrence, not the first.
      existing.position = position;
      existing.errorStepId = step.id;
      delete existing.okLlmAt;
      delete existing.okToolAt;
    } else {
      errors.set(key, { key, errorStepId: step.id, position, observed: false, searchedCall: 0, foundAt: -1 });
    }
  }
}

function markSuccess(errors: Map<string, PendingError>, position: number, field: 'okLlmAt' | 'okToolAt'): void {
  for (const error of errors.values()) {
    if (error[field] === undefined && error.position < position) error[field] = position;
  }
}

export function normalizeWhitespace(text: string): string {
  // Most texts are already normal (single spaces, nothing at the ends): returning them as they are
  // skips the regex replace and a copy. NOT_NORMAL finds exactly what the replace and trim would
  // change: any whitespace other than a space, two spaces in a row, or a space at either end.
  if (!NOT_NORMAL.test(text)) return text;
  return text.replace(/\s+/g, ' ').trim();
}

const NOT_NORMAL = /[^\S ]| {2}|^ | $/;

/**
 * Whether `needle` occurs in `haystack` not glued to a letter or digit on either side, so a short
 * goal such as "refund order 12" is not found inside "refund order 123".
 */
export function containsAtWordBoundary(haystack: string, needle: string): boolean {
  if (needle === '') return false;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    if (!isWordChar(haystack.charAt(at - 1)) && !isWordChar(haystack.charAt(at + needle.length))) return true;
  }
  return false;
}

function isWordChar(ch: string): boolean {
  return ch !== '' && /[\p{L}\p{N}]/u.test(ch);
}

/** The text a tool result puts into a context: strings as they are, anything else as JSON. */
function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** A share in whole percent, rounded up so a share just over a bound never lands inside it. */
function percentUp(share: number): number {
  return Math.min(100, percentUpUnbounded(share));
}

function percentUpUnbounded(ratio: number): number {
  // The epsilon keeps exact ratios such as 0.29 (28.999… × 100 in floating point) in their own bucket.
  return Math.max(0, Math.ceil(ratio * 100 - 1e-9));
}

/** The smallest bucket at or below which `quantile` of the counts lie. */
function percentile(counts: readonly number[], total: number, quantile: number): number {
  let cumulative = 0;
  for (const [bucket, count] of counts.entries()) {
    cumulative += count;
    if (cumulative >= quantile * total) return bucket;
  }
  return counts.length - 1;
}
