import type { RiskClass, Run, RunOutcome, Step, StepError } from '../../../model/index.js';
import { readApprovalRequests } from '../conventions/approval-requests.js';
import { mcpErrorText } from '../conventions/mcp-result.js';
import { MIMIR } from '../conventions/vocabulary.js';
import {
  approvalDecisionText,
  approvalFromMetadata,
  asNumber,
  asString,
  checkpointFromMetadata,
  claimedFromMetadata,
  isRecord,
  outcomeFromMetadata,
  pickMetadata,
  scoreFrom,
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
import { llmInputMessages, llmOutputMessages, parseMessage } from './messages.js';

/** One LangSmith trace (all records sharing a trace_id) made into a Run. */

export interface RecordItem {
  readonly id: string;
  readonly traceId: string;
  readonly parentId: string | undefined;
  readonly name: string;
  readonly runType: string;
  readonly startMs: number | undefined;
  readonly endMs: number | undefined;
  readonly startedAt: string | undefined;
  readonly endedAt: string | undefined;
  readonly inputs: JsonRecord;
  readonly outputs: JsonRecord | undefined;
  readonly error: string | undefined;
  readonly metadata: JsonRecord;
  readonly extra: JsonRecord;
  readonly raw: JsonRecord;
  readonly line: number;
  /** A key the reader needs was misspelt (reported): what it held is missing from the run. */
  readonly damaged: boolean;
}

/** Run types that are structure (a graph node, a prompt template) rather than a step, unless they failed. */
const CONTAINER_TYPES = new Set(['chain', 'prompt']);
const CONVERSATION_KEYS = ['thread_id', 'session_id', 'conversation_id'];

/** Builds one Run from a trace's records; per-file options compiled once. */
export class RunBuilder {
  readonly #file: FrameworkFile;

  constructor(path: string, options: TraceReadOptions, report: Report) {
    this.#file = new FrameworkFile(path, options, report);
  }

  build(traceId: string, all: readonly RecordItem[]): Run {
    const describe = (record: RecordItem): string => `line ${record.line}: run ${record.id} (${record.runType} ${record.name})`;
    const unique = uniqueRecords(all, { traceId, runId: undefined, report: this.#file.report, describe });
    let damaged = unique.damaged;
    const records = [...unique.byId.values()];
    if (records.some((record) => record.damaged)) damaged = true;
    const roots = records.filter((r) => r.parentId === undefined);
    const root = roots.find((r) => r.id === traceId) ?? roots[0];
    const metadata = root?.metadata ?? {};
    const runId = pickMetadata(metadata, MIMIR.runId, []) ?? traceId;
    if (root === undefined) {
      this.#file.report('no-root', `trace ${traceId} has no root run (one without parent_run_id)`, { line: records[0]?.line ?? 0, runId });
      damaged = true;
    }
    for (const extraRoot of roots) {
      if (extraRoot === root) continue;
      this.#file.report('multiple-roots', `trace ${traceId} has another root, run ${extraRoot.id}; it is read as part of the run`, { line: extraRoot.line, runId, spanId: extraRoot.id });
      damaged = true;
    }

    // The root's times are the run's: a root that ends before it starts leaves the run without times.
    const tree = arrangeTree(unique.byId, { traceId, runId, report: this.#file.report, describe }, (record) => record === root);
    if (tree.damaged) damaged = true;
    const ordered = tree.ordered;
    const isStep = new Map(ordered.map((r) => [r.id, r !== root && this.#becomesStep(r)]));
    const stepParent = stepParentOf(tree.parentOf, isStep);

    const steps: Step[] = [];
    const pending: ToolCallRequest[] = [];
    for (const record of ordered) {
      if (isStep.get(record.id) !== true) continue;
      steps.push(this.#toStep(record, stepParent(record.id), metadata, runId, pending));
    }

    const times = ordered.flatMap((r) => [r.startMs, r.endMs]).filter((t): t is number => t !== undefined);
    const startedAt = root?.startedAt ?? (times.length > 0 ? new Date(Math.min(...times)).toISOString() : undefined);
    const endedAt = root?.endedAt ?? (times.length > 0 ? new Date(Math.max(...times)).toISOString() : undefined);
    const taskId = pickMetadata(metadata, MIMIR.taskId, this.#file.options.mapping.taskId ?? []);
    const runPlace = { line: root?.line ?? records[0]?.line ?? 1, runId };
    const trial = trialFromMetadata(metadata, runPlace, this.#file.report);
    const resumedFrom = pickMetadata(metadata, MIMIR.resumedFrom, []);
    const conversationId = pickMetadata(metadata, CONVERSATION_KEYS[0] ?? 'thread_id', CONVERSATION_KEYS.slice(1));
    const line = root?.line ?? records[0]?.line;
    return {
      id: runId,
      ...(taskId !== undefined && { taskId }),
      ...(trial !== undefined && { trial }),
      ...(startedAt !== undefined && { startedAt }),
      ...(endedAt !== undefined && { endedAt }),
      steps: readApprovalRequests(steps, (request, message) => {
        const line = unique.byId.get(request.id)?.line ?? runPlace.line;
        this.#file.report('wrong-attribute-type', `line ${line}: run ${request.id}: ${message}`, { line, runId, spanId: request.id });
      }, this.#file.options.approvalTools),
      claimedStatus: claimedFromMetadata(metadata, this.#file.options.mapping.claimedStatus ?? [], runPlace, this.#file.report),
      outcome: this.#outcome(root, metadata, runPlace),
      ...(resumedFrom !== undefined && { resumedFrom }),
      ...(conversationId !== undefined && { conversationId }),
      source: { file: this.#file.path, ...(line !== undefined && { line }), traceId },
      ...(damaged && { damaged: true }),
    };
  }

  #becomesStep(record: RecordItem): boolean {
    if (approvalDecisionText(record.metadata, this.#file.options.mapping) !== undefined) return true;
    if (checkpointFromMetadata(record.metadata, this.#file.options.mapping) !== undefined) return true;
    // A container that failed is kept: its error may be the only record of what went wrong.
    if (CONTAINER_TYPES.has(record.runType)) return record.error !== undefined;
    return true;
  }

  #toStep(record: RecordItem, parentId: string | undefined, rootMetadata: JsonRecord, runId: string, pending: ToolCallRequest[]): Step {
    const error = record.error === undefined ? undefined : stepErrorFromText(record.error, 'error');
    const base = {
      id: record.id,
      name: record.name,
      ...(parentId !== undefined && { parentId }),
      ...(record.startedAt !== undefined && { startedAt: record.startedAt }),
      ...(record.endedAt !== undefined && { endedAt: record.endedAt }),
      status: error === undefined ? ('ok' as const) : ('error' as const),
      ...(error !== undefined && { error }),
    };

    const approval = approvalFromMetadata(record.metadata, this.#file.options.mapping, `line ${record.line}`, { line: record.line, runId, spanId: record.id }, this.#file.report);
    if (approval !== undefined) return { ...base, kind: 'approval', ...approval };

    switch (record.runType) {
      case 'llm': {
        const outputs = record.outputs === undefined ? [] : llmOutputMessages(record.outputs);
        for (const out of outputs) pending.push(...out.toolCalls);
        const input = llmInputMessages(record.inputs);
        const invocation = isRecord(record.extra.invocation_params) ? record.extra.invocation_params : {};
        const llmOutput = record.outputs !== undefined && isRecord(record.outputs.llm_output) ? record.outputs.llm_output : {};
        const model =
          asString(invocation.model) ??
          asString(invocation.model_name) ??
          asString(record.metadata.ls_model_name) ??
          asString(llmOutput.model_name) ??
          outputs.find((o) => o.model !== undefined)?.model;
        const usage = isRecord(llmOutput.token_usage) ? llmOutput.token_usage : {};
        const inputTokens =
          asNumber(record.raw.prompt_tokens) ?? asNumber(usage.prompt_tokens) ?? asNumber(usage.input_tokens) ?? outputs.find((o) => o.usage?.input !== undefined)?.usage?.input;
        const outputTokens =
          asNumber(record.raw.completion_tokens) ??
          asNumber(usage.completion_tokens) ??
          asNumber(usage.output_tokens) ??
          outputs.find((o) => o.usage?.output !== undefined)?.usage?.output;
        const contextWindow = model === undefined ? undefined : this.#file.compiled.contextWindow(model);
        const confidence = asNumber(pickMetadata(record.metadata, MIMIR.confidence, this.#file.options.mapping.confidence ?? []));
        return {
          ...base,
          kind: 'llm',
          ...(model !== undefined && { model }),
          ...(contextWindow !== undefined && { contextWindow }),
          ...(input !== undefined && { inputMessages: this.#file.clipper.messages(input, `line ${record.line}: run ${record.id}`, this.#file.place(record, runId)) }),
          ...(outputs.length > 0 && { outputMessages: this.#file.clipper.messages(outputs.map((o) => o.message), `line ${record.line}: run ${record.id}`, this.#file.place(record, runId)) }),
          ...(inputTokens !== undefined && { inputTokens }),
          ...(outputTokens !== undefined && { outputTokens }),
          ...(confidence !== undefined && confidence >= 0 && confidence <= 1 && { confidence }),
        };
      }
      case 'tool':
        return this.#toolStep(record, base, rootMetadata, runId, pending);
      default: {
        const checkpoint = checkpointFromMetadata(record.metadata, this.#file.options.mapping);
        return { ...base, kind: checkpoint === undefined ? 'other' : 'checkpoint' };
      }
    }
  }

  #toolStep(
    record: RecordItem,
    base: { id: string; name: string; parentId?: string; startedAt?: string; endedAt?: string; status: 'ok' | 'error'; error?: StepError },
    rootMetadata: JsonRecord,
    runId: string,
    pending: ToolCallRequest[],
  ): Step {
    const toolName = record.name;
    // LangChain passes the arguments as JSON text in `input`; traceable functions pass them as inputs.
    const rawInput = record.inputs.input;
    const argsText = typeof rawInput === 'string' ? rawInput : undefined;
    const args = argsText !== undefined ? this.#file.clipper.parse(argsText, `line ${record.line}: run ${record.id} input`, this.#file.place(record, runId)) : Object.keys(record.inputs).length > 0 ? record.inputs : undefined;

    let result: unknown;
    let resultText: string | undefined;
    let answeredCallId: string | undefined;
    let reportedError = false;
    const output = record.outputs?.output ?? record.outputs;
    const message = parseMessage(output);
    if (message !== undefined && message.message.role === 'tool') {
      resultText = message.message.content;
      answeredCallId = message.toolCallId;
      reportedError = message.errorStatus;
    } else if (typeof output === 'string') {
      resultText = output;
    } else if (output !== undefined) {
      result = output;
    }
    if (resultText !== undefined) result = this.#file.clipper.parse(resultText, `line ${record.line}: run ${record.id} output`, this.#file.place(record, runId));

    const call = takeCall(pending, toolName, argsText ?? (args === undefined ? undefined : JSON.stringify(args)), answeredCallId);
    const callId = answeredCallId ?? call?.id ?? pickMetadata(record.metadata, 'tool_call_id', []);

    let error = base.error;
    if (error === undefined && reportedError) error = { type: 'tool-error', ...(resultText !== undefined && { message: resultText.slice(0, 500) }) };
    const mcpError = mcpErrorText(result);
    if (error === undefined && mcpError !== undefined) error = { type: 'error-result', message: mcpError.slice(0, 500) };
    if (error === undefined && resultText !== undefined && this.#file.compiled.looksLikeError(resultText)) {
      error = { type: 'error-result', message: resultText.slice(0, 500) };
    }
    const risk = this.#risk(toolName, record, rootMetadata, runId);
    return {
      ...base,
      kind: 'tool',
      status: error === undefined ? 'ok' : 'error',
      ...(error !== undefined && { error }),
      toolName,
      ...(callId !== undefined && { callId }),
      ...(args !== undefined && { arguments: args }),
      ...(result !== undefined && { result }),
      ...(risk !== undefined && { risk }),
    };
  }

  /** Risk from mimir.yaml first; else `mimir.tool.risk` on the tool run, or `mimir.tool.risk.<tool>` on the root. */
  #risk(toolName: string, record: RecordItem, rootMetadata: JsonRecord, runId: string): RiskClass | undefined {
    const keys = [MIMIR.toolRisk, ...(this.#file.options.mapping.toolRisk ?? [])];
    const own = keys.map((k) => record.metadata[k]).find((v) => v !== undefined);
    return this.#file.risk(toolName, own ?? rootMetadata[`${MIMIR.toolRiskPrefix}${toolName}`], `line ${record.line}: tool risk for ${toolName}`, this.#file.place(record, runId));
  }


  /** `mimir.outcome` on the root's metadata, else LangSmith feedback keyed `outcome`. */
  #outcome(root: RecordItem | undefined, metadata: JsonRecord, place: ProblemPlace): RunOutcome {
    const explicit = outcomeFromMetadata(metadata, place, this.#file.report);
    if (explicit !== undefined) return explicit;
    const stats = root !== undefined && isRecord(root.raw.feedback_stats) ? root.raw.feedback_stats : undefined;
    const feedback = stats !== undefined && isRecord(stats.outcome) ? stats.outcome : undefined;
    if (feedback === undefined) return { status: 'unknown', source: 'none' };
    const values = isRecord(feedback.values) ? feedback.values : {};
    const said = (key: string) => (asNumber(values[key]) ?? 0) > 0;
    // Unknown stays unknown: a score alone, or feedback that says both, is not read as a verdict.
    const status = said('success') && !said('failure') ? 'success' : said('failure') && !said('success') ? 'failure' : 'unknown';
    const score = scoreFrom(feedback.avg, 'feedback_stats.outcome.avg', place, this.#file.report);
    return { status, ...(score !== undefined && { score }), source: 'langsmith feedback' };
  }
}
