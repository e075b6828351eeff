import type { Message, Run } from '../model/index.js';
import { CONTEXT_EXCEEDED, GROWTH_FACTOR, LARGE_INPUT_TOKENS, MIN_RELAY_CHARS, PRESSURE_PERCENT, SHRINK_FACTOR, TOKENS_PER_MESSAGE } from './context-limits.js';
import { containsAtWordBoundary, normalizeWhitespace, percentUpUnbounded } from './context-text.js';
import { textOf } from './support.js';
import { failedTokens, findFrom, handledBefore, isRelay, markSuccess, messageSource, recordError, type Measure, type PendingError, type TextFacts, type ToolResultText } from './context-messages.js';
import type { RunView } from './basics.js';
import { countO200kTokens } from './token-count.js';

/**
 * What one run contributes to the context figures (`context.ts` aggregates them): its model calls'
 * input composition, the goal's survival, replayed errors, window pressure and memory strategy,
 * measured once per run and let go.
 */
/** What one run contributes; everything the aggregates need, nothing kept after. */
export interface RunFigures {
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
export function onlyWhatDeltasShow(figures: RunFigures, sizesRecorded: boolean): RunFigures {
  const sizes = sizesRecorded ? figures : withoutComputedSizes(figures);
  return {
    ...sizes,
    shares: [],
    goal: { kind: 'none' },
    errorEcho: { observed: false, calls: 0 },
    memory: { ran: false, grew: false, large: false },
  };
}

export function withoutComputedSizes(figures: RunFigures): RunFigures {
  const copy: Mutable<RunFigures> = { ...figures, utilization: [], callsWithoutWindow: 0 };
  delete copy.maxUtilization;
  return copy;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Every model call records its input size (`inputTokens`): sizes need not be computed from the text. */
export function sizesRecorded(run: Run): boolean {
  return run.steps.every((step) => step.kind !== 'llm' || step.inputTokens !== undefined);
}

/**
 * One run's figures. `deltaRecorded`: the run records its inputs as per-call deltas, so the caller
 * keeps only what onlyWhatDeltasShow keeps (the tool messages, context-length failures, and
 * utilization from recorded sizes): the agent's own share, the goal, replayed errors and computed
 * sizes are not worked out at all (they would be thrown away), which spares tokenizing every
 * message that is not a tool result. The figures kept are the same either way.
 */
export function analyzeRun(view: RunView, deltaRecorded = false): RunFigures {
  const steps = view.ordered;
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
  // is kept as recorded and serialized only when such a check needs it, in order, and normalized
  // only when the message does not hold it verbatim (context-messages.ts, isRelay).
  const toolResults: ToolResultText[] = [];
  const pendingResults: unknown[] = [];
  const settledToolResults = (): readonly ToolResultText[] => {
    for (const value of pendingResults) {
      const result = textOf(value);
      // Normalizing never lengthens a text: one this short is too short normalized as well.
      if (result !== undefined && result.length >= MIN_RELAY_CHARS) toolResults.push({ raw: result });
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

  for (const [position, step] of steps.entries()) {
    // Which failed calls were dead ends (blocking) and which were answers (information): the same
    // reading as the cascade analysis, so a failing test a coding agent reads is data here too.
    const failure = view.failureKind(step);
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
            if (deltaRecorded) {
              // Only the tool messages are kept: a tool message always is one (a tool result or a
              // failed one), a user message when it relays a tool result, no other message ever.
              const entering = message.role === 'tool' || (message.role === 'user' && isRelay(message.content, measure));
              if (entering && !seenToolMessages.has(message.content)) {
                seenToolMessages.add(message.content);
                toolMessages.push({ tokens: tokensOf(message.content), stepId: step.id, index: llmIndex });
              }
              totalBefore.push(0);
              selfBefore.push(0);
              continue;
            }
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
          previousInput = messages;
          // Of an input recorded as a delta, only its tool messages were wanted (see above).
          if (!deltaRecorded) {
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
          }
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
