import type { Message } from '../../../model/index.js';

/**
 * The OpenAI Agents SDK records model calls in whichever shape the model implementation used:
 * Chat Completions messages and `chat.completion` objects (OpenAIChatCompletionsModel, most
 * third-party providers), or Responses API items (`message`, `function_call`,
 * `function_call_result`). This module turns either into mimir's messages, plus the tool calls the
 * model asked for, since function spans do not carry the call id and have to be matched to them.
 */

import { asNumber, asString, isRecord, type ToolCallRequest } from '../framework-records.js';

export interface ModelOutput {
  readonly messages: Message[];
  readonly toolCalls: ToolCallRequest[];
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  readonly model: string | undefined;
}

const ROLES: Readonly<Record<string, Message['role']>> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool',
  function: 'tool',
};

/** Text of a content field: a string, or an array of parts of which the text-bearing ones are kept. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content as readonly unknown[]) {
    if (typeof part === 'string') texts.push(part);
    else if (isRecord(part)) {
      const text = asString(part.text) ?? asString(part.refusal) ?? asString(part.output);
      if (text !== undefined) texts.push(text);
    }
  }
  return texts.length > 0 ? texts.join('\n') : undefined;
}

/** Chat Completions `tool_calls` entries: `{ id, type: 'function', function: { name, arguments } }`. */
function chatToolCalls(value: unknown): ToolCallRequest[] {
  if (!Array.isArray(value)) return [];
  const calls: ToolCallRequest[] = [];
  for (const entry of value as readonly unknown[]) {
    if (!isRecord(entry)) continue;
    const fn = isRecord(entry.function) ? entry.function : entry;
    const id = asString(entry.id) ?? asString(entry.call_id);
    const name = asString(fn.name);
    if (id === undefined || name === undefined) continue;
    calls.push({ id, name, arguments: asString(fn.arguments) ?? (fn.arguments === undefined ? undefined : JSON.stringify(fn.arguments)) });
  }
  return calls;
}

/** A tool call as text, so an assistant turn that only calls tools still counts as the agent's own output. */
function renderCall(call: ToolCallRequest): string {
  return `${call.name}(${call.arguments ?? ''})`;
}

function joinText(parts: readonly (string | undefined)[]): string {
  return parts.filter((p): p is string => p !== undefined && p !== '').join('\n');
}

/** One input or output item, in either shape; pushes what it holds. */
function addItem(item: unknown, messages: Message[], toolCalls: ToolCallRequest[]): void {
  if (!isRecord(item)) return;
  const type = asString(item.type);
  if (type === 'function_call') {
    const id = asString(item.call_id) ?? asString(item.callId) ?? asString(item.id);
    const name = asString(item.name);
    if (id !== undefined && name !== undefined) {
      const call = { id, name, arguments: asString(item.arguments) };
      toolCalls.push(call);
      messages.push({ role: 'assistant', content: renderCall(call) });
    }
    return;
  }
  if (type === 'function_call_result' || type === 'function_call_output') {
    const output = item.output;
    const text = typeof output === 'string' ? output : isRecord(output) ? (asString(output.text) ?? JSON.stringify(output)) : contentText(output);
    if (text !== undefined) messages.push({ role: 'tool', content: text });
    return;
  }
  const role = ROLES[asString(item.role) ?? ''];
  if (role === undefined) return;
  const calls = chatToolCalls(item.tool_calls);
  toolCalls.push(...calls);
  const content = joinText([contentText(item.content), ...calls.map(renderCall)]);
  messages.push({ role, content });
}

/** A generation span's `input`: the messages the model was sent. */
export function inputMessages(input: unknown): Message[] | undefined {
  if (!Array.isArray(input)) return undefined;
  const messages: Message[] = [];
  for (const item of input as readonly unknown[]) addItem(item, messages, []);
  return messages;
}

/**
 * A generation span's `output`: `chat.completion` objects (their choices' messages and usage),
 * Responses API `response` objects, or bare messages and items.
 */
export function modelOutput(output: unknown): ModelOutput {
  const messages: Message[] = [];
  const toolCalls: ToolCallRequest[] = [];
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let model: string | undefined;
  const addUsage = (usage: unknown): void => {
    if (!isRecord(usage)) return;
    const input = asNumber(usage.prompt_tokens) ?? asNumber(usage.input_tokens);
    const produced = asNumber(usage.completion_tokens) ?? asNumber(usage.output_tokens);
    if (input !== undefined) inputTokens = (inputTokens ?? 0) + input;
    if (produced !== undefined) outputTokens = (outputTokens ?? 0) + produced;
  };
  if (!Array.isArray(output)) return { messages, toolCalls, inputTokens, outputTokens, model };
  for (const item of output as readonly unknown[]) {
    if (!isRecord(item)) continue;
    if (Array.isArray(item.choices)) {
      for (const choice of item.choices as readonly unknown[]) {
        if (isRecord(choice)) addItem(choice.message, messages, toolCalls);
      }
      addUsage(item.usage);
      model ??= asString(item.model);
    } else if (asString(item.object) === 'response' && Array.isArray(item.output)) {
      for (const inner of item.output as readonly unknown[]) addItem(inner, messages, toolCalls);
      addUsage(item.usage);
      model ??= asString(item.model);
    } else {
      addItem(item, messages, toolCalls);
    }
  }
  return { messages, toolCalls, inputTokens, outputTokens, model };
}
