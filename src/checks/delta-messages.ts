import type { ContextAnalysis } from '../analysis/context.js';

/** What a context check asks for when the inputs were recorded as per-call deltas. */
export const CAPTURE_FULL_INPUTS =
  'record the whole model input on every llm call (gen_ai.input.messages with the full history, as the GenAI conventions and most SDK instrumentations do), not only the messages new since the previous call';

/**
 * The answer of a context check whose figure needs whole inputs, when the only runs that could have
 * supplied it recorded their inputs as per-call deltas; undefined when that is not why it has none.
 */
export function declinedForDeltas(
  context: ContextAnalysis,
  runCount: number,
  what: string,
): { readonly outcome: 'insufficient-evidence'; readonly reason: string; readonly toCapture: string } | undefined {
  if (context.runsWithDeltaMessages === 0) return undefined;
  return {
    outcome: 'insufficient-evidence',
    reason: `${context.runsWithDeltaMessages} of ${runCount} runs record each model call's input as a per-call delta (only the messages new since the previous call), so ${what} cannot be read from them`,
    toCapture: CAPTURE_FULL_INPUTS,
  };
}
