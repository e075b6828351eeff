import { wilsonRate } from './rate.js';
import { formatPercent } from '../shared/percent.js';
import { viewRun } from './run-view.js';
import { LONG_RUN_CALLS, MAX_STEP_INDEX } from './context-limits.js';
import { analyzeRun, onlyWhatDeltasShow, sizesRecorded, type RunFigures } from './context-run.js';
import { percentile, percentUp } from './context-text.js';
import { addExample, addTopExample, clip, increment, runRef, toHistogram, wouldKeepTop } from './support.js';
import type { Histogram, Rate, RunAnalyzer, RunRef, RunView } from './basics.js';
import type { Run } from '../model/index.js';

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


interface StepStats {
  calls: number;
  sum: number;
  /** Calls by share in whole percent rounded up (index 0..100). */
  readonly percent: number[];
}

/**
 * One run's figures, all of them (a delta-recorded run's are cut down to what deltas show when
 * folded in). The trace analyzer hands in the figures a reading worker already worked out
 * (precompute.ts) through `figuresOf`: the same function, run elsewhere.
 */
export function contextFiguresOf(run: Run, view: RunView): RunFigures {
  return analyzeRun(view, run.recording?.messages === 'delta');
}

export function createContextAnalyzer(figuresOf: (run: Run, view: RunView) => RunFigures = contextFiguresOf): RunAnalyzer<ContextAnalysis> {
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
    add(run, view = viewRun(run)) {
      // Inputs recorded as per-call deltas hold only what is new: the goal, the agent's own share and
      // replayed errors cannot be read from them, nor sizes computed from their text.
      const delta = run.recording?.messages === 'delta';
      const all = figuresOf(run, view);
      llmCalls += all.llmCalls;
      callsWithContent += all.callsWithContent;
      if (all.callsWithContent > 0) runsWithContent++;
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

export { GROWTH_FACTOR, LARGE_INPUT_TOKENS, LONG_RUN_CALLS, MAX_STEP_INDEX, MIN_ERROR_CHARS, PRESSURE_PERCENT } from './context-limits.js';
export { containsAtWordBoundary, normalizeWhitespace } from './context-text.js';
