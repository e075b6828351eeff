import type { RiskClass, Run, RunOutcome, Step, StepError, ToolDefinition } from '../../../model/index.js';
import { readApprovalRequests } from '../conventions/approval-requests.js';
import { mcpErrorText } from '../conventions/mcp-result.js';
import { MIMIR } from '../conventions/vocabulary.js';
import {
  approvalFromMetadata,
  asNumber,
  asString,
  checkpointFromMetadata,
  claimedFromMetadata,
  isRecord,
  outcomeFromMetadata,
  pickMetadata,
  stepErrorFromText,
  takeCall,
  trialFromMetadata,
  type JsonRecord,
  type Report,
  type ToolCallRequest,
} from '../framework-records.js';
import { arrangeTree, stepParentOf, uniqueRecords } from '../framework-tree.js';
import { FrameworkFile } from '../framework-file.js';
import type { ProblemPlace } from '../problems.js';
import type { TraceReadOptions } from '../types.js';
import type { SpanItem, TraceItem } from './items.js';
import { inputMessages, modelOutput } from './messages.js';

/** One Agents SDK trace (its trace record and spans) made into a Run. */

export interface TraceGroup {
  trace: TraceItem | undefined;
  readonly spans: SpanItem[];
  extraTraces: number;
}


/** The SDK's own record of `state.reject(...)`: a function span for a call that never ran. */
const REJECTED = /^Tool execution for (.+) was manually rejected by user\.?$/;
/** Custom spans the SDK emits for structure (`task` = one `run()`, `turn` = one model turn): containers, not steps. */
const STRUCTURAL_CUSTOM = new Set(['task', 'turn']);

/** Per-file state: compiled patterns and the options, shared by every run of the file. */
export class RunContext {
  readonly #file: FrameworkFile;

  constructor(path: string, options: TraceReadOptions, report: Report) {
    this.#file = new FrameworkFile(path, options, report);
  }

  buildRun(traceId: string, group: TraceGroup): Run {
    const metadata = group.trace?.metadata ?? {};
    const runId = pickMetadata(metadata, MIMIR.runId, []) ?? traceId;
    let damaged = group.extraTraces > 0 || group.trace?.damaged === true || group.spans.some((span) => span.damaged);
    if (group.trace === undefined) {
      this.#file.report('no-root', `spans of trace ${traceId} have no trace record; the run has no metadata`, { runId, ...firstLine(group.spans) });
      damaged = true;
    }

    // Duplicates, missing parents and cycles: report, keep what can be kept.
    const context = { traceId, runId, report: this.#file.report, describe: (span: SpanItem) => `${span.position.label}: span ${span.id} (${span.type})` };
    const unique = uniqueRecords(group.spans, context);
    // A top-level span carries the run's own times: if it ends before it starts, they are unknown.
    const tree = arrangeTree(unique.byId, context, (_span, topLevel) => topLevel);
    if (unique.damaged || tree.damaged) damaged = true;
    const ordered = tree.ordered;
    const isStep = new Map(ordered.map((span) => [span.id, this.#becomesStep(span)]));
    const stepParent = stepParentOf(tree.parentOf, isStep);

    const steps: Step[] = [];
    const pendingCalls: ToolCallRequest[] = [];
    const deniedByApproval = new Set<string>();
    const toolNames = new Set<string>();
    for (const span of ordered) {
      if (span.type === 'agent') for (const name of stringArray(span.data.tools)) toolNames.add(name);
      if (isStep.get(span.id) !== true) continue;
      const step = this.#toStep(span, stepParent(span.id), metadata, { runId, pendingCalls, deniedByApproval });
      if (step !== undefined) steps.push(step);
    }

    const times = ordered.flatMap((s) => [s.startMs, s.endMs]).filter((t): t is number => t !== undefined);
    const startedAt = times.length > 0 ? new Date(Math.min(...times)).toISOString() : undefined;
    const endedAt = times.length > 0 ? new Date(Math.max(...times)).toISOString() : undefined;
    const taskId = pickMetadata(metadata, MIMIR.taskId, this.#file.options.mapping.taskId ?? []);
    const runPlace = { line: group.trace?.position.line ?? firstLine(group.spans).line, runId };
    const trial = trialFromMetadata(metadata, runPlace, this.#file.report);
    const resumedFrom = pickMetadata(metadata, MIMIR.resumedFrom, []);
    const conversationId = group.trace?.groupId ?? undefined;
    const line = group.trace?.position.line ?? firstLine(group.spans).line;
    const toolDefinitions: ToolDefinition[] = [...toolNames].map((name) => ({ name }));
    return {
      id: runId,
      ...(taskId !== undefined && { taskId }),
      ...(trial !== undefined && { trial }),
      ...(startedAt !== undefined && { startedAt }),
      ...(endedAt !== undefined && { endedAt }),
      steps: readApprovalRequests(steps, (request, message) => {
        const line = unique.byId.get(request.id)?.line ?? runPlace.line;
        this.#file.report('wrong-attribute-type', `span ${request.id}: ${message}`, { line, runId, spanId: request.id });
      }, this.#file.options.approvalTools),
      claimedStatus: claimedFromMetadata(metadata, this.#file.options.mapping.claimedStatus ?? [], runPlace, this.#file.report),
      outcome: this.#outcome(metadata, runPlace),
      ...(resumedFrom !== undefined && { resumedFrom }),
      ...(conversationId !== undefined && conversationId !== '' && { conversationId }),
      ...(toolDefinitions.length > 0 && { toolDefinitions }),
      source: { file: this.#file.path, line, traceId },
      ...(damaged && { damaged: true }),
    };
  }

  /** Containers (agent and the SDK's task/turn spans) are structure; a failed agent span still shows as a step. */
  #becomesStep(span: SpanItem): boolean {
    if (span.type === 'agent') return span.error !== undefined;
    if (span.type === 'custom') {
      const sdkType = isRecord(span.data.data) ? asString(span.data.data.sdk_span_type) : undefined;
      if (sdkType !== undefined && STRUCTURAL_CUSTOM.has(sdkType)) return span.error !== undefined;
    }
    return true;
  }

  #toStep(
    span: SpanItem,
    parentId: string | undefined,
    metadata: JsonRecord,
    state: { readonly runId: string; readonly pendingCalls: ToolCallRequest[]; readonly deniedByApproval: Set<string> },
  ): Step | undefined {
    const base = {
      id: span.id,
      ...(parentId !== undefined && { parentId }),
      ...(span.startedAt !== undefined && { startedAt: span.startedAt }),
      ...(span.endedAt !== undefined && { endedAt: span.endedAt }),
    };
    const spanError = span.error === undefined ? undefined : errorOf(span.error);
    const status = spanError === undefined ? ('ok' as const) : ('error' as const);
    const withError = spanError === undefined ? {} : { error: spanError };
    const data = span.data;

    switch (span.type) {
      case 'generation':
      case 'response': {
        const output = span.type === 'generation' ? modelOutput(data.output) : modelOutput(isRecord(data._response) ? [data._response] : undefined);
        state.pendingCalls.push(...output.toolCalls);
        const model = asString(data.model) ?? output.model;
        const input = span.type === 'generation' ? inputMessages(data.input) : undefined;
        const usage = isRecord(data.usage) ? data.usage : {};
        const inputTokens = asNumber(usage.input_tokens) ?? asNumber(usage.prompt_tokens) ?? output.inputTokens;
        const outputTokens = asNumber(usage.output_tokens) ?? asNumber(usage.completion_tokens) ?? output.outputTokens;
        const contextWindow = model === undefined ? undefined : this.#file.compiled.contextWindow(model);
        return {
          ...base,
          kind: 'llm',
          name: span.type === 'generation' ? `generation${model === undefined ? '' : ` ${model}`}` : 'response',
          status,
          ...withError,
          ...(model !== undefined && { model }),
          ...(contextWindow !== undefined && { contextWindow }),
          ...(input !== undefined && { inputMessages: this.#file.clipper.messages(input, `span ${span.id}:`, this.#file.place(span, state.runId)) }),
          ...(output.messages.length > 0 && { outputMessages: this.#file.clipper.messages(output.messages, `span ${span.id}:`, this.#file.place(span, state.runId)) }),
          ...(inputTokens !== undefined && { inputTokens }),
          ...(outputTokens !== undefined && { outputTokens }),
        };
      }
      case 'function':
        return this.#functionStep(span, base, spanError, metadata, state);
      case 'handoff': {
        const from = asString(data.from_agent);
        const to = asString(data.to_agent);
        return { ...base, kind: 'handoff', name: `handoff ${from ?? '?'} → ${to ?? '?'}`, status, ...withError };
      }
      case 'guardrail': {
        // A tripped guardrail did its job; the failure it causes shows on the agent span's error.
        const name = asString(data.name) ?? 'guardrail';
        return { ...base, kind: 'guardrail', name: data.triggered === true ? `${name} (triggered)` : name, status, ...withError };
      }
      case 'custom': {
        const payload = isRecord(data.data) ? data.data : {};
        const name = asString(data.name) ?? 'custom';
        const approval = approvalFromMetadata(payload, this.#file.options.mapping, `span ${span.id}`, { line: span.line, spanId: span.id }, this.#file.report);
        if (approval !== undefined) {
          if (approval.toolCallId !== undefined && approval.decision !== 'approved' && approval.decision !== 'modified') state.deniedByApproval.add(approval.toolCallId);
          return { ...base, kind: 'approval', name, status, ...withError, ...approval };
        }
        const checkpoint = checkpointFromMetadata(payload, this.#file.options.mapping);
        return { ...base, kind: checkpoint === undefined ? 'other' : 'checkpoint', name, status, ...withError };
      }
      case 'agent':
        return { ...base, kind: 'other', name: `agent ${asString(data.name) ?? '?'}`, status, ...withError };
      default:
        // mcp_tools, transcription, speech, speech_group, and types newer than this reader: kept, not interpreted.
        return { ...base, kind: 'other', name: asString(data.name) ?? span.type, status, ...withError };
    }
  }

  #functionStep(
    span: SpanItem,
    base: { id: string; parentId?: string; startedAt?: string; endedAt?: string },
    spanError: StepError | undefined,
    metadata: JsonRecord,
    state: { readonly runId: string; readonly pendingCalls: ToolCallRequest[]; readonly deniedByApproval: Set<string> },
  ): Step | undefined {
    const data = span.data;
    const toolName = asString(data.name) ?? 'unknown';
    const errorData = span.error !== undefined && isRecord(span.error.data) ? span.error.data : {};
    const rejected = REJECTED.exec(asString(errorData.error) ?? '');
    if (rejected?.[1] !== undefined) {
      // The SDK records a rejected call as a failed function span, but the tool never ran: it is the
      // record of a denial. When the app already recorded that denial, the SDK's copy adds nothing.
      const toolCallId = rejected[1];
      takeCall(state.pendingCalls, toolName, undefined, toolCallId);
      if (state.deniedByApproval.has(toolCallId)) return undefined;
      return { ...base, kind: 'approval', name: `rejected ${toolName}`, status: 'ok', decision: 'denied', toolCallId };
    }
    const rawInput = asString(data.input);
    const rawOutput = data.output;
    const call = takeCall(state.pendingCalls, toolName, rawInput, undefined);
    const args = rawInput === undefined || rawInput === '' ? undefined : this.#file.clipper.parse(rawInput, `span ${span.id}: input`, this.#file.place(span, state.runId));
    const result = typeof rawOutput === 'string' ? this.#file.clipper.parse(rawOutput, `span ${span.id}: output`, this.#file.place(span, state.runId)) : rawOutput;
    const outputText = typeof rawOutput === 'string' ? rawOutput : undefined;
    let error = spanError;
    const mcpError = mcpErrorText(result);
    if (error === undefined && mcpError !== undefined) error = { type: 'error-result', message: mcpError.slice(0, 500) };
    if (error === undefined && outputText !== undefined && this.#file.compiled.looksLikeError(outputText)) {
      error = { type: 'error-result', message: outputText.slice(0, 500) };
    }
    const risk = this.#risk(toolName, metadata, state.runId, span);
    return {
      ...base,
      kind: 'tool',
      name: toolName,
      status: error === undefined ? 'ok' : 'error',
      ...(error !== undefined && { error }),
      toolName,
      ...(call !== undefined && { callId: call.id }),
      ...(args !== undefined && { arguments: args }),
      ...(result !== undefined && { result }),
      ...(risk !== undefined && { risk }),
    };
  }

  #risk(toolName: string, metadata: JsonRecord, runId: string, span: SpanItem): RiskClass | undefined {
    const key = `${MIMIR.toolRiskPrefix}${toolName}`;
    return this.#file.risk(toolName, metadata[key], key, this.#file.place(span, runId));
  }


  #outcome(metadata: JsonRecord, place: ProblemPlace): RunOutcome {
    return outcomeFromMetadata(metadata, place, this.#file.report) ?? { status: 'unknown', source: 'none' };
  }
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? (value as readonly unknown[]).filter((v): v is string => typeof v === 'string') : [];
}

function firstLine(spans: readonly SpanItem[]): { line: number } {
  return { line: spans[0]?.position.line ?? 1 };
}

/**
 * A span's `error`: `{ message, data? }`. Tool failures put the tool's error text in `data.error`
 * ("OrderServiceError: upstream timeout"); its leading error name is the type when there is one.
 */
function errorOf(error: JsonRecord): StepError {
  const message = asString(error.message) ?? 'error';
  const detail = isRecord(error.data) ? asString(error.data.error) : undefined;
  return detail === undefined ? { type: message, message } : stepErrorFromText(detail, message);
}
