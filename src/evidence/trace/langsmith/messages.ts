import type { Message } from '../../../model/index.js';

/**
 * LangSmith stores a chat model's input and output as the tracing SDK serialized them. From
 * LangChain that is `{ lc: 1, type: "constructor", id: [..., "HumanMessage"], kwargs: { content,
 * tool_calls } }`, or the dict form `{ type: "human", content }`; from `traceable` / `wrapOpenAI`
 * it is OpenAI's `{ role, content, tool_calls }`. This module reads all three.
 */

import { asNumber, asString, isRecord, type JsonRecord, type ToolCallRequest } from '../framework-records.js';

/** LangChain class names and dict `type`s → roles. */
const ROLE_BY_KIND: Readonly<Record<string, Message['role']>> = {
  SystemMessage: 'system',
  HumanMessage: 'user',
  AIMessage: 'assistant',
  AIMessageChunk: 'assistant',
  ToolMessage: 'tool',
  FunctionMessage: 'tool',
  system: 'system',
  developer: 'system',
  human: 'user',
  user: 'user',
  ai: 'assistant',
  assistant: 'assistant',
  tool: 'tool',
  function: 'tool',
};

export interface ParsedMessage {
  readonly message: Message;
  readonly toolCalls: ToolCallRequest[];
  /** For a tool message: the call it answers, and whether it reports an error. */
  readonly toolCallId: string | undefined;
  readonly errorStatus: boolean;
  readonly usage: { readonly input: number | undefined; readonly output: number | undefined } | undefined;
  readonly model: string | undefined;
}

function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content as readonly unknown[]) {
    if (typeof part === 'string') texts.push(part);
    else if (isRecord(part)) {
      const text = asString(part.text);
      if (text !== undefined) texts.push(text);
    }
  }
  return texts.length > 0 ? texts.join('\n') : undefined;
}

function toolCallsOf(fields: JsonRecord): ToolCallRequest[] {
  const calls: ToolCallRequest[] = [];
  // LangChain's normalized form: { name, args, id }.
  if (Array.isArray(fields.tool_calls)) {
    for (const entry of fields.tool_calls as readonly unknown[]) {
      if (!isRecord(entry)) continue;
      const fn = isRecord(entry.function) ? entry.function : undefined;
      const id = asString(entry.id);
      const name = asString(entry.name) ?? asString(fn?.name);
      if (id === undefined || name === undefined) continue;
      const args = entry.args ?? fn?.arguments;
      calls.push({ id, name, arguments: typeof args === 'string' ? args : args === undefined ? undefined : JSON.stringify(args) });
    }
  }
  // The provider's raw form, kept by older LangChain versions in additional_kwargs.
  if (calls.length === 0 && isRecord(fields.additional_kwargs)) return toolCallsOf({ tool_calls: fields.additional_kwargs.tool_calls });
  return calls;
}

/** One serialized message, in any of the three forms. */
export function parseMessage(value: unknown): ParsedMessage | undefined {
  if (!isRecord(value)) return undefined;
  let kind: string | undefined;
  let fields: JsonRecord = value;
  if (value.lc === 1 && Array.isArray(value.id) && isRecord(value.kwargs)) {
    const id = value.id as readonly unknown[];
    kind = asString(id[id.length - 1]);
    fields = value.kwargs;
  } else {
    kind = asString(value.role) ?? asString(value.type);
  }
  if (kind === 'ChatMessage') kind = asString(fields.role);
  const role = ROLE_BY_KIND[kind ?? ''];
  if (role === undefined) return undefined;
  const toolCalls = toolCallsOf(fields);
  const text = [contentText(fields.content), ...toolCalls.map((c) => `${c.name}(${c.arguments ?? ''})`)].filter((t): t is string => t !== undefined && t !== '').join('\n');
  const usage = isRecord(fields.usage_metadata) ? { input: asNumber(fields.usage_metadata.input_tokens), output: asNumber(fields.usage_metadata.output_tokens) } : undefined;
  const metadata = isRecord(fields.response_metadata) ? fields.response_metadata : {};
  return {
    message: { role, content: text },
    toolCalls,
    toolCallId: asString(fields.tool_call_id),
    errorStatus: fields.status === 'error',
    usage,
    model: asString(metadata.model_name) ?? asString(metadata.model),
  };
}

/** An llm run's `inputs`: `messages` as one batch (`[[...]]`) or a flat list, or completion `prompts`. */
export function llmInputMessages(inputs: JsonRecord): Message[] | undefined {
  let list: unknown = inputs.messages;
  if (Array.isArray(list) && list.length > 0 && Array.isArray((list as readonly unknown[])[0])) list = (list as readonly unknown[])[0];
  if (Array.isArray(list)) {
    return (list as readonly unknown[]).map(parseMessage).filter((m): m is ParsedMessage => m !== undefined).map((m) => m.message);
  }
  if (Array.isArray(inputs.prompts)) {
    return (inputs.prompts as readonly unknown[]).filter((p): p is string => typeof p === 'string').map((content) => ({ role: 'user' as const, content }));
  }
  return undefined;
}

/** An llm run's `outputs`: LangChain `generations`, OpenAI `choices`, or a bare message. */
export function llmOutputMessages(outputs: JsonRecord): ParsedMessage[] {
  const parsed: ParsedMessage[] = [];
  if (Array.isArray(outputs.generations)) {
    for (const batch of outputs.generations as readonly unknown[]) {
      for (const generation of Array.isArray(batch) ? (batch as readonly unknown[]) : [batch]) {
        if (!isRecord(generation)) continue;
        const message = parseMessage(generation.message);
        if (message !== undefined) parsed.push(message);
        else if (typeof generation.text === 'string') {
          parsed.push({ message: { role: 'assistant', content: generation.text }, toolCalls: [], toolCallId: undefined, errorStatus: false, usage: undefined, model: undefined });
        }
      }
    }
  } else if (Array.isArray(outputs.choices)) {
    for (const choice of outputs.choices as readonly unknown[]) {
      const message = isRecord(choice) ? parseMessage(choice.message) : undefined;
      if (message !== undefined) parsed.push(message);
    }
  } else {
    const message = parseMessage(outputs);
    if (message !== undefined) parsed.push(message);
  }
  return parsed;
}
