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
 * - `timing: 'synthetic'`: the timestamps were made up (every timed step lasts exactly as long, at
 *   the same spacing): durations, timeouts and backoff cannot be read from them.
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

function overlaps(before: readonly Message[], after: readonly Message[]): boolean {
  const seen = new Set(before.map((message) => message.content));
  return after.some((message) => seen.has(message.content));
}

/** Synthetic: at least three timed steps, all of one duration and spaced evenly. */
function timingRecording(ordered: readonly Step[]): RunRecording['timing'] {
  let timed = 0;
  let duration: number | undefined;
  let gap: number | undefined;
  let previousStart: number | undefined;
  let uniform = true;
  for (const step of ordered) {
    const start = timeMs(step.startedAt);
    const end = timeMs(step.endedAt);
    if (start === undefined || end === undefined) continue;
    timed++;
    const length = end - start;
    if (duration === undefined) duration = length;
    else if (length !== duration) uniform = false;
    if (previousStart !== undefined) {
      const spacing = start - previousStart;
      if (gap === undefined) gap = spacing;
      else if (spacing !== gap) uniform = false;
    }
    previousStart = start;
    if (!uniform) return 'recorded';
  }
  if (timed < 3) return undefined;
  return 'synthetic';
}
