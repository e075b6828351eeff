import type { Message, ToolDefinition } from '../../../model/index.js';

/**
 * Message content and tool definitions in the shapes the conventions record them:
 * - GenAI (current): `[{role, parts: [{type: "text", content}, {type: "tool_call", name, arguments},
 *   {type: "tool_call_response", response}]}]`, system instructions as a list of parts;
 * - GenAI (removed) and most SDKs: `[{role, content: string}]`;
 * - Vercel AI SDK: `[{role, content: string | [{type: "text", text}, {type: "tool-call", toolName,
 *   input}, {type: "tool-result", output}]}]`.
 * One tolerant reader serves them all: a Message keeps only role and text, and what it cannot read
 * (an unknown role, an image part) is left out rather than guessed.
 */

type JsonObject = Record<string, unknown>;

const TEXT_PART_SEPARATOR = '\n';

export function messageRole(value: unknown): Message['role'] | undefined {
  switch (value) {
    case 'system':
    case 'developer':
      return 'system';
    case 'user':
    case 'human':
      return 'user';
    case 'assistant':
    case 'model':
    case 'ai':
      return 'assistant';
    case 'tool':
    case 'function':
    case 'ipython':
      return 'tool';
    default:
      return undefined;
  }
}

/** Parses a JSON string attribute, or passes structured values on. Undefined when it is not JSON. */
export function jsonValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A list of messages in any of the shapes above. Undefined when the value is not a list at all
 * (the caller reports it); entries that are not messages are skipped.
 */
export function readMessages(value: unknown): Message[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const messages: Message[] = [];
  for (const entry of value) {
    const message = readMessage(entry);
    if (message) messages.push(message);
  }
  return messages;
}

export function readMessage(entry: unknown, fallbackRole?: Message['role']): Message | undefined {
  if (typeof entry === 'string') return fallbackRole ? { role: fallbackRole, content: entry } : undefined;
  if (!isObject(entry)) return undefined;
  const role = messageRole(entry.role) ?? fallbackRole;
  if (!role) return undefined;
  const content = entry.parts !== undefined ? partsText(entry.parts) : contentText(entry.content);
  // An assistant message that only calls tools has no content but tool_calls (OpenAI shape).
  const toolCalls = entry.tool_calls ?? entry.toolCalls;
  const calls = toolCalls !== undefined ? partsText(toolCalls) : '';
  return { role, content: calls === '' ? content : content === '' ? calls : content + TEXT_PART_SEPARATOR + calls };
}

/** `content` as a string, a list of parts, or a single part. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content === undefined || content === null) return '';
  if (Array.isArray(content)) return partsText(content);
  if (isObject(content)) return partText(content);
  return typeof content === 'number' || typeof content === 'boolean' ? String(content) : '';
}

/** The text of a list of parts, joined by newlines; parts without text (images, blobs) are skipped. */
export function partsText(parts: unknown): string {
  if (typeof parts === 'string') return parts;
  if (!Array.isArray(parts)) return isObject(parts) ? partText(parts) : '';
  let text = '';
  for (const part of parts) {
    const piece = typeof part === 'string' ? part : isObject(part) ? partText(part) : '';
    if (piece === '') continue;
    text = text === '' ? piece : text + TEXT_PART_SEPARATOR + piece;
  }
  return text;
}

function partText(part: JsonObject): string {
  switch (part.type) {
    case 'tool_call':
    case 'tool-call':
    case 'function_call':
    case 'function': {
      // A tool call is context the model sees: keep it as `name(arguments)`.
      const fn = isObject(part.function) ? part.function : part;
      const name = stringOr(fn.name ?? part.toolName, 'tool');
      return `${name}(${asText(fn.arguments ?? part.input ?? part.args)})`;
    }
    case 'tool_call_response':
    case 'tool-result':
    case 'tool_result':
    case 'function_call_output': {
      const output = part.response ?? part.output ?? part.result ?? part.content;
      // The AI SDK wraps results: {type: "json" | "text" | "error-text" | …, value}.
      return asText(isObject(output) && typeof output.type === 'string' && 'value' in output ? output.value : output);
    }
    default:
      if (typeof part.content === 'string') return part.content;
      if (typeof part.text === 'string') return part.text;
      // Untyped tool calls: the Vercel AI SDK's ai.response.toolCalls, OpenAI's message.tool_calls.
      if (typeof part.toolName === 'string') return `${part.toolName}(${asText(part.input ?? part.args)})`;
      if (isObject(part.function)) return partText({ ...part, type: 'function_call' });
      return '';
  }
}

/** A value as text: strings as they are, anything else as compact JSON. */
export function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return '';
  }
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/**
 * A tool argument or result: JSON text is parsed (so arguments compare structurally across runs),
 * other text is kept as text. Only a leading `{`, `[` or `"` is worth a parse attempt.
 */
export function structuredValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const first = firstNonSpace(value);
  if (first !== '{' && first !== '[' && first !== '"') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function firstNonSpace(text: string): string {
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char !== 0x20 && char !== 0x0a && char !== 0x0d && char !== 0x09) return text[index] as string;
  }
  return '';
}

/**
 * Tool definitions: gen_ai.tool.definitions (`[{type: "function", name, description, parameters}]`),
 * OpenAI's nested `{type: "function", function: {…}}`, and the Vercel AI SDK's `inputSchema`.
 */
export function readToolDefinitions(value: unknown): ToolDefinition[] | undefined {
  const list = Array.isArray(value) ? (value as unknown[]) : isObject(value) ? [value] : undefined;
  if (!list) return undefined;
  const definitions: ToolDefinition[] = [];
  for (const raw of list) {
    const entry = typeof raw === 'string' ? jsonValue(raw) : raw;
    const definition = readToolDefinition(entry);
    if (definition) definitions.push(definition);
  }
  return definitions;
}

export function readToolDefinition(entry: unknown): ToolDefinition | undefined {
  if (!isObject(entry)) return undefined;
  const fn = isObject(entry.function) ? entry.function : entry;
  if (typeof fn.name !== 'string' || fn.name === '') return undefined;
  const inputSchema = fn.parameters ?? fn.inputSchema ?? fn.input_schema;
  const outputSchema = fn.outputSchema ?? fn.output_schema;
  return {
    name: fn.name,
    ...(typeof fn.description === 'string' && { description: fn.description }),
    ...(inputSchema !== undefined && inputSchema !== null && { inputSchema: typeof inputSchema === 'string' ? (jsonValue(inputSchema) ?? inputSchema) : inputSchema }),
    ...(outputSchema !== undefined && outputSchema !== null && { outputSchema }),
  };
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
