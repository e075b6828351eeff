import { createReadStream } from 'node:fs';
import { open as openFile, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { RiskClass, Run, RunOutcome, Step, StepError } from '../../../model/index.js';
import { CompiledReadOptions } from '../conventions/compiled-options.js';
import { readApprovalRequests } from '../conventions/approval-requests.js';
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
  riskFrom,
  scoreFrom,
  stepErrorFromText,
  takeCall,
  trialFromMetadata,
  ValueClipper,
  type JsonRecord,
  type Report,
  type ToolCallRequest,
} from '../framework-records.js';
import { arrangeTree, stepParentOf, uniqueRecords } from '../framework-tree.js';
import { isTruncatedGzip } from '../input/open-input.js';
import { describeMisspelt, misspeltKeys } from '../misspelt-keys.js';
import { describeValue, type ProblemPlace } from '../problems.js';
import { parseRecordTime } from '../time.js';
import type { ProblemSink, ReadProgress, TraceReader, TraceReadOptions } from '../types.js';
import { llmInputMessages, llmOutputMessages, parseMessage } from './messages.js';

/**
 * Reads LangSmith run exports as JSON Lines: one run record per line, as LangSmith's Run schema
 * defines it (`id`, `name`, `run_type` llm | tool | chain | retriever | …, `trace_id`,
 * `parent_run_id`, `start_time`, `end_time`, `inputs`, `outputs`, `error`, `extra.metadata`, `tags`,
 * `events`, `status`, token counts, `feedback_stats`). "Run" there means a span; a LangSmith *trace*
 * (all records sharing `trace_id`) is one mimir run.
 *
 * The file is streamed line by line. Records of one trace need not be adjacent or in order: a trace
 * stays open until {@link MAX_OPEN_TRACES} other traces have opened after it was last touched, or
 * the file ends, so memory is bounded by that many traces. A record that arrives for a trace already
 * emitted is reported and skipped.
 *
 * On the root record's `extra.metadata`: `mimir.run.id` (else the trace id), `mimir.task.id`,
 * `mimir.trial`, `mimir.run.claimed_status`, `mimir.outcome` (+ `mimir.outcome.score`),
 * `mimir.resumed_from`, `mimir.tool.risk.<tool>`, and `thread_id` / `session_id` /
 * `conversation_id` as the conversation. An outcome may also come from LangSmith feedback:
 * `feedback_stats.outcome`, whose categorical `values` say success or failure and whose `avg` is the score.
 */
export const langSmithReader: TraceReader = {
  format: 'langsmith',
  read: readLangSmithFile,
};

/** Traces kept open at once; exports group a trace's records, so this only matters for interleaved files. */
export const MAX_OPEN_TRACES = 64;

interface RecordItem {
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

interface OpenTrace {
  readonly records: RecordItem[];
  lastTouched: number;
}


async function* readLangSmithFile(
  path: string,
  options: TraceReadOptions,
  sink: ProblemSink,
  onProgress?: (progress: ReadProgress) => void,
): AsyncIterable<Run> {
  const report: Report = (code, message, place) => {
    sink.report({ code, message, file: path, ...place });
  };
  let totalBytes: number | undefined;
  let gzip: boolean;
  try {
    totalBytes = (await stat(path)).size;
    // Format detection looks through gzip, so a compressed export reaches this reader as such.
    const handle = await openFile(path);
    try {
      const magic = Buffer.alloc(2);
      await handle.read(magic, 0, 2, 0);
      gzip = magic[0] === 0x1f && magic[1] === 0x8b;
    } finally {
      await handle.close();
    }
  } catch (error) {
    report('unreadable', `cannot read ${path}: ${(error as Error).message}`, { byteOffset: 0 });
    sink.skipped();
    return;
  }
  // Progress counts decompressed bytes, so a compressed file's total is unknown.
  if (gzip) totalBytes = undefined;

  const builder = new RunBuilder(path, options, report);
  const open = new Map<string, OpenTrace>();
  const emitted = new Set<string>();
  let records = 0;
  let runs = 0;
  let bytesRead = 0;
  let lastLine = 0;
  // The input stopped early (a cut gzip stream, a read error): every trace still open may have lost runs.
  let cutShort = false;
  const finish = (traceId: string): Run | undefined => {
    const trace = open.get(traceId);
    open.delete(traceId);
    emitted.add(traceId);
    if (trace === undefined) return undefined;
    let run: Run;
    try {
      run = builder.build(traceId, trace.records);
    } catch (error) {
      // Input nothing here anticipated must cost this trace, not the file.
      report('invalid-document', `trace ${traceId} could not be read: ${(error as Error).message}`, { line: trace.records[0]?.line ?? 1, runId: traceId });
      sink.skipped();
      return undefined;
    }
    if (cutShort && run.damaged !== true) run = { ...run, damaged: true };
    if (run.damaged === true) sink.damagedRun(run.id);
    runs++;
    onProgress?.({ file: path, bytesRead, totalBytes, spans: records, runs });
    return run;
  };

  try {
    for await (const { text, line, complete, bytes } of readLines(path, gzip)) {
      bytesRead += bytes;
      lastLine = line;
      if (text === undefined) {
        report('invalid-utf8', `line ${line} is not valid UTF-8; skipped`, { line });
        sink.skipped();
        continue;
      }
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text) as unknown;
      } catch (error) {
        report(complete ? 'invalid-json' : 'truncated', `line ${line} is not valid JSON${complete ? '' : ' (the file ends mid-record)'}: ${(error as Error).message}`, { line });
        sink.skipped();
        continue;
      }
      const record = toRecord(value, line, report);
      if (record === undefined) {
        sink.skipped();
        continue;
      }
      records++;
      if (emitted.has(record.traceId)) {
        report(record.parentId === undefined ? 'multiple-roots' : 'missing-parent', `line ${line}: run ${record.id} arrived after trace ${record.traceId} was complete (more than ${MAX_OPEN_TRACES} traces apart); skipped`, {
          line,
          spanId: record.id,
        });
        sink.skipped();
        continue;
      }
      let trace = open.get(record.traceId);
      if (trace === undefined) {
        trace = { records: [], lastTouched: line };
        open.set(record.traceId, trace);
      }
      trace.records.push(record);
      trace.lastTouched = line;
      // Map order is insertion order; re-inserting keeps the least recently touched trace first.
      open.delete(record.traceId);
      open.set(record.traceId, trace);
      if (open.size > MAX_OPEN_TRACES) {
        const oldest = open.keys().next().value;
        if (oldest !== undefined) {
          const run = finish(oldest);
          if (run !== undefined) yield run;
        }
      }
    }
  } catch (error) {
    // What followed the last whole line is lost: a record at least, so the open traces are damaged.
    cutShort = true;
    const cut = isTruncatedGzip(error);
    report(
      cut ? 'truncated' : 'unreadable',
      cut ? `the gzip stream ends before its end marker (the file was cut short) after line ${lastLine}: what followed is lost` : `reading ${path} failed after line ${lastLine}: ${(error as Error).message}`,
      { line: lastLine + 1, byteOffset: bytesRead },
    );
    sink.skipped();
  }
  for (const traceId of [...open.keys()]) {
    const run = finish(traceId);
    if (run !== undefined) yield run;
  }
}

/** Lines as bytes decoded strictly: a bad byte costs its line only. `complete` is false for a last line with no newline. */
async function* readLines(path: string, gzip: boolean): AsyncIterable<{ text: string | undefined; line: number; complete: boolean; bytes: number }> {
  const raw = createReadStream(path);
  let source: NodeJS.ReadableStream = raw;
  if (gzip) {
    const gunzip = createGunzip();
    // pipe() does not forward a read error; without this the gunzip stream would wait forever.
    raw.on('error', (error) => gunzip.destroy(error));
    source = raw.pipe(gunzip);
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let line = 0;
  const emit = (chunks: Buffer[], complete: boolean) => {
    const bytes = Buffer.concat(chunks);
    line++;
    let text: string | undefined;
    try {
      text = decoder.decode(bytes);
    } catch {
      text = undefined;
    }
    if (line === 1 && text?.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text, line, complete, bytes: bytes.length + (complete ? 1 : 0) };
  };
  for await (const chunk of source as AsyncIterable<Buffer>) {
    let start = 0;
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, start)) {
      pending.push(chunk.subarray(start, at));
      yield emit(pending, true);
      pending = [];
      start = at + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.some((b) => b.length > 0)) yield emit(pending, false);
}

function toRecord(value: unknown, line: number, report: Report): RecordItem | undefined {
  const invalid = (message: string): void => {
    report('invalid-document', `line ${line}: ${message}; skipped`, { line });
  };
  if (!isRecord(value)) {
    invalid('not a LangSmith run record (not an object)');
    return;
  }
  // First: a misspelt id, trace_id or run_type is why the record is then skipped.
  const misspelt = misspeltKeys(value, RECORD_KEYS, true, READ_KEYS);
  if (misspelt.length > 0) {
    report('invalid-document', `line ${line}: a run record has ${describeMisspelt(misspelt)} where LangSmith's key was expected: what it holds is ignored; rename the key`, { line });
  }
  const id = asString(value.id);
  if (id === undefined || id === '') {
    invalid('a run record without an id');
    return;
  }
  const parentRaw = value.parent_run_id;
  const parentId = typeof parentRaw === 'string' && parentRaw !== '' ? parentRaw : undefined;
  // A root run's id is its trace id; older exports omit trace_id on roots.
  const traceId = asString(value.trace_id) ?? (parentId === undefined ? id : undefined);
  if (traceId === undefined || traceId === '') {
    invalid(`run ${id} has no trace_id`);
    return;
  }
  const runType = asString(value.run_type);
  if (runType === undefined) {
    invalid(`run ${id} has no run_type`);
    return;
  }
  const start = parseRecordTime(value.start_time);
  const end = parseRecordTime(value.end_time);
  if (start.invalid || end.invalid) report('wrong-attribute-type', `line ${line}: run ${id} has a time that is neither ISO 8601 nor epoch milliseconds`, { line, spanId: id });
  const extra = isRecord(value.extra) ? value.extra : {};
  let error = value.error === null || value.error === undefined ? undefined : typeof value.error === 'string' ? value.error : JSON.stringify(value.error);
  // LangSmith's own verdict on the run: an "error" status with no message is still a failed step.
  if (value.status === 'error' && (error === undefined || error === '')) error = 'the run\'s status is "error" (no error message was recorded)';
  else if (value.status !== undefined && value.status !== null && typeof value.status !== 'string') {
    report('wrong-attribute-type', `line ${line}: run ${id} has a status that is ${describeValue(value.status)}, not text`, { line, spanId: id });
  }
  return {
    id,
    traceId,
    parentId,
    name: asString(value.name) ?? runType,
    runType,
    startMs: start.ms,
    endMs: end.ms,
    startedAt: start.iso,
    endedAt: end.iso,
    inputs: isRecord(value.inputs) ? value.inputs : {},
    outputs: isRecord(value.outputs) ? value.outputs : undefined,
    error: error === '' ? undefined : error,
    metadata: isRecord(extra.metadata) ? extra.metadata : {},
    extra,
    raw: value,
    line,
    damaged: misspelt.length > 0,
  };
}

/** The keys of LangSmith's Run schema (langsmith-sdk `schemas.Run` and the export's extras): none is a misspelling. */
const RECORD_KEYS: ReadonlySet<string> = new Set([
  'id', 'name', 'start_time', 'run_type', 'end_time', 'extra', 'error', 'serialized', 'events', 'inputs', 'outputs', 'reference_example_id',
  'parent_run_id', 'tags', 'attachments', 'session_id', 'child_run_ids', 'child_runs', 'feedback_stats', 'app_path', 'manifest_id', 'status',
  'prompt_tokens', 'completion_tokens', 'total_tokens', 'prompt_cost', 'completion_cost', 'total_cost', 'first_token_time', 'parent_run_ids',
  'trace_id', 'dotted_order', 'in_dataset', 'inputs_s3_urls', 'outputs_s3_urls', 's3_urls', 'input_attachments', 'output_attachments',
  'execution_order', 'latency', 'share_token', 'trace_min_start_time', 'trace_max_start_time', 'last_queued_at', 'thread_id',
  'prompt_token_details', 'completion_token_details', 'prompt_cost_details', 'completion_cost_details', 'price_model_id', 'tenant_id', 'error_tokens',
]);
/** The keys this reader reads: a misspelling of one of these loses what the run says. */
const READ_KEYS: ReadonlySet<string> = new Set([
  'id', 'name', 'run_type', 'trace_id', 'parent_run_id', 'start_time', 'end_time', 'inputs', 'outputs', 'error', 'extra', 'status', 'feedback_stats', 'prompt_tokens', 'completion_tokens',
]);

/** Run types that are structure (a graph node, a prompt template) rather than a step, unless they failed. */
const CONTAINER_TYPES = new Set(['chain', 'prompt']);
const CONVERSATION_KEYS = ['thread_id', 'session_id', 'conversation_id'];

/** Builds one Run from a trace's records; per-file options compiled once. */
class RunBuilder {
  readonly #path: string;
  readonly #options: TraceReadOptions;
  readonly #report: Report;
  /** Error patterns, tool risks and context windows, compiled once per file (shared with the OTLP reader). */
  readonly #compiled: CompiledReadOptions;
  readonly #clipper: ValueClipper;

  constructor(path: string, options: TraceReadOptions, report: Report) {
    this.#path = path;
    this.#options = options;
    this.#report = report;
    this.#compiled = new CompiledReadOptions(options);
    this.#clipper = new ValueClipper(options.maxAttributeBytes, report);
  }

  build(traceId: string, all: readonly RecordItem[]): Run {
    const describe = (record: RecordItem): string => `line ${record.line}: run ${record.id} (${record.runType} ${record.name})`;
    const unique = uniqueRecords(all, { traceId, runId: undefined, report: this.#report, describe });
    let damaged = unique.damaged;
    const records = [...unique.byId.values()];
    if (records.some((record) => record.damaged)) damaged = true;
    const roots = records.filter((r) => r.parentId === undefined);
    const root = roots.find((r) => r.id === traceId) ?? roots[0];
    const metadata = root?.metadata ?? {};
    const runId = pickMetadata(metadata, MIMIR.runId, []) ?? traceId;
    if (root === undefined) {
      this.#report('no-root', `trace ${traceId} has no root run (one without parent_run_id)`, { line: records[0]?.line ?? 0, runId });
      damaged = true;
    }
    for (const extraRoot of roots) {
      if (extraRoot === root) continue;
      this.#report('multiple-roots', `trace ${traceId} has another root, run ${extraRoot.id}; it is read as part of the run`, { line: extraRoot.line, runId, spanId: extraRoot.id });
      damaged = true;
    }

    // The root's times are the run's: a root that ends before it starts leaves the run without times.
    const tree = arrangeTree(unique.byId, { traceId, runId, report: this.#report, describe }, (record) => record === root);
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
    const taskId = pickMetadata(metadata, MIMIR.taskId, this.#options.mapping.taskId ?? []);
    const runPlace = { line: root?.line ?? records[0]?.line ?? 1, runId };
    const trial = trialFromMetadata(metadata, runPlace, this.#report);
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
        this.#report('wrong-attribute-type', `line ${line}: run ${request.id}: ${message}`, { line, runId, spanId: request.id });
      }),
      claimedStatus: claimedFromMetadata(metadata, this.#options.mapping.claimedStatus ?? [], runPlace, this.#report),
      outcome: this.#outcome(root, metadata, runPlace),
      ...(resumedFrom !== undefined && { resumedFrom }),
      ...(conversationId !== undefined && { conversationId }),
      source: { file: this.#path, ...(line !== undefined && { line }), traceId },
      ...(damaged && { damaged: true }),
    };
  }

  #becomesStep(record: RecordItem): boolean {
    if (approvalDecisionText(record.metadata, this.#options.mapping) !== undefined) return true;
    if (checkpointFromMetadata(record.metadata, this.#options.mapping) !== undefined) return true;
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

    const approval = approvalFromMetadata(record.metadata, this.#options.mapping, `line ${record.line}`, { line: record.line, runId, spanId: record.id }, this.#report);
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
        const contextWindow = model === undefined ? undefined : this.#compiled.contextWindow(model);
        const confidence = asNumber(pickMetadata(record.metadata, MIMIR.confidence, this.#options.mapping.confidence ?? []));
        return {
          ...base,
          kind: 'llm',
          ...(model !== undefined && { model }),
          ...(contextWindow !== undefined && { contextWindow }),
          ...(input !== undefined && { inputMessages: this.#clipper.messages(input, `line ${record.line}: run ${record.id}`, this.#place(record, runId)) }),
          ...(outputs.length > 0 && { outputMessages: this.#clipper.messages(outputs.map((o) => o.message), `line ${record.line}: run ${record.id}`, this.#place(record, runId)) }),
          ...(inputTokens !== undefined && { inputTokens }),
          ...(outputTokens !== undefined && { outputTokens }),
          ...(confidence !== undefined && confidence >= 0 && confidence <= 1 && { confidence }),
        };
      }
      case 'tool':
        return this.#toolStep(record, base, rootMetadata, runId, pending);
      default: {
        const checkpoint = checkpointFromMetadata(record.metadata, this.#options.mapping);
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
    const args = argsText !== undefined ? this.#clipper.parse(argsText, `line ${record.line}: run ${record.id} input`, this.#place(record, runId)) : Object.keys(record.inputs).length > 0 ? record.inputs : undefined;

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
    if (resultText !== undefined) result = this.#clipper.parse(resultText, `line ${record.line}: run ${record.id} output`, this.#place(record, runId));

    const call = takeCall(pending, toolName, argsText ?? (args === undefined ? undefined : JSON.stringify(args)), answeredCallId);
    const callId = answeredCallId ?? call?.id ?? pickMetadata(record.metadata, 'tool_call_id', []);

    let error = base.error;
    if (error === undefined && reportedError) error = { type: 'tool-error', ...(resultText !== undefined && { message: resultText.slice(0, 500) }) };
    if (error === undefined && resultText !== undefined && this.#compiled.looksLikeError(resultText)) {
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
    const declared = this.#compiled.declaredRisk(toolName);
    if (declared !== undefined) return declared;
    const keys = [MIMIR.toolRisk, ...(this.#options.mapping.toolRisk ?? [])];
    const own = keys.map((k) => record.metadata[k]).find((v) => v !== undefined);
    return riskFrom(own ?? rootMetadata[`${MIMIR.toolRiskPrefix}${toolName}`], `line ${record.line}: tool risk for ${toolName}`, this.#place(record, runId), this.#report);
  }

  #place(record: RecordItem, runId: string): ProblemPlace {
    return { line: record.line, runId, spanId: record.id };
  }

  /** `mimir.outcome` on the root's metadata, else LangSmith feedback keyed `outcome`. */
  #outcome(root: RecordItem | undefined, metadata: JsonRecord, place: ProblemPlace): RunOutcome {
    const explicit = outcomeFromMetadata(metadata, place, this.#report);
    if (explicit !== undefined) return explicit;
    const stats = root !== undefined && isRecord(root.raw.feedback_stats) ? root.raw.feedback_stats : undefined;
    const feedback = stats !== undefined && isRecord(stats.outcome) ? stats.outcome : undefined;
    if (feedback === undefined) return { status: 'unknown', source: 'none' };
    const values = isRecord(feedback.values) ? feedback.values : {};
    const said = (key: string) => (asNumber(values[key]) ?? 0) > 0;
    // Unknown stays unknown: a score alone, or feedback that says both, is not read as a verdict.
    const status = said('success') && !said('failure') ? 'success' : said('failure') && !said('success') ? 'failure' : 'unknown';
    const score = scoreFrom(feedback.avg, 'feedback_stats.outcome.avg', place, this.#report);
    return { status, ...(score !== undefined && { score }), source: 'langsmith feedback' };
  }
}
