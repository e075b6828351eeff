import type {
  ApprovalDecision,
  ApprovalStep,
  ClaimedStatus,
  LlmStep,
  MemoryAccess,
  MemoryOperation,
  Message,
  OtherStep,
  RiskClass,
  Step,
  StepKind,
  StateWrite,
  ToolDefinition,
  ToolStep,
  VerifiedOutcome,
} from '../../../model/index.js';
import type { AttrValue, Attributes, RawEvent, RawSpan } from '../span.js';
import { describeValue as describe, type FileProblems, type ProblemPlace } from '../problems.js';
import { isRiskClass, type CompiledReadOptions, type NameList } from './compiled-options.js';
import { asText, isObject, jsonValue, readMessage, readMessages, readToolDefinition, readToolDefinitions, structuredValue } from './messages.js';
import { EXCEPTION, GENAI, GENAI_EVENTS, GENAI_OPERATIONS, MIMIR, OPENINFERENCE, OUTCOME_EVALUATION_NAME, PROCESS, VERCEL } from './names.js';
import type { OutcomeRecord, RunAttributes, SpanRecord, TimedStep } from './span-record.js';

/**
 * Reads one span through the conventions into a SpanRecord. Which convention speaks is decided
 * per span from its own markers (gen_ai.operation.name, the Vercel `ai.*` operation id,
 * openinference.span.kind), so only the names of that convention are looked up; mimir.* and the
 * team's mapped names apply to all. A value of the wrong type is reported, left out, and marks the
 * span damaged: unknown stays unknown.
 */

type Convention = 'genai' | 'vercel' | 'openinference' | 'none';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** The fields every step has, filled first; the kind's own fields are added by assignment (no spread per field). */
type StepBase = Mutable<Pick<LlmStep, 'id' | 'name' | 'status' | 'startedAt' | 'endedAt' | 'error'>>;

/** Steps kinds mimir.step.kind may name. */
const STEP_KINDS: ReadonlySet<string> = new Set<StepKind>(['llm', 'tool', 'approval', 'checkpoint', 'review', 'handoff', 'guardrail', 'memory', 'other']);
/** Flattened lists (OpenInference, OpenLLMetry) longer than this are cut: a guard, not a real limit. */
const MAX_FLATTENED_ITEMS = 10_000;
/** Distinct tool-definition strings remembered: the same agent sends the same definitions on every call. */
const TOOL_DEFINITION_CACHE = 32;
const ERROR_RESULT_EXCERPT = 200;
/** Histories remembered (one per trace, the latest), by count and by characters. */
const HISTORY_CACHE_ENTRIES = 4096;
const HISTORY_CACHE_CHARS = 32 * 1024 * 1024;
const COMMA = 0x2c;
/** Probed on every llm span without current message attributes: built once, not per span. */
const PROMPT_0_CONTENT = `${GENAI.prompt}.0.content`;
const PROMPT_0_ROLE = `${GENAI.prompt}.0.role`;
const COMPLETION_0_CONTENT = `${GENAI.completion}.0.content`;
const COMPLETION_0_ROLE = `${GENAI.completion}.0.role`;
const OPENINFERENCE_TOOLS_0 = `${OPENINFERENCE.tools}.0.tool.json_schema`;
const OPENINFERENCE_INPUT_0_ROLE = `${OPENINFERENCE.inputMessages}.0.message.role`;
const OPENINFERENCE_INPUT_0_CONTENT = `${OPENINFERENCE.inputMessages}.0.message.content`;
const OPENINFERENCE_OUTPUT_0_ROLE = `${OPENINFERENCE.outputMessages}.0.message.role`;
const OPENINFERENCE_OUTPUT_0_CONTENT = `${OPENINFERENCE.outputMessages}.0.message.content`;

interface ParsedList {
  readonly raw: string;
  readonly messages: readonly Message[];
}

interface History extends ParsedList {
  /** The trace's last model output, parsed: the next call's history usually starts its tail with it. */
  readonly output?: ParsedList;
}

export class SpanNormalizer {
  private span!: RawSpan;
  private damaged = false;
  private vercel = false;
  private readonly toolDefinitionCache = new Map<string, ToolDefinition[] | null>();
  /**
   * The last input message list parsed per trace. An agent resends its whole history on every
   * call, so each call's list usually extends the previous one: then only the new tail is parsed
   * and the earlier Message objects are shared, which saves most of the parsing and the memory.
   */
  private readonly histories = new Map<string, History>();
  private historyChars = 0;

  constructor(
    private readonly options: CompiledReadOptions,
    private readonly problems: FileProblems,
  ) {}

  normalize(span: RawSpan): SpanRecord {
    this.span = span;
    this.damaged = span.damaged;
    const attributes = span.attributes;

    const aiOperation = this.string(attributes, VERCEL.operationId) ?? (span.name.startsWith('ai.') ? span.name : undefined);
    const operation = this.string(attributes, GENAI.operationName);
    const openInferenceKind = operation === undefined && aiOperation === undefined ? this.string(attributes, OPENINFERENCE.spanKind) : undefined;
    const convention: Convention =
      operation !== undefined ? 'genai' : aiOperation !== undefined ? 'vercel' : openInferenceKind !== undefined ? 'openinference' : 'none';
    this.vercel = convention === 'vercel';
    const mapped = this.options.names;

    const base = this.base();
    let kind = this.kind(convention, operation, aiOperation, openInferenceKind);
    // A span no convention classifies that says it touched memory is a memory step; a tool call
    // that does stays a tool call, with its memory access attached below.
    if (kind === 'other' && this.firstPresent(attributes, this.names(mapped.memoryOperation)) !== undefined && !this.hasExplicitKind()) kind = 'memory';

    let step: Step;
    switch (kind) {
      case 'llm':
        step = this.llmStep(base, convention);
        break;
      case 'tool':
        step = this.toolStep(base, convention);
        break;
      case 'approval': {
        const approval = this.approvalFields(attributes);
        step = approval ? ({ ...base, kind: 'approval', ...approval } satisfies ApprovalStep) : ({ ...base, kind: 'other' } satisfies OtherStep);
        break;
      }
      case 'checkpoint': {
        const checkpointId = this.firstString(attributes, this.names(mapped.checkpointId));
        if (checkpointId !== undefined) base.name = checkpointId;
        step = { ...base, kind: 'checkpoint' } satisfies OtherStep;
        break;
      }
      case 'review':
      case 'handoff':
      case 'guardrail':
      case 'memory':
      case 'other':
        step = { ...base, kind } satisfies OtherStep;
        break;
    }
    if (step.kind !== 'llm' && step.kind !== 'approval') this.attachStateAccess(step, attributes);

    let eventSteps: TimedStep[] | undefined;
    let outcome: OutcomeRecord | undefined;
    const events = span.events;
    for (let index = 0; index < events.length; index++) {
      const event = events[index] as RawEvent;
      if (event.name === GENAI_EVENTS.evaluationResult) {
        outcome = this.outcome(event) ?? outcome;
        continue;
      }
      const eventStep = this.eventStep(event, index);
      if (eventStep) (eventSteps ??= []).push(eventStep);
    }

    const isRootLike = span.parentSpanId === undefined || attributes.has(MIMIR.runId);
    return {
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      name: span.name,
      startMs: span.startMs,
      endMs: span.endMs,
      step,
      eventSteps,
      run: isRootLike ? this.runAttributes(attributes) : undefined,
      outcome,
      conversationId: this.string(attributes, GENAI.conversationId) ?? (convention === 'openinference' ? this.string(attributes, OPENINFERENCE.sessionId) : undefined),
      toolDefinitions: kind === 'tool' ? undefined : this.toolDefinitions(attributes, convention),
      position: span.position,
      damaged: this.damaged,
      approxBytes: span.approxBytes,
    };
  }

  /** The trace became a run: its history is no longer needed. */
  forgetTrace(traceId: string): void {
    const entry = this.histories.get(traceId);
    if (!entry) return;
    this.historyChars -= historyLength(entry);
    this.histories.delete(traceId);
  }

  /** A mapped name list for the current span: Vercel spans also carry mimir.* as telemetry metadata. */
  private names(list: NameList): readonly string[] {
    return this.vercel ? list.vercel : list.plain;
  }

  private hasExplicitKind(): boolean {
    return this.firstPresent(this.span.attributes, this.names(this.options.names.stepKind)) !== undefined;
  }

  /** mimir.memory.* and mimir.state.* on a tool call or another step: what it did to memory and shared state. */
  private attachStateAccess(step: Mutable<ToolStep> | Mutable<OtherStep>, attributes: Attributes): void {
    const memory = this.memoryAccess(attributes);
    if (memory !== undefined) step.memory = memory;
    const stateWrite = this.stateWrite(attributes);
    if (stateWrite !== undefined) step.stateWrite = stateWrite;
  }

  private memoryAccess(attributes: Attributes): MemoryAccess | undefined {
    const mapped = this.options.names;
    const key = this.firstKey(attributes, this.names(mapped.memoryOperation));
    if (key === undefined) return undefined;
    const raw = attributes.get(key);
    const operation = typeof raw === 'string' ? memoryOperationOf(raw) : undefined;
    if (operation === undefined) {
      this.wrongType(key, raw, 'read, write or delete');
      return undefined;
    }
    const access: Mutable<MemoryAccess> = { operation };
    const scope = this.nonEmptyString(attributes, this.names(mapped.memoryScope));
    if (scope !== undefined) access.scope = scope;
    const entry = this.nonEmptyString(attributes, this.names(mapped.memoryKey));
    if (entry !== undefined) access.key = entry;
    const contentKey = this.firstKey(attributes, this.names(mapped.memoryContent));
    if (contentKey !== undefined) {
      // Content may be recorded as text or as a structured value (a list of facts, a JSON object).
      const content = asText(structuredValue(attributes.get(contentKey)));
      if (content !== '') access.content = content;
    }
    return access;
  }

  private stateWrite(attributes: Attributes): StateWrite | undefined {
    const mapped = this.options.names;
    const key = this.nonEmptyString(attributes, this.names(mapped.stateKey));
    if (key === undefined) return undefined;
    const write: Mutable<StateWrite> = { key };
    const baseVersion = this.nonEmptyString(attributes, this.names(mapped.stateBaseVersion));
    if (baseVersion !== undefined) write.baseVersion = baseVersion;
    const version = this.nonEmptyString(attributes, this.names(mapped.stateVersion));
    if (version !== undefined) write.version = version;
    const merge = this.nonEmptyString(attributes, this.names(mapped.stateMerge));
    if (merge !== undefined) write.merge = merge;
    return write;
  }

  /** A string attribute that says something: an empty scope or key is no scope or key. */
  private nonEmptyString(attributes: Attributes, keys: readonly string[]): string | undefined {
    const value = this.firstString(attributes, keys);
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  // ---- classification ----

  private kind(convention: Convention, operation: string | undefined, aiOperation: string | undefined, openInferenceKind: string | undefined): StepKind {
    const attributes = this.span.attributes;
    const mapped = this.options.names;
    const explicit = this.firstString(attributes, this.names(mapped.stepKind));
    if (explicit !== undefined) {
      if (STEP_KINDS.has(explicit)) return explicit as StepKind;
      this.wrongType(MIMIR.stepKind, explicit, `one of ${[...STEP_KINDS].join(', ')}`);
    }
    if (this.firstPresent(attributes, this.names(mapped.approvalDecision)) !== undefined) return 'approval';
    if (this.firstPresent(attributes, this.names(mapped.checkpointId)) !== undefined) return 'checkpoint';
    switch (convention) {
      case 'genai':
        switch (operation) {
          case GENAI_OPERATIONS.chat:
          case GENAI_OPERATIONS.textCompletion:
          case GENAI_OPERATIONS.generateContent:
            return 'llm';
          case GENAI_OPERATIONS.executeTool:
            return 'tool';
          case undefined:
          default:
            // invoke_agent, create_agent, invoke_workflow, embeddings, retrieval and newer operations.
            return 'other';
        }
      case 'vercel':
        if (aiOperation === VERCEL.toolCallSpan) return 'tool';
        // ai.generateText.doGenerate, ai.streamText.doStream, …: the provider call itself.
        if (aiOperation !== undefined && (aiOperation.endsWith('.doGenerate') || aiOperation.endsWith('.doStream'))) return 'llm';
        return 'other';
      case 'openinference':
        switch (openInferenceKind) {
          case 'LLM':
            return 'llm';
          case 'TOOL':
            return 'tool';
          case 'GUARDRAIL':
            return 'guardrail';
          case undefined:
          default:
            return 'other';
        }
      case 'none':
        // Instrumentations older than gen_ai.operation.name (OpenLLMetry, semconv before 1.27).
        if (attributes.has(GENAI.toolName)) return 'tool';
        if (attributes.has(GENAI.requestModel) || attributes.has(GENAI.system) || attributes.has(GENAI.providerName)) return 'llm';
        return 'other';
    }
  }

  // ---- steps ----

  private base(): StepBase {
    const span = this.span;
    const errorType = this.string(span.attributes, GENAI.errorType);
    const failed = span.statusCode === 'error' || errorType !== undefined;
    const base: StepBase = { id: span.spanId, name: span.name, status: failed ? 'error' : 'ok' };
    if (span.startMs !== undefined) base.startedAt = isoTime(span.startMs);
    if (span.endMs !== undefined) base.endedAt = isoTime(span.endMs);
    if (failed) {
      const exception = span.events.find((event) => event.name === EXCEPTION.event);
      const exceptionType = exception ? this.string(exception.attributes, EXCEPTION.type) : undefined;
      const message = span.statusMessage ?? (exception ? this.string(exception.attributes, EXCEPTION.message) : undefined);
      // `_OTHER` is OTel's own value for an error of unknown type.
      base.error = message === undefined ? { type: errorType ?? exceptionType ?? '_OTHER' } : { type: errorType ?? exceptionType ?? '_OTHER', message };
    }
    return base;
  }

  private llmStep(base: StepBase, convention: Convention): LlmStep {
    const attributes = this.span.attributes;
    const vercel = convention === 'vercel';
    const openInference = convention === 'openinference';
    // The base becomes the step (no copy): `kind` is the one field every step type adds.
    const step = base as Mutable<LlmStep>;
    step.kind = 'llm';
    const model =
      this.string(attributes, GENAI.requestModel) ??
      this.string(attributes, GENAI.responseModel) ??
      (vercel ? this.string(attributes, VERCEL.modelId) : undefined) ??
      (openInference ? this.string(attributes, OPENINFERENCE.modelName) : undefined);
    if (model !== undefined) {
      step.model = model;
      const contextWindow = this.options.contextWindow(model);
      if (contextWindow !== undefined) step.contextWindow = contextWindow;
    }
    const inputMessages = this.inputMessages(convention);
    if (inputMessages !== undefined) step.inputMessages = inputMessages;
    const outputMessages = this.outputMessages(convention);
    if (outputMessages !== undefined) step.outputMessages = outputMessages;
    const inputTokens =
      this.count(attributes, GENAI.inputTokens) ??
      this.count(attributes, GENAI.promptTokens) ??
      (vercel ? (this.count(attributes, VERCEL.inputTokens) ?? this.count(attributes, VERCEL.promptTokens)) : undefined) ??
      (openInference ? this.count(attributes, OPENINFERENCE.promptTokens) : undefined);
    if (inputTokens !== undefined) step.inputTokens = inputTokens;
    const outputTokens =
      this.count(attributes, GENAI.outputTokens) ??
      this.count(attributes, GENAI.completionTokens) ??
      (vercel ? (this.count(attributes, VERCEL.outputTokens) ?? this.count(attributes, VERCEL.completionTokens)) : undefined) ??
      (openInference ? this.count(attributes, OPENINFERENCE.completionTokens) : undefined);
    if (outputTokens !== undefined) step.outputTokens = outputTokens;
    const confidence = this.confidence(attributes, this.names(this.options.names.confidence));
    if (confidence !== undefined) step.confidence = confidence;
    return step;
  }

  private toolStep(base: StepBase, convention: Convention): ToolStep {
    const attributes = this.span.attributes;
    const vercel = convention === 'vercel';
    const toolName =
      this.string(attributes, GENAI.toolName) ??
      (vercel ? this.string(attributes, VERCEL.toolCallName) : undefined) ??
      this.string(attributes, OPENINFERENCE.toolName) ??
      toolNameFromSpanName(this.span.name);
    const step = base as Mutable<ToolStep>;
    step.kind = 'tool';
    step.toolName = toolName;
    const callId =
      this.string(attributes, GENAI.toolCallId) ??
      (vercel ? this.string(attributes, VERCEL.toolCallId) : undefined) ??
      this.string(attributes, OPENINFERENCE.toolCallId) ??
      this.string(attributes, OPENINFERENCE.toolId);
    if (callId !== undefined) step.callId = callId;
    const rawArguments = attributes.get(GENAI.toolCallArguments) ?? (vercel ? attributes.get(VERCEL.toolCallArgs) : undefined) ?? attributes.get(OPENINFERENCE.inputValue);
    if (rawArguments !== undefined) step.arguments = structuredValue(rawArguments);
    const rawResult = attributes.get(GENAI.toolCallResult) ?? (vercel ? attributes.get(VERCEL.toolCallResult) : undefined) ?? attributes.get(OPENINFERENCE.outputValue);
    // A recorded outcome decides: a command's exit code, or a span status the instrumentation set.
    const exitCode = this.integer(attributes, PROCESS.exitCode);
    if (exitCode !== undefined && exitCode !== 0 && step.status === 'ok') {
      step.status = 'error';
      step.error = { type: 'exit-code', message: `exited with code ${exitCode}` };
    }
    const outcomeRecorded = exitCode !== undefined || this.span.statusCode !== 'unset';
    if (rawResult !== undefined) {
      step.result = structuredValue(rawResult);
      // Text patterns only decide where nothing else recorded the outcome: a script may print
      // "Error: …" on purpose and still exit 0.
      if (this.options.hasErrorPatterns && !outcomeRecorded) {
        const text = typeof rawResult === 'string' ? rawResult : asText(rawResult);
        if (this.options.looksLikeError(text)) {
          // Many tools report failure as text in an OK span: the result decides, not the span status.
          step.status = 'error';
          step.error ??= { type: 'error-result', message: firstLine(text, ERROR_RESULT_EXCERPT) };
        }
      }
    }
    // mimir.yaml's declaration wins: the reviewer's risk class, which a trace attribute must not be able to lower.
    const risk = this.options.declaredRisk(toolName) ?? this.risk(attributes, this.names(this.options.names.toolRisk));
    if (risk !== undefined) step.risk = risk;
    return step;
  }

  private approvalFields(attributes: Attributes): { decision: ApprovalDecision; toolCallId?: string; actor?: string } | undefined {
    const mapped = this.options.names;
    const key = this.firstKey(attributes, this.names(mapped.approvalDecision));
    if (key === undefined) return undefined;
    const raw = attributes.get(key);
    const decision = typeof raw === 'string' ? approvalDecision(raw) : undefined;
    if (decision === undefined) {
      this.wrongType(key, raw, 'approved, denied, modified or timeout');
      return undefined;
    }
    const toolCallId = this.firstString(attributes, this.names(mapped.approvalToolCallId));
    const actor = this.firstString(attributes, this.names(mapped.approvalActor));
    return { decision, ...(toolCallId !== undefined && { toolCallId }), ...(actor !== undefined && { actor }) };
  }

  /** An approval or checkpoint recorded as a span event. */
  private eventStep(event: RawEvent, index: number): TimedStep | undefined {
    const mapped = this.options.names;
    const attributes = event.attributes;
    if (attributes.size === 0) return undefined;
    const id = `${this.span.spanId}:${index}`;
    const times = event.timeMs === undefined ? {} : { startedAt: isoTime(event.timeMs), endedAt: isoTime(event.timeMs) };
    if (this.firstPresent(attributes, this.names(mapped.approvalDecision)) !== undefined) {
      const approval = this.approvalFields(attributes);
      if (!approval) return undefined;
      const step: ApprovalStep = { id, name: event.name === '' ? 'approval' : event.name, status: 'ok', ...times, kind: 'approval', ...approval };
      return { step, startMs: event.timeMs };
    }
    const checkpointId = this.firstString(attributes, this.names(mapped.checkpointId));
    if (checkpointId !== undefined) {
      const step: OtherStep = { id, name: checkpointId, status: 'ok', ...times, kind: 'checkpoint' };
      return { step, startMs: event.timeMs };
    }
    // A memory access or a state write recorded as an event on the span that made it.
    const memory = this.firstPresent(attributes, this.names(mapped.memoryOperation)) === undefined ? undefined : this.memoryAccess(attributes);
    const stateWrite = this.stateWrite(attributes);
    if (memory !== undefined || stateWrite !== undefined) {
      const step: Mutable<OtherStep> = { id, name: event.name === '' ? (memory ? 'memory' : 'state') : event.name, status: 'ok', ...times, kind: memory ? 'memory' : 'other' };
      if (memory) step.memory = memory;
      if (stateWrite) step.stateWrite = stateWrite;
      return { step, startMs: event.timeMs };
    }
    return undefined;
  }

  // ---- messages ----

  private inputMessages(convention: Convention): readonly Message[] | undefined {
    const attributes = this.span.attributes;
    let messages = this.messageList(GENAI.inputMessages, true);
    if (messages === undefined) messages = this.legacyMessages(GENAI.prompt, 'user');
    if (messages === undefined && convention === 'vercel') messages = this.messageList(VERCEL.promptMessages, true);
    if (messages === undefined && convention === 'openinference') messages = this.flattenedOpenInference(OPENINFERENCE.inputMessages);
    if (messages === undefined) messages = this.eventMessages('input');
    const instructions = attributes.get(GENAI.systemInstructions);
    if (instructions !== undefined) {
      const system = readMessage({ role: 'system', parts: jsonValue(instructions) ?? instructions });
      if (system && system.content !== '') messages = [system, ...(messages ?? [])];
    }
    return messages;
  }

  private outputMessages(convention: Convention): readonly Message[] | undefined {
    const attributes = this.span.attributes;
    let messages = this.messageList(GENAI.outputMessages, false);
    if (messages !== undefined) this.rememberOutput(GENAI.outputMessages, messages);
    if (messages === undefined) messages = this.legacyMessages(GENAI.completion, 'assistant');
    if (messages === undefined && convention === 'vercel') {
      const text = this.string(attributes, VERCEL.responseText);
      const calls = attributes.get(VERCEL.responseToolCalls);
      if (text !== undefined || calls !== undefined) {
        const message = readMessage({ role: 'assistant', content: text ?? '', tool_calls: calls === undefined ? undefined : (jsonValue(calls) ?? calls) });
        messages = message ? [message] : [];
      }
    }
    if (messages === undefined && convention === 'openinference') messages = this.flattenedOpenInference(OPENINFERENCE.outputMessages);
    if (messages === undefined) messages = this.eventMessages('output');
    return messages;
  }

  /** A JSON list of messages (a string attribute, or a structured one); `history` lists extend the trace's previous one. */
  private messageList(key: string, history: boolean): readonly Message[] | undefined {
    const raw = this.span.attributes.get(key);
    if (raw === undefined) return undefined;
    if (history && typeof raw === 'string') {
      const previous = this.histories.get(this.span.traceId);
      const extended = previous && extendHistory(previous, raw);
      if (extended) return this.rememberHistory(raw, extended);
    }
    const messages = readMessages(jsonValue(raw));
    if (messages === undefined) this.wrongType(key, raw, 'a JSON list of messages');
    else if (history && typeof raw === 'string') this.rememberHistory(raw, messages);
    return messages;
  }

  /**
   * Keeps a model output list (as text and parsed) with the trace's history: the next call resends
   * it at the start of its new tail, and then those messages are the same objects, parsed once.
   */
  private rememberOutput(key: string, messages: readonly Message[]): void {
    const raw = this.span.attributes.get(key);
    const history = this.histories.get(this.span.traceId);
    if (typeof raw !== 'string' || !history) return;
    this.remember({ raw: history.raw, messages: history.messages, output: { raw, messages } });
  }

  private rememberHistory(raw: string, messages: readonly Message[]): readonly Message[] {
    this.remember({ raw, messages });
    return messages;
  }

  /**
   * Makes `entry` the current trace's history, as its most recent: older traces' entries are let go
   * first when the cache is over its bounds, and an entry larger than the whole cache is not kept.
   */
  private remember(entry: History): void {
    const traceId = this.span.traceId;
    const previous = this.histories.get(traceId);
    if (previous) {
      this.historyChars -= historyLength(previous);
      this.histories.delete(traceId);
    }
    const length = historyLength(entry);
    if (length > HISTORY_CACHE_CHARS) return;
    while (this.histories.size > 0 && (this.histories.size >= HISTORY_CACHE_ENTRIES || this.historyChars + length > HISTORY_CACHE_CHARS)) {
      const [oldest, evicted] = this.histories.entries().next().value as [string, History];
      this.historyChars -= historyLength(evicted);
      this.histories.delete(oldest);
    }
    this.histories.set(traceId, entry);
    this.historyChars += length;
  }

  /** gen_ai.prompt / gen_ai.completion: a JSON list, plain text, or flattened `.N.role` / `.N.content`. */
  private legacyMessages(key: string, role: Message['role']): Message[] | undefined {
    const attributes = this.span.attributes;
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

  /** OpenInference: `llm.input_messages.N.message.role` / `.content` / `.contents.M.message_content.text`. */
  private flattenedOpenInference(prefix: string): Message[] | undefined {
    const attributes = this.span.attributes;
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

  /** Message content recorded as span events (GenAI semconv up to v1.36, and older). */
  private eventMessages(direction: 'input' | 'output'): readonly Message[] | undefined {
    let messages: readonly Message[] | undefined;
    for (const event of this.span.events) {
      let found: Message[] | undefined;
      switch (event.name) {
        case GENAI_EVENTS.systemMessage:
          if (direction === 'input') found = this.eventBody(event, 'system');
          break;
        case GENAI_EVENTS.userMessage:
          if (direction === 'input') found = this.eventBody(event, 'user');
          break;
        case GENAI_EVENTS.assistantMessage:
          if (direction === 'input') found = this.eventBody(event, 'assistant');
          break;
        case GENAI_EVENTS.toolMessage:
          if (direction === 'input') found = this.eventBody(event, 'tool');
          break;
        case GENAI_EVENTS.choice:
          if (direction === 'output') found = this.eventBody(event, 'assistant');
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
  private eventBody(event: RawEvent, role: Message['role']): Message[] {
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

  // ---- run-level facts ----

  private runAttributes(attributes: Attributes): RunAttributes | undefined {
    const mapped = this.options.names;
    const runId = this.firstString(attributes, this.names(mapped.runId));
    const taskId = this.firstString(attributes, this.names(mapped.taskId));
    const trial = this.firstCount(attributes, this.names(mapped.trial));
    const claimedKey = this.firstKey(attributes, this.names(mapped.claimedStatus));
    let claimedStatus: ClaimedStatus | undefined;
    if (claimedKey !== undefined) {
      const raw = attributes.get(claimedKey);
      claimedStatus = typeof raw === 'string' ? claimedStatusOf(raw) : undefined;
      if (claimedStatus === undefined) this.wrongType(claimedKey, raw, 'success, failure, escalated or unknown');
    }
    const resumedFrom = this.firstString(attributes, this.names(mapped.resumedFrom));
    const infrastructureError = this.infrastructureError(attributes, this.names(mapped.infrastructureError));
    const timing = this.timing(attributes);
    if (runId === undefined && taskId === undefined && trial === undefined && claimedStatus === undefined && resumedFrom === undefined && infrastructureError === undefined && timing === undefined) {
      return undefined;
    }
    return {
      ...(runId !== undefined && { runId }),
      ...(taskId !== undefined && { taskId }),
      ...(trial !== undefined && { trial }),
      ...(claimedStatus !== undefined && { claimedStatus }),
      ...(resumedFrom !== undefined && { resumedFrom }),
      ...(infrastructureError !== undefined && { infrastructureError }),
      ...(timing !== undefined && { timing }),
    };
  }

  private timing(attributes: Attributes): RunAttributes['timing'] {
    const raw = attributes.get(MIMIR.timing);
    if (raw === undefined) return undefined;
    if (raw === 'recorded' || raw === 'synthetic' || raw === 'derived') return raw;
    this.wrongType(MIMIR.timing, raw, 'recorded, synthetic or derived');
    return undefined;
  }

  private infrastructureError(attributes: Attributes, keys: readonly string[]): string | undefined {
    const key = this.firstKey(attributes, keys);
    if (key === undefined) return undefined;
    const raw = attributes.get(key);
    if (typeof raw === 'string') return raw === '' ? undefined : raw;
    if (typeof raw === 'boolean') return raw ? 'infrastructure error' : undefined;
    this.wrongType(key, raw, 'a string (what failed) or a boolean');
    return undefined;
  }

  /** A gen_ai.evaluation.result event named `outcome`: the run's verified outcome. */
  private outcome(event: RawEvent): OutcomeRecord | undefined {
    const attributes = event.attributes;
    if (this.string(attributes, GENAI_EVENTS.evaluationName) !== OUTCOME_EVALUATION_NAME) return undefined;
    const label = this.string(attributes, GENAI_EVENTS.evaluationScoreLabel);
    let score = this.number(attributes, GENAI_EVENTS.evaluationScoreValue);
    if (score !== undefined && (score < 0 || score > 1)) {
      this.wrongType(GENAI_EVENTS.evaluationScoreValue, score, 'a score between 0 and 1');
      score = undefined;
    }
    // The label decides; a bare score only when it is unambiguous. 0.7 is not guessed into a pass.
    let status: VerifiedOutcome = label === undefined ? 'unknown' : outcomeOfLabel(label);
    if (status === 'unknown' && score !== undefined) status = score === 1 ? 'success' : score === 0 ? 'failure' : 'unknown';
    return { status, ...(score !== undefined && { score }), timeMs: event.timeMs };
  }

  private toolDefinitions(attributes: Attributes, convention: Convention): readonly ToolDefinition[] | undefined {
    const raw = attributes.get(GENAI.toolDefinitions) ?? (convention === 'vercel' ? attributes.get(VERCEL.promptTools) : undefined);
    if (raw !== undefined) {
      if (typeof raw === 'string') return this.cachedToolDefinitions(raw) ?? undefined;
      if (Array.isArray(raw)) {
        const definitions: ToolDefinition[] = [];
        for (const entry of raw as readonly AttrValue[]) {
          if (typeof entry === 'string') definitions.push(...(this.cachedToolDefinitions(entry) ?? []));
          else {
            const definition = readToolDefinition(entry);
            if (definition) definitions.push(definition);
          }
        }
        return definitions;
      }
      return readToolDefinitions(raw);
    }
    if (convention !== 'openinference' || !attributes.has(OPENINFERENCE_TOOLS_0)) return undefined;
    const definitions: ToolDefinition[] = [];
    for (let index = 0; index < MAX_FLATTENED_ITEMS; index++) {
      const schema = attributes.get(`${OPENINFERENCE.tools}.${index}.tool.json_schema`);
      if (schema === undefined) break;
      definitions.push(...(typeof schema === 'string' ? (this.cachedToolDefinitions(schema) ?? []) : (readToolDefinitions(schema) ?? [])));
    }
    return definitions;
  }

  /** Definitions parsed from JSON text, remembered: every call of an agent repeats the same list. */
  private cachedToolDefinitions(text: string): ToolDefinition[] | null {
    const cached = this.toolDefinitionCache.get(text);
    if (cached !== undefined) return cached;
    const definitions = readToolDefinitions(jsonValue(text)) ?? null;
    if (this.toolDefinitionCache.size >= TOOL_DEFINITION_CACHE) this.toolDefinitionCache.clear();
    this.toolDefinitionCache.set(text, definitions);
    return definitions;
  }

  // ---- typed attribute access (wrong types are reported and left out) ----

  private string(attributes: Attributes, key: string): string | undefined {
    const value = attributes.get(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    // Ids written as numbers are still ids; lists and maps are not strings.
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.wrongType(key, value, 'a string');
    return undefined;
  }

  private firstKey(attributes: Attributes, keys: readonly string[]): string | undefined {
    for (const key of keys) if (attributes.has(key)) return key;
    return undefined;
  }

  private firstPresent(attributes: Attributes, keys: readonly string[]): AttrValue | undefined {
    for (const key of keys) {
      const value = attributes.get(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  private firstString(attributes: Attributes, keys: readonly string[]): string | undefined {
    const key = this.firstKey(attributes, keys);
    return key === undefined ? undefined : this.string(attributes, key);
  }

  private number(attributes: Attributes, key: string): number | undefined {
    const value = attributes.get(key);
    if (value === undefined) return undefined;
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    if (Number.isFinite(number)) return number;
    this.wrongType(key, value, 'a number');
    return undefined;
  }

  /** A non-negative integer (token counts, trial numbers). */
  private integer(attributes: Attributes, key: string): number | undefined {
    const number = this.number(attributes, key);
    if (number === undefined) return undefined;
    if (Number.isInteger(number)) return number;
    this.wrongType(key, number, 'an integer');
    return undefined;
  }

  private count(attributes: Attributes, key: string): number | undefined {
    const number = this.number(attributes, key);
    if (number === undefined) return undefined;
    if (Number.isInteger(number) && number >= 0) return number;
    this.wrongType(key, number, 'a non-negative integer');
    return undefined;
  }

  private firstCount(attributes: Attributes, keys: readonly string[]): number | undefined {
    const key = this.firstKey(attributes, keys);
    return key === undefined ? undefined : this.count(attributes, key);
  }

  private confidence(attributes: Attributes, keys: readonly string[]): number | undefined {
    const key = this.firstKey(attributes, keys);
    if (key === undefined) return undefined;
    const confidence = this.number(attributes, key);
    if (confidence === undefined || (confidence >= 0 && confidence <= 1)) return confidence;
    this.wrongType(key, confidence, 'a confidence between 0 and 1');
    return undefined;
  }

  private risk(attributes: Attributes, keys: readonly string[]): RiskClass | undefined {
    const key = this.firstKey(attributes, keys);
    if (key === undefined) return undefined;
    const raw = attributes.get(key);
    if (typeof raw === 'string' && isRiskClass(raw)) return raw;
    this.wrongType(key, raw, 'a risk class (read-only, reversible-write, money, outbound-message, deletion, irreversible-write)');
    return undefined;
  }

  private wrongType(key: string, value: unknown, expected: string): void {
    this.damaged = true;
    const place: ProblemPlace = { ...this.span.position, spanId: this.span.spanId };
    this.problems.report('wrong-attribute-type', `attribute ${key} is ${describe(value)}, expected ${expected}`, place);
  }
}

/**
 * When `raw` is the previous JSON list with elements appended (`[a,b]` → `[a,b,c]`), the previous
 * messages plus the parsed tail; otherwise undefined (the caller parses the whole list).
 */
function extendHistory(previous: History, raw: string): readonly Message[] | undefined {
  const before = previous.raw;
  // The same list again (a retried call): the same messages.
  if (raw === before) return previous.messages;
  const open = before.length - 1;
  if (raw.length <= before.length || before.charCodeAt(open) !== 0x5d /* ] */ || raw.charCodeAt(open) !== COMMA) return undefined;
  // String equality compares memory at once; startsWith walks characters (50× slower on 20 kB).
  if (raw.substring(0, open) !== before.substring(0, open)) return undefined;
  const tail = resentOutput(previous.output, raw, before.length) ?? readMessages(jsonValue(`[${raw.slice(before.length)}`));
  return tail && [...previous.messages, ...tail];
}

/** Characters a history entry keeps alive. */
function historyLength(entry: History): number {
  return entry.raw.length + (entry.output?.raw.length ?? 0);
}

/**
 * When the new tail of a history (`raw` from `from`, just after the comma) starts with the elements of
 * the previous output list, exactly as they were written: those output messages (the same objects)
 * followed by the rest of the tail parsed. Otherwise undefined. Elements are read one by one, so
 * the result is what parsing the whole tail would give.
 */
function resentOutput(output: ParsedList | undefined, raw: string, from: number): Message[] | undefined {
  if (output === undefined) return undefined;
  const list = output.raw;
  if (list.length <= 2 || list.charCodeAt(0) !== 0x5b /* [ */ || list.charCodeAt(list.length - 1) !== 0x5d /* ] */) return undefined;
  const elements = list.length - 2;
  const after = from + elements;
  const next = raw.charCodeAt(after);
  if (next !== COMMA && next !== 0x5d /* ] */) return undefined;
  if (raw.substring(from, after) !== list.substring(1, list.length - 1)) return undefined;
  if (next === 0x5d) return after === raw.length - 1 ? [...output.messages] : undefined;
  const rest = readMessages(jsonValue(`[${raw.slice(after + 1)}`));
  return rest && [...output.messages, ...rest];
}

/** Start of the minute last formatted, and its `YYYY-MM-DDTHH:MM:` text. */
/** `YYYY-MM-DDTHH:MM:` by minute since the epoch: traces interleave runs from many minutes. */
const minutePrefixes = new Map<number, string>();
const MAX_CACHED_MINUTES = 1024;
/** 10000-01-01T00:00:00Z: from there on, toISOString writes six-digit years. */
const YEAR_10000_MS = 253_402_300_800_000;

/**
 * ISO 8601 with milliseconds, as Date#toISOString writes it; sub-millisecond precision is not
 * needed by any analysis. The date and minute are formatted once per minute (and remembered) and
 * only seconds and milliseconds per call: toISOString per timestamp was a tenth of the reader's time.
 */
export function isoTime(ms: number): string {
  const whole = Math.floor(ms);
  if (whole < 0 || whole >= YEAR_10000_MS) return new Date(ms).toISOString();
  const minute = Math.floor(whole / 60_000);
  let prefix = minutePrefixes.get(minute);
  if (prefix === undefined) {
    if (minutePrefixes.size >= MAX_CACHED_MINUTES) minutePrefixes.clear();
    prefix = new Date(minute * 60_000).toISOString().slice(0, 17);
    minutePrefixes.set(minute, prefix);
  }
  const rest = whole - minute * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${prefix}${seconds < 10 ? '0' : ''}${seconds}${millis < 10 ? '.00' : millis < 100 ? '.0' : '.'}${millis}Z`;
}

/** `execute_tool get_weather` (the semconv span name) → `get_weather`. */
function toolNameFromSpanName(name: string): string {
  const prefix = `${GENAI_OPERATIONS.executeTool} `;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

function firstLine(text: string, max: number): string {
  const trimmed = text.trimStart();
  const newline = trimmed.indexOf('\n');
  const line = newline === -1 ? trimmed : trimmed.slice(0, newline);
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

export function approvalDecision(value: string): ApprovalDecision | undefined {
  switch (value.toLowerCase()) {
    case 'approved':
    case 'approve':
    case 'allowed':
    case 'granted':
      return 'approved';
    case 'denied':
    case 'deny':
    case 'rejected':
    case 'declined':
      return 'denied';
    case 'modified':
    case 'edited':
      return 'modified';
    case 'timeout':
    case 'timed_out':
    case 'timed-out':
    case 'expired':
      return 'timeout';
    default:
      return undefined;
  }
}

/** mimir.memory.operation → operation; the verbs memory libraries use are accepted, anything else is not guessed. */
export function memoryOperationOf(value: string): MemoryOperation | undefined {
  switch (value.toLowerCase()) {
    case 'read':
    case 'search':
    case 'query':
    case 'get':
    case 'retrieve':
    case 'recall':
    case 'load':
      return 'read';
    case 'write':
    case 'add':
    case 'save':
    case 'store':
    case 'update':
    case 'upsert':
    case 'insert':
    case 'create':
    case 'append':
      return 'write';
    case 'delete':
    case 'remove':
    case 'forget':
    case 'erase':
      return 'delete';
    default:
      return undefined;
  }
}

export function claimedStatusOf(value: string): ClaimedStatus | undefined {
  switch (value.toLowerCase()) {
    case 'success':
    case 'succeeded':
    case 'successful':
      return 'success';
    case 'failure':
    case 'failed':
    case 'fail':
      return 'failure';
    case 'escalated':
    case 'escalation':
      return 'escalated';
    case 'unknown':
      return 'unknown';
    default:
      return undefined;
  }
}

/** gen_ai.evaluation.score.label → outcome; a label that is neither is unknown, not guessed. */
export function outcomeOfLabel(label: string): VerifiedOutcome {
  switch (label.toLowerCase()) {
    case 'success':
    case 'succeeded':
    case 'pass':
    case 'passed':
    case 'correct':
    case 'true':
      return 'success';
    case 'failure':
    case 'failed':
    case 'fail':
    case 'incorrect':
    case 'false':
      return 'failure';
    default:
      return 'unknown';
  }
}
