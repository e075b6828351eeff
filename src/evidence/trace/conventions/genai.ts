import type { Message, StepKind, VerifiedOutcome } from '../../../model/index.js';
import type { RawEvent } from '../span.js';
import type { ConventionReader } from './convention.js';
import type { MessageHistoryCache } from './message-history.js';
import { isObject, jsonValue, readMessage, readMessages } from './messages.js';
import { GENAI, GENAI_EVENTS, GENAI_OPERATIONS, OUTCOME_EVALUATION_NAME } from './names.js';
import type { OutcomeRecord } from './span-record.js';
import type { SpanView } from './span-view.js';
import { outcomeOfLabel } from './vocabulary.js';

/**
 * The OpenTelemetry GenAI semantic conventions: the base every span is read with (its names are
 * asked first whatever convention speaks), the older attribute names they replaced, and message
 * content recorded as events (asked last).
 */

/** Flattened lists (OpenLLMetry) longer than this are cut: a guard, not a real limit. */
export const MAX_FLATTENED_ITEMS = 10_000;
/** Probed on every llm span without current message attributes: built once, not per span. */
const PROMPT_0_CONTENT = `${GENAI.prompt}.0.content`;
const PROMPT_0_ROLE = `${GENAI.prompt}.0.role`;
const COMPLETION_0_CONTENT = `${GENAI.completion}.0.content`;
const COMPLETION_0_ROLE = `${GENAI.completion}.0.role`;

/** The step kind of a span that names its gen_ai.operation.name. */
export function genAiOperationKind(operation: string): StepKind {
  switch (operation) {
    case GENAI_OPERATIONS.chat:
    case GENAI_OPERATIONS.textCompletion:
    case GENAI_OPERATIONS.generateContent:
      return 'llm';
    case GENAI_OPERATIONS.executeTool:
      return 'tool';
    default:
      // invoke_agent, create_agent, invoke_workflow, embeddings, retrieval and newer operations.
      return 'other';
  }
}

/** Instrumentations older than gen_ai.operation.name (OpenLLMetry, semconv before 1.27): the kind from which attributes are there. */
export function legacyGenAiKind(view: SpanView): StepKind {
  const attributes = view.attributes;
  if (attributes.has(GENAI.toolName)) return 'tool';
  if (attributes.has(GENAI.requestModel) || attributes.has(GENAI.system) || attributes.has(GENAI.providerName)) return 'llm';
  return 'other';
}

export const GENAI_ATTRIBUTES: ConventionReader = {
  model: (view) => view.string(GENAI.requestModel) ?? view.string(GENAI.responseModel),
  inputTokens: (view) => view.count(GENAI.inputTokens) ?? view.count(GENAI.promptTokens),
  outputTokens: (view) => view.count(GENAI.outputTokens) ?? view.count(GENAI.completionTokens),
  inputMessages: (view, histories) => histories.messageList(view, GENAI.inputMessages, true) ?? legacyMessages(view, GENAI.prompt, 'user'),
  outputMessages: (view, histories) => {
    const messages = histories.messageList(view, GENAI.outputMessages, false);
    if (messages !== undefined) {
      histories.rememberOutput(view, GENAI.outputMessages, messages);
      return messages;
    }
    return legacyMessages(view, GENAI.completion, 'assistant');
  },
  toolName: (view) => view.string(GENAI.toolName),
  toolCallId: (view) => view.string(GENAI.toolCallId),
  toolArguments: (view) => view.attributes.get(GENAI.toolCallArguments),
  toolResult: (view) => view.attributes.get(GENAI.toolCallResult),
  toolDefinitions: (view, cache) => {
    const raw = view.attributes.get(GENAI.toolDefinitions);
    return raw === undefined ? undefined : cache.read(raw);
  },
  conversationId: (view) => view.string(GENAI.conversationId),
};

/** Message content recorded as span events (GenAI semconv up to v1.36, and older): asked after every attribute. */
export const GENAI_EVENT_MESSAGES: ConventionReader = {
  inputMessages: (view) => eventMessages(view, 'input'),
  outputMessages: (view) => eventMessages(view, 'output'),
};

/** gen_ai.system_instructions, put before the input messages as a system message. */
export function withSystemInstructions(view: SpanView, messages: readonly Message[] | undefined, histories: MessageHistoryCache): readonly Message[] | undefined {
  const instructions = view.attributes.get(GENAI.systemInstructions);
  if (instructions === undefined) return messages;
  const system = histories.systemMessage(instructions);
  return system ? [system, ...(messages ?? [])] : messages;
}

/** A gen_ai.evaluation.result event named `outcome`: the run's verified outcome. */
export function outcomeEvent(view: SpanView, event: RawEvent): OutcomeRecord | undefined {
  const attributes = event.attributes;
  if (view.string(GENAI_EVENTS.evaluationName, attributes) !== OUTCOME_EVALUATION_NAME) return undefined;
  const label = view.string(GENAI_EVENTS.evaluationScoreLabel, attributes);
  let score = view.number(GENAI_EVENTS.evaluationScoreValue, attributes);
  if (score !== undefined && (score < 0 || score > 1)) {
    view.wrongType(GENAI_EVENTS.evaluationScoreValue, score, 'a score between 0 and 1');
    score = undefined;
  }
  // The label decides; a bare score only when it is unambiguous. 0.7 is not guessed into a pass.
  let status: VerifiedOutcome = label === undefined ? 'unknown' : outcomeOfLabel(label);
  if (status === 'unknown' && score !== undefined) status = score === 1 ? 'success' : score === 0 ? 'failure' : 'unknown';
  return { status, ...(score !== undefined && { score }), timeMs: event.timeMs };
}

/** `execute_tool get_weather` (the semconv span name) → `get_weather`. */
export function toolNameFromSpanName(name: string): string {
  const prefix = `${GENAI_OPERATIONS.executeTool} `;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** gen_ai.prompt / gen_ai.completion: a JSON list, plain text, or flattened `.N.role` / `.N.content`. */
function legacyMessages(view: SpanView, key: string, role: Message['role']): Message[] | undefined {
  const attributes = view.attributes;
  const raw = attributes.get(key);
  if (raw !== undefined) {
    const parsed = jsonValue(raw);
    if (Array.isArray(parsed)) return readMessages(parsed);
    return typeof raw === 'string' ? [{ role, content: raw }] : undefined;
  }
  if (!attributes.has(key === GENAI.prompt ? PROMPT_0_CONTENT : COMPLETION_0_CONTENT) && !attributes.has(key === GENAI.prompt ? PROMPT_0_ROLE : COMPLETION_0_ROLE)) {
    return undefined;
  }
  const messages: Message[] = [];
  for (let index = 0; index < MAX_FLATTENED_ITEMS; index++) {
    const messageRole = attributes.get(`${key}.${index}.role`);
    const content = attributes.get(`${key}.${index}.content`);
    if (messageRole === undefined && content === undefined) break;
    const message = readMessage({ role: messageRole, content }, role);
    if (message) messages.push(message);
  }
  return messages;
}

function eventMessages(view: SpanView, direction: 'input' | 'output'): readonly Message[] | undefined {
  let messages: readonly Message[] | undefined;
  for (const event of view.span.events) {
    let found: Message[] | undefined;
    switch (event.name) {
      case GENAI_EVENTS.systemMessage:
        if (direction === 'input') found = eventBody(event, 'system');
        break;
      case GENAI_EVENTS.userMessage:
        if (direction === 'input') found = eventBody(event, 'user');
        break;
      case GENAI_EVENTS.assistantMessage:
        if (direction === 'input') found = eventBody(event, 'assistant');
        break;
      case GENAI_EVENTS.toolMessage:
        if (direction === 'input') found = eventBody(event, 'tool');
        break;
      case GENAI_EVENTS.choice:
        if (direction === 'output') found = eventBody(event, 'assistant');
        break;
      case GENAI_EVENTS.contentPrompt:
        if (direction === 'input') found = readMessages(jsonValue(event.attributes.get(GENAI.prompt))) ?? [];
        break;
      case GENAI_EVENTS.contentCompletion:
        if (direction === 'output') found = readMessages(jsonValue(event.attributes.get(GENAI.completion))) ?? [];
        break;
      default:
        break;
    }
    if (found) messages = messages ? [...messages, ...found] : found;
  }
  return messages;
}

/** One message event's body: `gen_ai.event.content` (JSON), or `content` / `message` attributes. */
function eventBody(event: RawEvent, role: Message['role']): Message[] {
  const attributes = event.attributes;
  const body = attributes.get(GENAI_EVENTS.eventContent);
  const parsed = body === undefined ? undefined : jsonValue(body);
  let message: Message | undefined;
  if (isObject(parsed)) message = readMessage(parsed.message ?? parsed, role);
  if (!message) {
    const inner = attributes.get('message');
    const content = attributes.get('content');
    if (inner !== undefined) message = readMessage(jsonValue(inner) ?? inner, role);
    else if (content !== undefined) message = readMessage({ role: attributes.get('role'), content: jsonValue(content) ?? content }, role);
  }
  return message ? [message] : [];
}
