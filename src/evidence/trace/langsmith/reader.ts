import { createReadStream } from 'node:fs';
import { open as openFile, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import {
  RISK_CLASSES,
  type ApprovalDecision,
  type Message,
  type RiskClass,
  type Run,
  type RunOutcome,
  type Step,
  type StepError,
} from '../../../model/index.js';
import { CompiledReadOptions } from '../conventions/compiled-options.js';
import {
  asNumber,
  asString,
  claimedFromMetadata,
  isRecord,
  parseJsonOrText,
  pickMetadata,
  takeCall,
  trialFromMetadata,
  type JsonRecord,
  type Report,
  type ToolCallRequest,
} from '../framework-records.js';
import { isTruncatedGzip } from '../input/open-input.js';
import { describeValue, type ProblemPlace } from '../problems.js';
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
  const start = parseTime(value.start_time);
  const end = parseTime(value.end_time);
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
  };
}

/**
 * LangSmith writes UTC times without a zone and with microseconds ("2025-06-02T09:10:00.000000");
 * the SDKs also send epoch milliseconds. JavaScript's Date takes neither a missing zone (it would
 * read local time) nor reliably six fraction digits, so both are normalized first.
 */
function parseTime(value: unknown): { ms: number | undefined; iso: string | undefined; invalid: boolean } {
  if (value === null || value === undefined) return { ms: undefined, iso: undefined, invalid: false };
  let ms = Number.NaN;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
    if (match?.[1] !== undefined) {
      const fraction = (match[2] ?? '').padEnd(3, '0').slice(0, 3);
      ms = Date.parse(`${match[1]}.${fraction}${match[3] ?? 'Z'}`);
    }
  }
  if (!Number.isFinite(ms)) return { ms: undefined, iso: undefined, invalid: true };
  return { ms, iso: new Date(ms).toISOString(), invalid: false };
}

const APPROVAL = { decision: 'mimir.approval.decision', toolCallId: 'mimir.approval.tool_call.id', actor: 'mimir.approval.actor' } as const;
const DECISIONS: Readonly<Record<string, ApprovalDecision>> = {
  approved: 'approved',
  denied: 'denied',
  rejected: 'denied',
  modified: 'modified',
  timeout: 'timeout',
  timed_out: 'timeout',
};
const RISKS: ReadonlySet<string> = new Set<string>(RISK_CLASSES);
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

  constructor(path: string, options: TraceReadOptions, report: Report) {
    this.#path = path;
    this.#options = options;
    this.#report = report;
    this.#compiled = new CompiledReadOptions(options);
  }

  build(traceId: string, all: readonly RecordItem[]): Run {
    let damaged = false;
    const byId = new Map<string, RecordItem>();
    for (const record of all) {
      if (byId.has(record.id)) {
        this.#report('duplicate-span-id', `line ${record.line}: run ${record.id} appears twice in trace ${traceId}; the first is kept`, { line: record.line, spanId: record.id });
        damaged = true;
        continue;
      }
      byId.set(record.id, record);
    }
    const records = [...byId.values()];
    const roots = records.filter((r) => r.parentId === undefined);
    const root = roots.find((r) => r.id === traceId) ?? roots[0];
    const metadata = root?.metadata ?? {};
    const runId = pickMetadata(metadata, 'mimir.run.id', []) ?? traceId;
    if (root === undefined) {
      this.#report('no-root', `trace ${traceId} has no root run (one without parent_run_id)`, { line: records[0]?.line ?? 0, runId });
      damaged = true;
    }
    for (const extraRoot of roots) {
      if (extraRoot === root) continue;
      this.#report('multiple-roots', `trace ${traceId} has another root, run ${extraRoot.id}; it is read as part of the run`, { line: extraRoot.line, runId, spanId: extraRoot.id });
      damaged = true;
    }

    const parentOf = new Map<string, string | undefined>();
    for (const record of records) {
      let parent = record.parentId;
      if (parent !== undefined && !byId.has(parent)) {
        this.#report('missing-parent', `line ${record.line}: run ${record.id} names parent ${parent}, which is not in trace ${traceId}`, { line: record.line, runId, spanId: record.id });
        damaged = true;
        parent = undefined;
      }
      parentOf.set(record.id, parent);
    }
    for (const record of records) {
      const seen = new Set<string>([record.id]);
      for (let at = parentOf.get(record.id); at !== undefined; at = parentOf.get(at)) {
        if (seen.has(at)) {
          this.#report('parent-cycle', `line ${record.line}: run ${record.id} is its own ancestor; read as a top-level run`, { line: record.line, runId, spanId: record.id });
          parentOf.set(record.id, undefined);
          damaged = true;
          break;
        }
        seen.add(at);
      }
      if (record.endMs === undefined) {
        this.#report('unended-span', `line ${record.line}: run ${record.id} (${record.runType} ${record.name}) never ended`, { line: record.line, runId, spanId: record.id });
        damaged = true;
      } else if (record.startMs !== undefined && record.endMs < record.startMs) {
        const isRoot = record === root;
        this.#report('clock-skew', `line ${record.line}: run ${record.id} ends before it starts${isRoot ? ': it is the trace\'s root, so the run\'s times are unknown and the run is counted damaged' : ''}`, {
          line: record.line,
          runId,
          spanId: record.id,
        });
        if (isRoot) damaged = true;
      }
    }

    const depth = (record: RecordItem): number => {
      let d = 0;
      for (let at = parentOf.get(record.id); at !== undefined && d <= records.length; at = parentOf.get(at)) d++;
      return d;
    };
    // Execution order: by start time, a parent before its children on a tie, then file order.
    const ordered = records
      .map((record, index) => ({ record, index, depth: depth(record) }))
      .sort((a, b) => (a.record.startMs ?? Infinity) - (b.record.startMs ?? Infinity) || a.depth - b.depth || a.index - b.index)
      .map((entry) => entry.record);
    const isStep = new Map(ordered.map((r) => [r.id, r !== root && this.#becomesStep(r)]));
    const stepParent = (record: RecordItem): string | undefined => {
      for (let at = parentOf.get(record.id); at !== undefined; at = parentOf.get(at)) if (isStep.get(at) === true) return at;
      return undefined;
    };

    const steps: Step[] = [];
    const pending: ToolCallRequest[] = [];
    for (const record of ordered) {
      if (isStep.get(record.id) !== true) continue;
      steps.push(this.#toStep(record, stepParent(record), metadata, runId, pending));
    }

    const times = ordered.flatMap((r) => [r.startMs, r.endMs]).filter((t): t is number => t !== undefined);
    const startedAt = root?.startedAt ?? (times.length > 0 ? new Date(Math.min(...times)).toISOString() : undefined);
    const endedAt = root?.endedAt ?? (times.length > 0 ? new Date(Math.max(...times)).toISOString() : undefined);
    const taskId = pickMetadata(metadata, 'mimir.task.id', this.#options.mapping.taskId ?? []);
    const runPlace = { line: root?.line ?? records[0]?.line ?? 1, runId };
    const trial = trialFromMetadata(metadata, runPlace, this.#report);
    const resumedFrom = pickMetadata(metadata, 'mimir.resumed_from', []);
    const conversationId = pickMetadata(metadata, CONVERSATION_KEYS[0] ?? 'thread_id', CONVERSATION_KEYS.slice(1));
    const line = root?.line ?? records[0]?.line;
    return {
      id: runId,
      ...(taskId !== undefined && { taskId }),
      ...(trial !== undefined && { trial }),
      ...(startedAt !== undefined && { startedAt }),
      ...(endedAt !== undefined && { endedAt }),
      steps,
      claimedStatus: claimedFromMetadata(metadata, this.#options.mapping.claimedStatus ?? [], runPlace, this.#report),
      outcome: this.#outcome(root, metadata, runPlace),
      ...(resumedFrom !== undefined && { resumedFrom }),
      ...(conversationId !== undefined && { conversationId }),
      source: { file: this.#path, ...(line !== undefined && { line }), traceId },
      ...(damaged && { damaged: true }),
    };
  }

  #becomesStep(record: RecordItem): boolean {
    if (this.#decisionRaw(record.metadata) !== undefined) return true;
    if (pickMetadata(record.metadata, 'mimir.checkpoint.id', this.#options.mapping.checkpointId ?? []) !== undefined) return true;
    // A container that failed is kept: its error may be the only record of what went wrong.
    if (CONTAINER_TYPES.has(record.runType)) return record.error !== undefined;
    return true;
  }

  #toStep(record: RecordItem, parentId: string | undefined, rootMetadata: JsonRecord, runId: string, pending: ToolCallRequest[]): Step {
    const error = record.error === undefined ? undefined : errorOf(record.error);
    const base = {
      id: record.id,
      name: record.name,
      ...(parentId !== undefined && { parentId }),
      ...(record.startedAt !== undefined && { startedAt: record.startedAt }),
      ...(record.endedAt !== undefined && { endedAt: record.endedAt }),
      status: error === undefined ? ('ok' as const) : ('error' as const),
      ...(error !== undefined && { error }),
    };

    const decisionRaw = this.#decisionRaw(record.metadata);
    if (decisionRaw !== undefined) {
      const decision = DECISIONS[decisionRaw.toLowerCase()];
      if (decision !== undefined) {
        const toolCallId = pickMetadata(record.metadata, APPROVAL.toolCallId, this.#options.mapping.approvalToolCallId ?? []);
        const actor = pickMetadata(record.metadata, APPROVAL.actor, this.#options.mapping.approvalActor ?? []);
        return { ...base, kind: 'approval', decision, ...(toolCallId !== undefined && { toolCallId }), ...(actor !== undefined && { actor }) };
      }
      this.#report('wrong-attribute-type', `line ${record.line}: approval decision ${JSON.stringify(decisionRaw)} is not approved, denied, modified or timeout`, {
        line: record.line,
        runId,
        spanId: record.id,
      });
    }

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
        const confidence = asNumber(pickMetadata(record.metadata, 'mimir.confidence', this.#options.mapping.confidence ?? []));
        return {
          ...base,
          kind: 'llm',
          ...(model !== undefined && { model }),
          ...(contextWindow !== undefined && { contextWindow }),
          ...(input !== undefined && { inputMessages: this.#clipMessages(input, record, runId) }),
          ...(outputs.length > 0 && { outputMessages: this.#clipMessages(outputs.map((o) => o.message), record, runId) }),
          ...(inputTokens !== undefined && { inputTokens }),
          ...(outputTokens !== undefined && { outputTokens }),
          ...(confidence !== undefined && confidence >= 0 && confidence <= 1 && { confidence }),
        };
      }
      case 'tool':
        return this.#toolStep(record, base, rootMetadata, runId, pending);
      default: {
        const checkpoint = pickMetadata(record.metadata, 'mimir.checkpoint.id', this.#options.mapping.checkpointId ?? []);
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
    const args = argsText !== undefined ? this.#parseClipped(argsText, record, runId, 'input') : Object.keys(record.inputs).length > 0 ? record.inputs : undefined;

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
    if (resultText !== undefined) result = this.#parseClipped(resultText, record, runId, 'output');

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
    const keys = ['mimir.tool.risk', ...(this.#options.mapping.toolRisk ?? [])];
    const own = keys.map((k) => record.metadata[k]).find((v) => v !== undefined);
    const raw = own ?? rootMetadata[`mimir.tool.risk.${toolName}`];
    if (raw === undefined) return undefined;
    if (typeof raw === 'string' && RISKS.has(raw)) return raw as RiskClass;
    this.#report('wrong-attribute-type', `line ${record.line}: tool risk ${JSON.stringify(raw)} for ${toolName} is not one of ${RISK_CLASSES.join(', ')}`, {
      line: record.line,
      runId,
      spanId: record.id,
    });
    return undefined;
  }

  #decisionRaw(metadata: JsonRecord): string | undefined {
    return pickMetadata(metadata, APPROVAL.decision, this.#options.mapping.approvalDecision ?? []);
  }

  #parseClipped(text: string, record: RecordItem, runId: string, what: string): unknown {
    const clipped = this.#clip(text, record, runId, what);
    return clipped === text ? parseJsonOrText(text) : clipped;
  }

  #clip(text: string, record: RecordItem, runId: string, what: string): string {
    const limit = this.#options.maxAttributeBytes;
    if (text.length <= limit / 4 || Buffer.byteLength(text) <= limit) return text;
    this.#report('oversized-value', `line ${record.line}: run ${record.id} ${what} is ${Buffer.byteLength(text)} bytes; kept the first ${limit}`, {
      line: record.line,
      runId,
      spanId: record.id,
    });
    return Buffer.from(text).subarray(0, limit).toString('utf8');
  }

  #clipMessages(messages: readonly Message[], record: RecordItem, runId: string): Message[] {
    return messages.map((m) => ({ role: m.role, content: this.#clip(m.content, record, runId, `${m.role} message`) }));
  }

  /** `mimir.outcome` on the root's metadata, else LangSmith feedback keyed `outcome`. */
  #outcome(root: RecordItem | undefined, metadata: JsonRecord, place: ProblemPlace): RunOutcome {
    const explicit = pickMetadata(metadata, 'mimir.outcome', []);
    if (explicit !== undefined) {
      if (explicit !== 'success' && explicit !== 'failure' && explicit !== 'unknown') {
        this.#report('wrong-attribute-type', `mimir.outcome is ${JSON.stringify(explicit)}, not success or failure`, place);
        return { status: 'unknown', source: 'none' };
      }
      const score = this.#score(metadata['mimir.outcome.score'], 'mimir.outcome.score', place);
      return { status: explicit, ...(score !== undefined && { score }), source: 'trace metadata' };
    }
    const stats = root !== undefined && isRecord(root.raw.feedback_stats) ? root.raw.feedback_stats : undefined;
    const feedback = stats !== undefined && isRecord(stats.outcome) ? stats.outcome : undefined;
    if (feedback === undefined) return { status: 'unknown', source: 'none' };
    const values = isRecord(feedback.values) ? feedback.values : {};
    const said = (key: string) => (asNumber(values[key]) ?? 0) > 0;
    // Unknown stays unknown: a score alone, or feedback that says both, is not read as a verdict.
    const status = said('success') && !said('failure') ? 'success' : said('failure') && !said('success') ? 'failure' : 'unknown';
    const score = this.#score(feedback.avg, 'feedback_stats.outcome.avg', place);
    return { status, ...(score !== undefined && { score }), source: 'langsmith feedback' };
  }

  #score(raw: unknown, what: string, place: ProblemPlace): number | undefined {
    if (raw === undefined || raw === null) return undefined;
    const score = asNumber(raw);
    if (score === undefined || score < 0 || score > 1) {
      this.#report('wrong-attribute-type', `${what} is ${JSON.stringify(raw)}, not a number from 0 to 1`, place);
      return undefined;
    }
    return score;
  }
}



/** LangSmith's `error` is text: "OrderServiceError: upstream timeout", a Python repr, or a traceback. */
function errorOf(error: string): StepError {
  // Bounded: the name is at the very start, and a backtracking match over a huge line would be quadratic.
  const firstLine = (error.split('\n', 1)[0] ?? error).slice(0, 200);
  const named = /^([A-Za-z_$][\w$.]*(?:Error|Exception|Timeout|Interrupt))\b/.exec(firstLine)?.[1];
  return { type: named ?? 'error', message: error.length > 2000 ? `${error.slice(0, 2000)}…` : error };
}
