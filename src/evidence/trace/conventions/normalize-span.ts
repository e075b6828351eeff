import type { ApprovalStep, LlmStep, OtherStep, Step, StepKind, ToolStep } from '../../../model/index.js';
import type { FileProblems } from '../problems.js';
import type { RawEvent, RawSpan } from '../span.js';
import { isoTime } from '../time.js';
import type { CompiledReadOptions } from './compiled-options.js';
import { firstAnswer, type ConventionReader, type SpeakingConvention } from './convention.js';
import { GENAI_ATTRIBUTES, GENAI_EVENT_MESSAGES, genAiOperationKind, legacyGenAiKind, outcomeEvent, toolNameFromSpanName, withSystemInstructions } from './genai.js';
import { mcpErrorText } from './mcp-result.js';
import { MessageHistoryCache } from './message-history.js';
import { asText, structuredValue } from './messages.js';
import { MimirVocabulary } from './mimir.js';
import { EXCEPTION, GENAI, GENAI_EVENTS, OPENINFERENCE, PROCESS } from './names.js';
import { OPENINFERENCE_ATTRIBUTES, OPENINFERENCE_TOOL_ATTRIBUTES, openInferenceKind } from './openinference.js';
import type { OutcomeRecord, SpanRecord, TimedStep } from './span-record.js';
import { SpanView } from './span-view.js';
import { ToolDefinitionCache } from './tool-definitions.js';
import { vercelKind, vercelOperation, VERCEL_ATTRIBUTES } from './vercel.js';
import { MIMIR } from './vocabulary.js';

/**
 * Reads one span through the conventions into a SpanRecord. Which convention speaks is decided
 * per span from its own markers (gen_ai.operation.name, the Vercel `ai.*` operation id,
 * openinference.span.kind); its fields are then read through that convention's chain (GenAI
 * first, then the speaking convention, then OpenInference's generic tool attributes, then GenAI
 * message events), and the mimir.* vocabulary and the team's mapped names apply to all. A value of
 * the wrong type is reported, left out, and marks the span damaged: unknown stays unknown.
 */

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** The fields every step has, filled first; the kind's own fields are added by assignment (no spread per field). */
type StepBase = Mutable<Pick<LlmStep, 'id' | 'name' | 'status' | 'startedAt' | 'endedAt' | 'error'>>;

const ERROR_RESULT_EXCERPT = 200;

/** The chains, built once: which readers answer, in order, for each speaking convention. */
const CHAINS = {
  genai: [GENAI_ATTRIBUTES, OPENINFERENCE_TOOL_ATTRIBUTES, GENAI_EVENT_MESSAGES],
  vercel: [GENAI_ATTRIBUTES, VERCEL_ATTRIBUTES, OPENINFERENCE_TOOL_ATTRIBUTES, GENAI_EVENT_MESSAGES],
  openinference: [GENAI_ATTRIBUTES, OPENINFERENCE_ATTRIBUTES, GENAI_EVENT_MESSAGES],
  none: [GENAI_ATTRIBUTES, OPENINFERENCE_TOOL_ATTRIBUTES, GENAI_EVENT_MESSAGES],
} as const satisfies Record<SpeakingConvention['id'], readonly ConventionReader[]>;

export class SpanNormalizer {
  private readonly toolDefinitionCache = new ToolDefinitionCache();
  private readonly histories = new MessageHistoryCache();
  private readonly mimir: MimirVocabulary;

  constructor(
    private readonly options: CompiledReadOptions,
    private readonly problems: FileProblems,
  ) {
    this.mimir = new MimirVocabulary(options.names);
  }

  normalize(span: RawSpan): SpanRecord {
    const view = new SpanView(span, this.problems);
    const convention = speakingConvention(view);
    view.metadataNames = convention.metadataNames;
    const chain = convention.chain;

    let kind = this.mimir.kind(view) ?? convention.kind;
    // A span no convention classifies that says it touched memory is a memory step; a tool call
    // that does stays a tool call, with its memory access attached below.
    if (kind === 'other' && this.mimir.touchesMemory(view) && !this.mimir.hasExplicitKind(view)) kind = 'memory';

    const step = this.step(view, chain, kind);
    if (step.kind !== 'llm' && step.kind !== 'approval') this.mimir.attachStateAccess(view, step);

    let eventSteps: TimedStep[] | undefined;
    let outcome: OutcomeRecord | undefined;
    const events = span.events;
    for (let index = 0; index < events.length; index++) {
      const event = events[index] as RawEvent;
      if (event.name === GENAI_EVENTS.evaluationResult) {
        outcome = outcomeEvent(view, event) ?? outcome;
        continue;
      }
      const eventStep = this.mimir.eventStep(view, event, index);
      if (eventStep) (eventSteps ??= []).push(eventStep);
    }

    const isRootLike = span.parentSpanId === undefined || span.attributes.has(MIMIR.runId);
    return {
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      name: span.name,
      startMs: span.startMs,
      endMs: span.endMs,
      step,
      eventSteps,
      run: isRootLike ? this.mimir.runAttributes(view) : undefined,
      outcome,
      conversationId: firstAnswer(chain, (reader) => reader.conversationId?.(view)),
      toolDefinitions: kind === 'tool' ? undefined : firstAnswer(chain, (reader) => reader.toolDefinitions?.(view, this.toolDefinitionCache)),
      position: span.position,
      damaged: view.damaged,
      approxBytes: span.approxBytes,
    };
  }

  /** The trace became a run: its history is no longer needed. */
  forgetTrace(traceId: string): void {
    this.histories.forget(traceId);
  }

  private step(view: SpanView, chain: readonly ConventionReader[], kind: StepKind): Step {
    const base = this.base(view);
    switch (kind) {
      case 'llm':
        return this.llmStep(view, chain, base);
      case 'tool':
        return this.toolStep(view, chain, base);
      case 'approval': {
        const approval = this.mimir.approval(view);
        return approval ? ({ ...base, kind: 'approval', ...approval } satisfies ApprovalStep) : ({ ...base, kind: 'other' } satisfies OtherStep);
      }
      case 'checkpoint': {
        const checkpointId = this.mimir.checkpointId(view);
        if (checkpointId !== undefined) base.name = checkpointId;
        return { ...base, kind: 'checkpoint' } satisfies OtherStep;
      }
      case 'review':
      case 'handoff':
      case 'guardrail':
      case 'memory':
      case 'other':
        return { ...base, kind } satisfies OtherStep;
    }
  }

  private base(view: SpanView): StepBase {
    const span = view.span;
    const errorType = view.string(GENAI.errorType);
    const failed = span.statusCode === 'error' || errorType !== undefined;
    const base: StepBase = { id: span.spanId, name: span.name, status: failed ? 'error' : 'ok' };
    if (span.startMs !== undefined) base.startedAt = isoTime(span.startMs);
    if (span.endMs !== undefined) base.endedAt = isoTime(span.endMs);
    if (failed) {
      const exception = span.events.find((event) => event.name === EXCEPTION.event);
      const exceptionType = exception ? view.string(EXCEPTION.type, exception.attributes) : undefined;
      const message = span.statusMessage ?? (exception ? view.string(EXCEPTION.message, exception.attributes) : undefined);
      // `_OTHER` is OTel's own value for an error of unknown type.
      base.error = message === undefined ? { type: errorType ?? exceptionType ?? '_OTHER' } : { type: errorType ?? exceptionType ?? '_OTHER', message };
    }
    return base;
  }

  private llmStep(view: SpanView, chain: readonly ConventionReader[], base: StepBase): LlmStep {
    // The base becomes the step (no copy): `kind` is the one field every step type adds.
    const step = base as Mutable<LlmStep>;
    step.kind = 'llm';
    const model = firstAnswer(chain, (reader) => reader.model?.(view));
    if (model !== undefined) {
      step.model = model;
      const contextWindow = this.options.contextWindow(model);
      if (contextWindow !== undefined) step.contextWindow = contextWindow;
    }
    const inputMessages = withSystemInstructions(view, firstAnswer(chain, (reader) => reader.inputMessages?.(view, this.histories)), this.histories);
    if (inputMessages !== undefined) step.inputMessages = inputMessages;
    const outputMessages = firstAnswer(chain, (reader) => reader.outputMessages?.(view, this.histories));
    if (outputMessages !== undefined) step.outputMessages = outputMessages;
    const inputTokens = firstAnswer(chain, (reader) => reader.inputTokens?.(view));
    if (inputTokens !== undefined) step.inputTokens = inputTokens;
    const outputTokens = firstAnswer(chain, (reader) => reader.outputTokens?.(view));
    if (outputTokens !== undefined) step.outputTokens = outputTokens;
    const confidence = this.mimir.confidence(view);
    if (confidence !== undefined) step.confidence = confidence;
    return step;
  }

  private toolStep(view: SpanView, chain: readonly ConventionReader[], base: StepBase): ToolStep {
    const span = view.span;
    const toolName = firstAnswer(chain, (reader) => reader.toolName?.(view)) ?? toolNameFromSpanName(span.name);
    const step = base as Mutable<ToolStep>;
    step.kind = 'tool';
    step.toolName = toolName;
    const callId = firstAnswer(chain, (reader) => reader.toolCallId?.(view));
    if (callId !== undefined) step.callId = callId;
    const rawArguments = firstAnswer(chain, (reader) => reader.toolArguments?.(view));
    if (rawArguments !== undefined) step.arguments = structuredValue(rawArguments);
    const rawResult = firstAnswer(chain, (reader) => reader.toolResult?.(view));
    // A recorded outcome decides: a command's exit code, or a span status the instrumentation set.
    const exitCode = view.integer(PROCESS.exitCode);
    if (exitCode !== undefined && exitCode !== 0 && step.status === 'ok') {
      step.status = 'error';
      step.error = { type: 'exit-code', message: `exited with code ${exitCode}` };
    }
    const outcomeRecorded = exitCode !== undefined || span.statusCode !== 'unset';
    if (rawResult !== undefined) {
      step.result = structuredValue(rawResult);
      // An MCP result flagged isError is the tool's own verdict, stronger than a span status the
      // framework set because the call completed; only a recorded exit code outranks it.
      const mcpError = exitCode === undefined ? mcpErrorText(step.result) : undefined;
      if (mcpError !== undefined && step.status === 'ok') {
        step.status = 'error';
        step.error = { type: 'error-result', message: firstLine(mcpError, ERROR_RESULT_EXCERPT) };
      }
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
    const risk = this.options.declaredRisk(toolName) ?? this.mimir.toolRisk(view);
    if (risk !== undefined) step.risk = risk;
    return step;
  }
}

/** The convention whose markers the span carries (gen_ai.operation.name, then the `ai.*` operation, then openinference.span.kind). */
function speakingConvention(view: SpanView): SpeakingConvention {
  const aiOperation = vercelOperation(view);
  const operation = view.string(GENAI.operationName);
  if (operation !== undefined) return { id: 'genai', kind: genAiOperationKind(operation), chain: CHAINS.genai, metadataNames: false };
  if (aiOperation !== undefined) return { id: 'vercel', kind: vercelKind(aiOperation), chain: CHAINS.vercel, metadataNames: true };
  const openInference = view.string(OPENINFERENCE.spanKind);
  if (openInference !== undefined) return { id: 'openinference', kind: openInferenceKind(openInference), chain: CHAINS.openinference, metadataNames: false };
  return { id: 'none', kind: legacyGenAiKind(view), chain: CHAINS.none, metadataNames: false };
}

function firstLine(text: string, max: number): string {
  const trimmed = text.trimStart();
  const newline = trimmed.indexOf('\n');
  const line = newline === -1 ? trimmed : trimmed.slice(0, newline);
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
