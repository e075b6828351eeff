/**
 * Every attribute and event name the trace conventions read, in one place, by convention.
 *
 * - OpenTelemetry GenAI semantic conventions (checked against @opentelemetry/semantic-conventions
 *   1.45 and the semantic-conventions-genai docs): the current names and the ones they replaced,
 *   since instrumentations keep emitting v1.36-era names by default.
 * - Vercel AI SDK telemetry (checked against the `ai` package 6.x source): `ai.*` spans.
 * - OpenInference (Arize; checked against openinference-semantic-conventions): flattened,
 *   index-numbered attributes.
 * - mimir.*: what OTel has no word for (DESIGN.md "Trace conventions").
 */

export const GENAI = {
  operationName: 'gen_ai.operation.name',
  /** Replaced by gen_ai.provider.name. */
  system: 'gen_ai.system',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  /** Replaced by gen_ai.usage.input_tokens. */
  promptTokens: 'gen_ai.usage.prompt_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  /** Replaced by gen_ai.usage.output_tokens. */
  completionTokens: 'gen_ai.usage.completion_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  toolDefinitions: 'gen_ai.tool.definitions',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  systemInstructions: 'gen_ai.system_instructions',
  /** Removed: a JSON list of {role, content}; also flattened as gen_ai.prompt.N.role/content (OpenLLMetry). */
  prompt: 'gen_ai.prompt',
  /** Removed: as gen_ai.prompt, for the response. */
  completion: 'gen_ai.completion',
  conversationId: 'gen_ai.conversation.id',
  errorType: 'error.type',
} as const;

/** gen_ai.operation.name values. */
export const GENAI_OPERATIONS = {
  chat: 'chat',
  textCompletion: 'text_completion',
  generateContent: 'generate_content',
  executeTool: 'execute_tool',
  invokeAgent: 'invoke_agent',
  createAgent: 'create_agent',
  invokeWorkflow: 'invoke_workflow',
  embeddings: 'embeddings',
  retrieval: 'retrieval',
} as const;

export const GENAI_EVENTS = {
  evaluationResult: 'gen_ai.evaluation.result',
  evaluationName: 'gen_ai.evaluation.name',
  evaluationScoreValue: 'gen_ai.evaluation.score.value',
  evaluationScoreLabel: 'gen_ai.evaluation.score.label',
  // Event-based message content (semconv up to v1.36): one event per message.
  systemMessage: 'gen_ai.system.message',
  userMessage: 'gen_ai.user.message',
  assistantMessage: 'gen_ai.assistant.message',
  toolMessage: 'gen_ai.tool.message',
  choice: 'gen_ai.choice',
  /** Older still: a prompt / completion event carrying gen_ai.prompt / gen_ai.completion. */
  contentPrompt: 'gen_ai.content.prompt',
  contentCompletion: 'gen_ai.content.completion',
  /** Where span-event bridges put a log event's body (JSON). */
  eventContent: 'gen_ai.event.content',
} as const;

/** OpenTelemetry's process conventions: a command-line tool's exit status, where the instrumentation records it. */
export const PROCESS = {
  exitCode: 'process.exit.code',
} as const;

export const EXCEPTION = {
  event: 'exception',
  type: 'exception.type',
  message: 'exception.message',
} as const;

export const VERCEL = {
  operationId: 'ai.operationId',
  toolCallName: 'ai.toolCall.name',
  toolCallId: 'ai.toolCall.id',
  toolCallArgs: 'ai.toolCall.args',
  toolCallResult: 'ai.toolCall.result',
  promptMessages: 'ai.prompt.messages',
  /** On the outer span: JSON {system, prompt, messages}. */
  prompt: 'ai.prompt',
  promptTools: 'ai.prompt.tools',
  responseText: 'ai.response.text',
  responseToolCalls: 'ai.response.toolCalls',
  modelId: 'ai.model.id',
  responseModel: 'ai.response.model',
  inputTokens: 'ai.usage.inputTokens',
  /** AI SDK 4 and earlier. */
  promptTokens: 'ai.usage.promptTokens',
  outputTokens: 'ai.usage.outputTokens',
  /** AI SDK 4 and earlier. */
  completionTokens: 'ai.usage.completionTokens',
  /** `experimental_telemetry.metadata` keys land under this prefix: mimir.* can be passed that way. */
  metadataPrefix: 'ai.telemetry.metadata.',
  toolCallSpan: 'ai.toolCall',
} as const;

export const OPENINFERENCE = {
  spanKind: 'openinference.span.kind',
  modelName: 'llm.model_name',
  promptTokens: 'llm.token_count.prompt',
  completionTokens: 'llm.token_count.completion',
  inputMessages: 'llm.input_messages',
  outputMessages: 'llm.output_messages',
  tools: 'llm.tools',
  toolName: 'tool.name',
  toolCallId: 'tool_call.id',
  toolId: 'tool.id',
  inputValue: 'input.value',
  inputMimeType: 'input.mime_type',
  outputValue: 'output.value',
  sessionId: 'session.id',
} as const;

/** mimir.*: the vocabulary module owns the names with the parsers of their values. */
export { MIMIR } from './vocabulary.js';

/** The gen_ai.evaluation.result name whose result is the run's verified outcome. */
export const OUTCOME_EVALUATION_NAME = 'outcome';
