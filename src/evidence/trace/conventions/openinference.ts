import type { Message, StepKind, ToolDefinition } from '../../../model/index.js';
import type { ConventionReader } from './convention.js';
import { MAX_FLATTENED_ITEMS } from './genai.js';
import { asText, readMessage, readToolDefinitions } from './messages.js';
import { OPENINFERENCE } from './names.js';
import type { SpanView } from './span-view.js';

/** OpenInference (Arize): flattened, index-numbered attributes, on the spans openinference.span.kind marks. */

const OPENINFERENCE_TOOLS_0 = `${OPENINFERENCE.tools}.0.tool.json_schema`;
const OPENINFERENCE_INPUT_0_ROLE = `${OPENINFERENCE.inputMessages}.0.message.role`;
const OPENINFERENCE_INPUT_0_CONTENT = `${OPENINFERENCE.inputMessages}.0.message.content`;
const OPENINFERENCE_OUTPUT_0_ROLE = `${OPENINFERENCE.outputMessages}.0.message.role`;
const OPENINFERENCE_OUTPUT_0_CONTENT = `${OPENINFERENCE.outputMessages}.0.message.content`;

export function openInferenceKind(spanKind: string): StepKind {
  switch (spanKind) {
    case 'LLM':
      return 'llm';
    case 'TOOL':
      return 'tool';
    case 'GUARDRAIL':
      return 'guardrail';
    default:
      return 'other';
  }
}

/**
 * OpenInference's tool attributes (`tool.name`, `tool_call.id`, `input.value`, `output.value`) are
 * generic enough that instrumentations set them without openinference.span.kind: they are asked
 * on every span, after the speaking convention's own names.
 */
export const OPENINFERENCE_TOOL_ATTRIBUTES: ConventionReader = {
  toolName: (view) => view.string(OPENINFERENCE.toolName),
  toolCallId: (view) => view.string(OPENINFERENCE.toolCallId) ?? view.string(OPENINFERENCE.toolId) ?? langChainToolMessage(view)?.toolCallId,
  toolArguments: (view) => {
    const input = view.attributes.get(OPENINFERENCE.inputValue);
    // The LangChain instrumentation records a one-argument tool's input as the bare value
    // (`"checkout-api"`, text/plain): its name is not recorded, so it is no arguments object, and
    // read as one it would break every input schema. Unknown is the honest reading.
    if (typeof input === 'string' && view.string(OPENINFERENCE.inputMimeType) === 'text/plain' && !input.trimStart().startsWith('{')) return undefined;
    return input;
  },
  toolResult: (view) => {
    const message = langChainToolMessage(view);
    return message === undefined ? view.attributes.get(OPENINFERENCE.outputValue) : message.content;
  },
};

/**
 * A LangChain tool span's `output.value` is the serialized ToolMessage
 * (`{"lc":1,"type":"constructor","id":[…,"ToolMessage"],"kwargs":{"content":…,"tool_call_id":…}}`,
 * under `{"output": …}` from LangGraph's tool node):
 * the tool's result is its content, and the call id (which the instrumentation sets nowhere else,
 * and approvals bind to) is its tool_call_id.
 */
function langChainToolMessage(view: SpanView): LangChainToolMessage | undefined {
  const output = view.attributes.get(OPENINFERENCE.outputValue);
  if (typeof output !== 'string' || !(output.startsWith('{"lc":') || output.startsWith('{"output":{"lc":'))) return undefined;
  // The call id and the result are asked of one span one after the other: parse its output once.
  if (lastToolMessage?.output !== output) lastToolMessage = { output, message: parseToolMessage(output) };
  return lastToolMessage.message;
}

interface LangChainToolMessage {
  readonly content: string;
  readonly toolCallId: string | undefined;
}

let lastToolMessage: { readonly output: string; readonly message: LangChainToolMessage | undefined } | undefined;

function parseToolMessage(output: string): LangChainToolMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return undefined;
  }
  // LangGraph's tool node wraps it: {"output": <ToolMessage>}.
  if (typeof parsed === 'object' && parsed !== null && 'output' in parsed) parsed = parsed.output;
  const serialized = parsed as { readonly id?: unknown; readonly kwargs?: unknown } | null;
  if (serialized === null || !Array.isArray(serialized.id) || serialized.id.at(-1) !== 'ToolMessage' || typeof serialized.kwargs !== 'object' || serialized.kwargs === null) return undefined;
  const { content, tool_call_id: toolCallId } = serialized.kwargs as { readonly content?: unknown; readonly tool_call_id?: unknown };
  return { content: asText(content), toolCallId: typeof toolCallId === 'string' && toolCallId !== '' ? toolCallId : undefined };
}

export const OPENINFERENCE_ATTRIBUTES: ConventionReader = {
  ...OPENINFERENCE_TOOL_ATTRIBUTES,
  model: (view) => view.string(OPENINFERENCE.modelName),
  inputTokens: (view) => view.count(OPENINFERENCE.promptTokens),
  outputTokens: (view) => view.count(OPENINFERENCE.completionTokens),
  inputMessages: (view) => flattenedMessages(view, OPENINFERENCE.inputMessages),
  outputMessages: (view) => flattenedMessages(view, OPENINFERENCE.outputMessages),
  toolDefinitions: (view, cache) => {
    const attributes = view.attributes;
    if (!attributes.has(OPENINFERENCE_TOOLS_0)) return undefined;
    const definitions: ToolDefinition[] = [];
    for (let index = 0; index < MAX_FLATTENED_ITEMS; index++) {
      const schema = attributes.get(`${OPENINFERENCE.tools}.${index}.tool.json_schema`);
      if (schema === undefined) break;
      definitions.push(...(typeof schema === 'string' ? (cache.parse(schema) ?? []) : (readToolDefinitions(schema) ?? [])));
    }
    return definitions;
  },
  conversationId: (view) => view.string(OPENINFERENCE.sessionId),
};

/** `llm.input_messages.N.message.role` / `.content` / `.contents.M.message_content.text`. */
function flattenedMessages(view: SpanView, prefix: string): Message[] | undefined {
  const attributes = view.attributes;
  const input = prefix === OPENINFERENCE.inputMessages;
  if (!attributes.has(input ? OPENINFERENCE_INPUT_0_ROLE : OPENINFERENCE_OUTPUT_0_ROLE) && !attributes.has(input ? OPENINFERENCE_INPUT_0_CONTENT : OPENINFERENCE_OUTPUT_0_CONTENT)) {
    return undefined;
  }
  const messages: Message[] = [];
  for (let index = 0; index < MAX_FLATTENED_ITEMS; index++) {
    const at = `${prefix}.${index}.message.`;
    const role = attributes.get(`${at}role`);
    let content = attributes.get(`${at}content`);
    if (role === undefined && content === undefined && !attributes.has(`${at}contents.0.message_content.text`)) break;
    if (content === undefined) {
      const texts: string[] = [];
      for (let part = 0; part < MAX_FLATTENED_ITEMS; part++) {
        const text = attributes.get(`${at}contents.${part}.message_content.text`);
        if (text === undefined) break;
        texts.push(asText(text));
      }
      content = texts.join('\n');
    }
    const calls: string[] = [];
    for (let call = 0; call < MAX_FLATTENED_ITEMS; call++) {
      const name = attributes.get(`${at}tool_calls.${call}.tool_call.function.name`);
      if (name === undefined) break;
      calls.push(`${asText(name)}(${asText(attributes.get(`${at}tool_calls.${call}.tool_call.function.arguments`))})`);
    }
    const message = readMessage({ role, content: calls.length === 0 ? content : [asText(content), ...calls].filter((piece) => piece !== '').join('\n') });
    if (message) messages.push(message);
  }
  return messages;
}
