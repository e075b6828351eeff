import type { LlmStep, Message, RunRecording, Step } from '../model/index.js';
import { timeMs } from './support.js';

/**
 * How a run was recorded, where that limits what its traces can show. Detected once, as a run is
 * read, and carried on the run (`run.recording`) so that every analysis declines the same way.
 *
 * - `messages: 'delta'`: each model call records only what is new since the previous call (the
 *   per-call delta some exporters write, or a provider that keeps the conversation server-side).
 *   Most later calls then share no message with the previous call's input and carry no system
 *   message. Whether the goal is still in context, or how much of it is the agent's own output,
 *   cannot be read from such inputs. A rebuilt context keeps its system message, so it is `full`.
 * - `timing: 'synthetic'`: the timestamps were made up (every model call exactly as long as the
 *   others, every tool call too): durations, timeouts and backoff cannot be read from them. A trace
 *   may also say so itself (`mimir.timing`), which wins.
 */
export function detectRecording(ordered: readonly Step[]): RunRecording | undefined {
  const messages = messageRecording(ordered);
  const timing = timingRecording(ordered);
  if (messages === undefined && timing === undefined) return undefined;
  return { ...(messages !== undefined && { messages }), ...(timing !== undefined && { timing }) };
}

function messageRecording(ordered: readonly Step[]): RunRecording['messages'] {
  let previous: LlmStep | undefined;
  let compared = 0;
  let deltas = 0;
  for (const step of ordered) {
    if (step.kind !== 'llm' || step.inputMessages === undefined || step.inputMessages.length === 0) continue;
    if (previous?.inputMessages !== undefined) {
      compared++;
      if (!step.inputMessages.some((message) => message.role === 'system') && !overlaps(previous.inputMessages, step.inputMessages)) deltas++;
    }
    previous = step;
  }
  if (compared === 0) return undefined;
  return deltas * 2 > compared ? 'delta' : 'full';
}

/**
 * Whether a message of `after` has the content of one of `before`. Contents are bucketed by length
 * first: a Set of strings hashes every content whole (tool outputs of kilobytes), while different
 * lengths settle most pairs at once and equal lengths compare memory. A bucket of several contents
 * becomes a Set, so many messages of one length stay linear.
 */
function overlaps(before: readonly Message[], after: readonly Message[]): boolean {
  const byLength = new Map<number, string | Set<string>>();
  for (const { content } of before) {
    const bucket = byLength.get(content.length);
    if (bucket === undefined) byLength.set(content.length, content);
    else if (typeof bucket === 'string') {
      if (bucket !== content) byLength.set(content.length, new Set([bucket, content]));
    } else bucket.add(content);
  }
  for (const { content } of after) {
    const bucket = byLength.get(content.length);
    if (bucket !== undefined && (typeof bucket === 'string' ? bucket === content : bucket.has(content))) return true;
  }
  return false;
}

/**
 * Synthetic: at least three timed steps, and every model call as long as every other, every tool
 * call as long as every other (a converter's fixed 1 s per call, 100 ms per tool). Real clocks never
 * agree to the millisecond that often.
 */
function timingRecording(ordered: readonly Step[]): RunRecording['timing'] {
  let timed = 0;
  const durations = new Map<string, number>();
  for (const step of ordered) {
    const start = timeMs(step.startedAt);
    const end = timeMs(step.endedAt);
    if (start === undefined || end === undefined) continue;
    timed++;
    const kind = step.kind === 'llm' || step.kind === 'tool' ? step.kind : 'other';
    const length = end - start;
    const seen = durations.get(kind);
    if (seen === undefined) durations.set(kind, length);
    else if (seen !== length) return 'recorded';
  }
  if (timed < 3) return undefined;
  return 'synthetic';
}
