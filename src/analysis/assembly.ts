import type { Message } from '../model/index.js';
import { LONG_RUN_CALLS } from './context.js';
import { viewRun } from './run-view.js';
import { formatPercent } from '../shared/percent.js';
import { addTopExample, increment, runRef, toHistogram, wouldKeepTop } from './support.js';
import type { Histogram, RunAnalyzer, RunRef } from './basics.js';

/**
 * How each model call's input is put together: replayed from the transcript, or assembled anew.
 *
 * Consecutive captured calls of one conversation are compared by their non-system messages (a
 * system prompt that is re-rendered each call, with a date or a state section, does not hide a
 * replayed transcript). A call is an **append** when its input is the previous call's input, message
 * for message, with more messages after it: the transcript grew and was sent again. Anything else
 * (earlier turns dropped, replaced by state or a summary, reordered into sections) is a rebuild. A
 * call with exactly the previous input (a retry) is not compared.
 *
 * Calls belong to one conversation when they use the same model and share the system prompt or at
 * least one message; sub-agents' calls interleaved in a run form conversations of their own. At the
 * last call of each conversation mimir also counts the messages that entered after its first call
 * and before its last, and how many of them are still in the last input unchanged.
 */
export interface AssemblyAnalysis {
  /** Runs with at least {@link MIN_COMPARED_PAIRS} compared calls: the runs judged. */
  readonly runs: number;
  /** Runs with captured input whose conversations are too short to judge. */
  readonly shortRuns: number;
  /** Pairs of consecutive calls compared, over the judged runs. */
  readonly pairs: number;
  /** Of those, calls whose input was the previous input with messages appended. */
  readonly appendedPairs: number;
  /** Each judged run's share of appended calls, in whole percent rounded up → runs. */
  readonly appendSharePercentByRun: Histogram;
  /**
   * The same, for the judged runs with a conversation of {@link LONG_RUN_CALLS} or more model calls:
   * where a replayed transcript carries stale turns long enough to matter.
   */
  readonly appendSharePercentByLongRun: Histogram;
  /**
   * Each judged run's share of the messages that entered its conversations after the first call
   * and before the last which are still in the last call's input unchanged, in whole percent
   * rounded up → runs. Runs where no message entered in between are not in it.
   */
  readonly carriedSharePercentByRun: Histogram;
  /** The runs with the largest share of appended calls, largest first. */
  readonly examples: readonly (RunRef & { readonly appendShare: number; readonly longestConversation: number })[];
}

/** A run is judged from this many compared calls on: two appends in a row is a pattern, one is not. */
export const MIN_COMPARED_PAIRS = 2;
/** Conversations followed at once in a run; the oldest is closed when a new one would exceed it. */
export const MAX_CONVERSATIONS = 8;

interface Conversation {
  readonly model: string | undefined;
  readonly system: string | undefined;
  /** The previous call's non-system input. */
  last: readonly Message[];
  /** Calls counted so far (retries excluded). */
  calls: number;
  /** Each distinct message content → the index of the call it first appeared in. */
  readonly firstSeen: Map<string, number>;
}

interface RunTally {
  /** Model calls in the run's longest conversation. */
  longestConversation: number;
  pairs: number;
  appended: number;
  introduced: number;
  carried: number;
}

export function createAssemblyAnalyzer(): RunAnalyzer<AssemblyAnalysis> {
  let runs = 0;
  let shortRuns = 0;
  let pairs = 0;
  let appendedPairs = 0;
  const appendShares = new Map<number, number>();
  const longAppendShares = new Map<number, number>();
  const carriedShares = new Map<number, number>();
  const examples: (RunRef & { appendShare: number; longestConversation: number })[] = [];

  return {
    add(run, view = viewRun(run)) {
      const tally: RunTally = { longestConversation: 0, pairs: 0, appended: 0, introduced: 0, carried: 0 };
      const conversations: Conversation[] = [];
      let captured = false;
      for (const step of view.ordered) {
        if (step.kind !== 'llm' || step.inputMessages === undefined || step.inputMessages.length === 0) continue;
        captured = true;
        const input = step.inputMessages;
        const system = input.find((m) => m.role === 'system')?.content;
        const rest = input.filter((m) => m.role !== 'system');
        const conversation = findConversation(conversations, step.model, system, rest);
        if (conversation === undefined) {
          if (conversations.length >= MAX_CONVERSATIONS) {
            const oldest = conversations.shift();
            if (oldest) close(oldest, tally);
          }
          const firstSeen = new Map<string, number>();
          for (const message of rest) if (!firstSeen.has(message.content)) firstSeen.set(message.content, 0);
          conversations.push({ model: step.model, system, last: rest, calls: 1, firstSeen });
          continue;
        }
        const previous = conversation.last;
        if (sameMessages(previous, rest)) continue;
        tally.pairs++;
        const index = conversation.calls;
        // After an append only the new tail can hold messages not seen before.
        const appended = isAppend(previous, rest);
        if (appended) tally.appended++;
        for (let i = appended ? previous.length : 0; i < rest.length; i++) {
          const content = (rest[i] as Message).content;
          if (!conversation.firstSeen.has(content)) conversation.firstSeen.set(content, index);
        }
        conversation.last = rest;
        conversation.calls++;
        // Most recent first: the next call most likely continues this conversation.
        conversations.splice(conversations.indexOf(conversation), 1);
        conversations.push(conversation);
      }
      for (const conversation of conversations) close(conversation, tally);
      if (!captured) return;
      if (tally.pairs < MIN_COMPARED_PAIRS) {
        shortRuns++;
        return;
      }
      runs++;
      pairs += tally.pairs;
      appendedPairs += tally.appended;
      const appendShare = tally.appended / tally.pairs;
      increment(appendShares, percentUp(appendShare));
      if (tally.longestConversation >= LONG_RUN_CALLS) increment(longAppendShares, percentUp(appendShare));
      if (tally.introduced > 0) increment(carriedShares, percentUp(tally.carried / tally.introduced));
      if (wouldKeepTop(examples, appendShare, (e) => e.appendShare)) {
        const carried = tally.introduced > 0 ? `; ${tally.carried} of ${tally.introduced} messages added along the way are still in the last input` : '';
        addTopExample(
          examples,
          { ...runRef(run, undefined, `${tally.appended} of ${tally.pairs} model calls (${formatPercent(appendShare)}) re-sent the previous input with messages appended${carried}`), appendShare, longestConversation: tally.longestConversation },
          (e) => e.appendShare,
        );
      }
    },
    finish() {
      return {
        runs,
        shortRuns,
        pairs,
        appendedPairs,
        appendSharePercentByRun: toHistogram(appendShares),
        appendSharePercentByLongRun: toHistogram(longAppendShares),
        carriedSharePercentByRun: toHistogram(carriedShares),
        examples: [...examples],
      };
    },
  };
}

/** The conversation a call continues: same model, and the same system prompt or a message in common. Most recent first. */
function findConversation(conversations: readonly Conversation[], model: string | undefined, system: string | undefined, rest: readonly Message[]): Conversation | undefined {
  for (let i = conversations.length - 1; i >= 0; i--) {
    const conversation = conversations[i];
    if (conversation === undefined || conversation.model !== model) continue;
    if (system !== undefined && system === conversation.system) return conversation;
    if (rest.some((message) => conversation.firstSeen.has(message.content))) return conversation;
  }
  return undefined;
}

/** Adds a finished conversation's carried-forward figures to the run's. */
function close(conversation: Conversation, tally: RunTally): void {
  tally.longestConversation = Math.max(tally.longestConversation, conversation.calls);
  const lastIndex = conversation.calls - 1;
  if (lastIndex < 2) return;
  let introduced = 0;
  for (const index of conversation.firstSeen.values()) if (index >= 1 && index < lastIndex) introduced++;
  const counted = new Set<string>();
  let carried = 0;
  for (const message of conversation.last) {
    const index = conversation.firstSeen.get(message.content);
    if (index !== undefined && index >= 1 && index < lastIndex && !counted.has(message.content)) {
      counted.add(message.content);
      carried++;
    }
  }
  tally.introduced += introduced;
  tally.carried += carried;
}

function sameMessage(a: Message, b: Message): boolean {
  return a === b || (a.role === b.role && a.content === b.content);
}

function sameMessages(a: readonly Message[], b: readonly Message[]): boolean {
  return a.length === b.length && a.every((message, i) => sameMessage(message, b[i] as Message));
}

/** Whether `current` is `previous` with more messages after it. */
export function isAppend(previous: readonly Message[], current: readonly Message[]): boolean {
  return current.length > previous.length && previous.every((message, i) => sameMessage(message, current[i] as Message));
}

/** A share in whole percent, rounded up so a share just over a bound never lands inside it. */
function percentUp(share: number): number {
  return Math.min(100, Math.max(0, Math.ceil(share * 100 - 1e-9)));
}
