import type { StepKind } from '../../../model/index.js';
import type { ConventionReader } from './convention.js';
import { jsonValue, readMessage } from './messages.js';
import { VERCEL } from './names.js';
import type { SpanView } from './span-view.js';

/** The Vercel AI SDK's telemetry (`ai.*` spans), asked after the GenAI names on the spans it marks. */

/** The span's `ai.*` operation: ai.operationId, else a span name in the `ai.` namespace. */
export function vercelOperation(view: SpanView): string | undefined {
  return view.string(VERCEL.operationId) ?? (view.span.name.startsWith('ai.') ? view.span.name : undefined);
}

export function vercelKind(operation: string): StepKind {
  if (operation === VERCEL.toolCallSpan) return 'tool';
  // ai.generateText.doGenerate, ai.streamText.doStream, …: the provider call itself.
  if (operation.endsWith('.doGenerate') || operation.endsWith('.doStream')) return 'llm';
  return 'other';
}

export const VERCEL_ATTRIBUTES: ConventionReader = {
  model: (view) => view.string(VERCEL.modelId),
  inputTokens: (view) => view.count(VERCEL.inputTokens) ?? view.count(VERCEL.promptTokens),
  outputTokens: (view) => view.count(VERCEL.outputTokens) ?? view.count(VERCEL.completionTokens),
  inputMessages: (view, histories) => histories.messageList(view, VERCEL.promptMessages, true),
  outputMessages: (view) => {
    const text = view.string(VERCEL.responseText);
    const calls = view.attributes.get(VERCEL.responseToolCalls);
    if (text === undefined && calls === undefined) return undefined;
    const message = readMessage({ role: 'assistant', content: text ?? '', tool_calls: calls === undefined ? undefined : (jsonValue(calls) ?? calls) });
    return message ? [message] : [];
  },
  toolName: (view) => view.string(VERCEL.toolCallName),
  toolCallId: (view) => view.string(VERCEL.toolCallId),
  toolArguments: (view) => view.attributes.get(VERCEL.toolCallArgs),
  toolResult: (view) => view.attributes.get(VERCEL.toolCallResult),
  toolDefinitions: (view, cache) => {
    const raw = view.attributes.get(VERCEL.promptTools);
    return raw === undefined ? undefined : cache.read(raw);
  },
};
