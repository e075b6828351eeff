import { readFile } from 'node:fs/promises';
import type { RiskClass, Run, RunOutcome, Step, StepError, ToolDefinition } from '../../../model/index.js';
import { CompiledReadOptions } from '../conventions/compiled-options.js';
import { readApprovalRequests } from '../conventions/approval-requests.js';
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
  riskFrom,
  stepErrorFromText,
  takeCall,
  trialFromMetadata,
  ValueClipper,
  type JsonRecord,
  type Report,
  type ToolCallRequest,
} from '../framework-records.js';
import { arrangeTree, stepParentOf, uniqueRecords } from '../framework-tree.js';
import { gunzipWhole } from '../input/open-input.js';
import { describeMisspelt, misspeltKeys } from '../misspelt-keys.js';
import type { ProblemPlace } from '../problems.js';
import { parseRecordTime } from '../time.js';
import type { ProblemSink, ReadProgress, TraceReader, TraceReadOptions } from '../types.js';
import { inputMessages, modelOutput } from './messages.js';

/**
 * Reads what the OpenAI Agents SDK (JS or Python) hands its trace exporter: the payload its
 * `OpenAITracingExporter` posts, `{ "data": [trace, ...spans] }`, where a trace is
 * `{ object: "trace", id, workflow_name, group_id, metadata }` and a span is
 * `{ object: "trace.span", id, trace_id, parent_id, started_at, ended_at, span_data: { type, … }, error }`.
 * Also accepted: a bare array of those items, or JSON Lines of payloads or items (what a processor
 * that appends each batch to a file writes).
 *
 * Unlike the other readers this one parses its file whole: the export is one JSON document whose
 * traces and spans arrive in any order (a trace when it starts, spans as they end), so no run is
 * complete before the end of the file anyway. Export files are per-process batches; corpora too big
 * for memory should be split per file.
 *
 * One trace is one run. Its id is `metadata["mimir.run.id"]`, else the trace id; `mimir.task.id`,
 * `mimir.trial`, `mimir.run.claimed_status`, `mimir.outcome` (+ `mimir.outcome.score`) and
 * `mimir.resumed_from` also come from the trace metadata (values may be strings: OpenAI's ingest
 * keeps metadata as strings), as may `mimir.tool.risk.<tool name>`.
 */
export const openAiAgentsReader: TraceReader = {
  format: 'openai-agents',
  read: readOpenAiAgentsFile,
};

/** An export is read whole (one JSON document): decompressed, it may be at most this large (V8's longest string). */
const MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024;

/** Where an item sat: its JSON Lines line, and its place in the `data` array, for messages. */
interface ItemPosition {
  /** The item's line: its JSON Lines line, or where it starts in a whole-file document. */
  readonly line: number;
  readonly label: string;
}

interface TraceItem {
  /** A key the reader needs was misspelt (reported): what it held is missing from the run. */
  readonly damaged: boolean;
  readonly id: string;
  readonly metadata: JsonRecord;
  readonly groupId: string | undefined;
  readonly position: ItemPosition;
}

interface SpanItem {
  /** A key the reader needs was misspelt (reported): what it held is missing from the run. */
  readonly damaged: boolean;
  readonly id: string;
  readonly traceId: string;
  readonly parentId: string | undefined;
  readonly startMs: number | undefined;
  readonly endMs: number | undefined;
  readonly startedAt: string | undefined;
  readonly endedAt: string | undefined;
  readonly data: JsonRecord;
  readonly type: string;
  readonly error: JsonRecord | undefined;
  readonly position: ItemPosition;
  /** The item's line (its position's), where problems about it are located. */
  readonly line: number;
  /** Order in the file, the tie-breaker when start times are equal or missing. */
  readonly order: number;
}

interface TraceGroup {
  trace: TraceItem | undefined;
  readonly spans: SpanItem[];
  extraTraces: number;
}

async function* readOpenAiAgentsFile(
  path: string,
  options: TraceReadOptions,
  sink: ProblemSink,
  onProgress?: (progress: ReadProgress) => void,
): AsyncIterable<Run> {
  const report: Report = (code, message, place) => {
    sink.report({ code, message, file: path, ...place });
  };

  let bytes: Buffer;
  try {
    bytes = await readFile(path);
    // Format detection looks through gzip, so a compressed export reaches this reader as such.
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      const compressedBytes = bytes.length;
      const whole = gunzipWhole(bytes, MAX_DECOMPRESSED_BYTES);
      bytes = whole.bytes;
      // What the cut stream holds is still read; the JSON parser then says where it stops.
      if (whole.truncated) report('truncated', 'the gzip stream ends before its end marker (the file was cut short): reading what it holds', { byteOffset: compressedBytes });
    }
  } catch (error) {
    report('unreadable', `cannot read ${path}: ${(error as Error).message}`, { byteOffset: 0 });
    sink.skipped();
    return;
  }
  const text = decode(bytes, report);
  const groups = new Map<string, TraceGroup>();
  let spanCount = 0;
  let order = 0;
  for (const { value, position } of parseItems(text, report, sink)) {
    const item = classify(value, position, order++, report, sink);
    if (item === undefined) continue;
    const traceId = item.kind === 'trace' ? item.trace.id : item.span.traceId;
    let group = groups.get(traceId);
    if (group === undefined) {
      group = { trace: undefined, spans: [], extraTraces: 0 };
      groups.set(traceId, group);
    }
    if (item.kind === 'span') {
      group.spans.push(item.span);
      spanCount++;
    } else if (group.trace === undefined) {
      group.trace = item.trace;
    } else {
      group.extraTraces++;
      report('multiple-roots', `trace ${traceId} appears twice (${item.trace.position.label}); the first record is kept`, { line: item.trace.position.line });
      sink.skipped();
    }
  }

  const context = new RunContext(path, options, report);
  let runs = 0;
  for (const [traceId, group] of groups) {
    let run: Run | undefined;
    try {
      run = context.buildRun(traceId, group);
    } catch (error) {
      // A bug or an input shape nothing above anticipated: lose this run, not the file.
      report('invalid-document', `trace ${traceId} could not be read: ${(error as Error).message}`, { line: group.trace?.position.line ?? group.spans[0]?.position.line ?? 1, runId: traceId });
      sink.skipped();
      continue;
    }
    if (run.damaged === true) sink.damagedRun(run.id);
    runs++;
    onProgress?.({ file: path, bytesRead: bytes.length, totalBytes: bytes.length, spans: spanCount, runs });
    yield run;
  }
}


const lineOf = (position: ItemPosition): { line: number } => ({ line: position.line });

/** UTF-8, strictly; a file with a bad byte is still read (the byte becomes U+FFFD) and the problem located. */
function decode(bytes: Buffer, report: Report): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const line = lenient.slice(0, lenient.indexOf('\uFFFD')).split('\n').length;
    report('invalid-utf8', 'the file is not valid UTF-8; the bad bytes were replaced', { line });
    return lenient;
  }
}

interface LocatedValue {
  readonly value: unknown;
  readonly position: ItemPosition;
}

/** Items of the file: one document (`{data: [...]}` or an array), or JSON Lines of payloads or items. */
function parseItems(text: string, report: Report, sink: ProblemSink): LocatedValue[] {
  const whole = tryParse(text);
  if (whole.ok) return itemsOf(whole.value, undefined, report, sink, text);

  // JSON Lines only if the first non-blank line is a JSON value by itself; otherwise this is one
  // broken document, and reporting each of its lines would bury the one real problem.
  const lines = text.split('\n');
  const firstIndex = lines.findIndex((l) => l.trim() !== '');
  const first = firstIndex === -1 ? undefined : lines[firstIndex];
  if (first === undefined || !tryParse(first).ok) {
    const truncated = /end of (JSON )?input|Unterminated/i.test(whole.message);
    report(truncated ? 'truncated' : 'invalid-json', `the file is not valid JSON: ${whole.message}`, lineAtPosition(text, whole.message));
    sink.skipped();
    return [];
  }
  const values: LocatedValue[] = [];
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const parsed = tryParse(raw);
    const line = index + 1;
    if (!parsed.ok) {
      const isLast = index === lines.length - 1;
      report(isLast ? 'truncated' : 'invalid-json', `line ${line} is not valid JSON: ${parsed.message}`, { line });
      sink.skipped();
      continue;
    }
    values.push(...itemsOf(parsed.value, line, report, sink));
  }
  return values;
}

function itemsOf(value: unknown, line: number | undefined, report: Report, sink: ProblemSink, text?: string): LocatedValue[] {
  // In a whole-file document each item is located at the line where it starts (worked out once, only then).
  let starts: readonly number[] | undefined;
  const at = (label: string, index = 0): ItemPosition => {
    if (line !== undefined) return { line, label: `line ${line}, ${label}` };
    starts ??= elementLines(text ?? '');
    const start = starts[index] ?? 1;
    return { line: start, label: `line ${start}, ${label}` };
  };
  if (isRecord(value) && Array.isArray(value.data)) return (value.data as readonly unknown[]).map((item, i) => ({ value: item, position: at(`data[${i}]`, i) }));
  if (Array.isArray(value)) return (value as readonly unknown[]).map((item, i) => ({ value: item, position: at(`[${i}]`, i) }));
  if (isRecord(value) && (value.object === 'trace' || value.object === 'trace.span')) return [{ value, position: at('item') }];
  report('invalid-document', `${line === undefined ? 'the file' : `line ${line}`} is not an Agents SDK trace export (expected {"data": [...]})`, { line: line ?? 1 });
  sink.skipped();
  return [];
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

function lineAtPosition(text: string, message: string): { line: number } {
  const match = /position (\d+)/.exec(message);
  // Without a position in the parser's message, the document's start is the best place there is.
  if (!match?.[1]) return { line: 1 };
  return { line: text.slice(0, Number(match[1])).split('\n').length };
}

/**
 * The line each element of the document's item list starts on: the top-level array's, or the
 * `data` array's of a top-level object. One pass over the text, minding strings and nesting.
 */
export function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let keyAtDepthOne: string | undefined;
  let stringStart = -1;
  let listDepth = -1;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x0a) line++;
    if (inString) {
      if (char === 0x5c /* backslash */) i++;
      else if (char === 0x22 /* " */) {
        inString = false;
        if (depth === 1) keyAtDepthOne = text.slice(stringStart + 1, i);
      }
      continue;
    }
    if (char === 0x20 || char === 0x0a || char === 0x0d || char === 0x09) continue;
    if (expectElement && char !== 0x5d /* ] */) {
      lines.push(line);
      expectElement = false;
    }
    switch (char) {
      case 0x22:
        inString = true;
        stringStart = i;
        break;
      case 0x5b /* [ */:
        if (listDepth === -1 && (depth === 0 || (depth === 1 && keyAtDepthOne === 'data'))) {
          listDepth = depth + 1;
          expectElement = true;
        }
        depth++;
        break;
      case 0x7b /* { */:
        depth++;
        break;
      case 0x5d:
      case 0x7d:
        depth--;
        expectElement = false;
        if (depth < listDepth) return lines;
        break;
      case 0x2c /* , */:
        if (depth === listDepth) expectElement = true;
        break;
      default:
        break;
    }
  }
  return lines;
}

type Classified = { kind: 'trace'; trace: TraceItem } | { kind: 'span'; span: SpanItem };

function classify(value: unknown, position: ItemPosition, order: number, report: Report, sink: ProblemSink): Classified | undefined {
  const skip = (message: string): void => {
    report('invalid-document', `${position.label}: ${message}; skipped`, lineOf(position));
    sink.skipped();
  };
  if (!isRecord(value)) {
    skip('not an object');
    return;
  }
  const misspelt = misspeltKeys(value, value.object === 'trace' ? TRACE_KEYS : SPAN_KEYS, true);
  if (misspelt.length > 0) {
    report('invalid-document', `${position.label}: ${describeMisspelt(misspelt)} where the Agents SDK's key was expected: what it holds is ignored; rename the key`, lineOf(position));
  }
  const damaged = misspelt.length > 0;
  if (value.object === 'trace') {
    const id = asString(value.id);
    if (id === undefined || id === '') {
      skip('a trace without an id');
      return;
    }
    let metadata: JsonRecord = {};
    if (isRecord(value.metadata)) metadata = value.metadata;
    else if (value.metadata !== undefined && value.metadata !== null) {
      report('wrong-attribute-type', `${position.label}: trace metadata is not an object; ignored`, lineOf(position));
    }
    return { kind: 'trace', trace: { damaged, id, metadata, groupId: asString(value.group_id), position } };
  }
  if (value.object !== 'trace.span') {
    skip(`unknown object ${JSON.stringify(value.object ?? null)}`);
    return;
  }
  const id = asString(value.id);
  const traceId = asString(value.trace_id);
  if (id === undefined || id === '' || traceId === undefined || traceId === '') {
    skip('a span without an id or trace_id');
    return;
  }
  if (!isRecord(value.span_data) || typeof value.span_data.type !== 'string') {
    skip(`span ${id} has no span_data.type`);
    return;
  }
  const start = parseRecordTime(value.started_at);
  const end = parseRecordTime(value.ended_at);
  if (start.invalid || end.invalid) report('wrong-attribute-type', `${position.label}: span ${id} has a time that is neither ISO 8601 nor epoch milliseconds`, { ...lineOf(position), spanId: id });
  const parentId = asString(value.parent_id);
  return {
    kind: 'span',
    span: {
      damaged,
      id,
      traceId,
      parentId: parentId === '' ? undefined : parentId,
      startMs: start.ms,
      endMs: end.ms,
      startedAt: start.iso,
      endedAt: end.iso,
      data: value.span_data,
      type: value.span_data.type,
      error: isRecord(value.error) ? value.error : undefined,
      position,
      line: position.line,
      order,
    },
  };
}

/** The keys of the SDK's export items (`Trace.toJSON`, `Span.toJSON`): a key resembling one of these is a misspelling. */
const TRACE_KEYS: ReadonlySet<string> = new Set(['object', 'id', 'workflow_name', 'group_id', 'metadata']);
const SPAN_KEYS: ReadonlySet<string> = new Set(['object', 'id', 'trace_id', 'parent_id', 'started_at', 'ended_at', 'span_data', 'error']);
/** The SDK's own record of `state.reject(...)`: a function span for a call that never ran. */
const REJECTED = /^Tool execution for (.+) was manually rejected by user\.?$/;
/** Custom spans the SDK emits for structure (`task` = one `run()`, `turn` = one model turn): containers, not steps. */
const STRUCTURAL_CUSTOM = new Set(['task', 'turn']);

/** Per-file state: compiled patterns and the options, shared by every run of the file. */
class RunContext {
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

  buildRun(traceId: string, group: TraceGroup): Run {
    const metadata = group.trace?.metadata ?? {};
    const runId = pickMetadata(metadata, MIMIR.runId, []) ?? traceId;
    let damaged = group.extraTraces > 0 || group.trace?.damaged === true || group.spans.some((span) => span.damaged);
    if (group.trace === undefined) {
      this.#report('no-root', `spans of trace ${traceId} have no trace record; the run has no metadata`, { runId, ...firstLine(group.spans) });
      damaged = true;
    }

    // Duplicates, missing parents and cycles: report, keep what can be kept.
    const context = { traceId, runId, report: this.#report, describe: (span: SpanItem) => `${span.position.label}: span ${span.id} (${span.type})` };
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
    const taskId = pickMetadata(metadata, MIMIR.taskId, this.#options.mapping.taskId ?? []);
    const runPlace = { line: group.trace?.position.line ?? firstLine(group.spans).line, runId };
    const trial = trialFromMetadata(metadata, runPlace, this.#report);
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
        this.#report('wrong-attribute-type', `span ${request.id}: ${message}`, { line, runId, spanId: request.id });
      }),
      claimedStatus: claimedFromMetadata(metadata, this.#options.mapping.claimedStatus ?? [], runPlace, this.#report),
      outcome: this.#outcome(metadata, runPlace),
      ...(resumedFrom !== undefined && { resumedFrom }),
      ...(conversationId !== undefined && conversationId !== '' && { conversationId }),
      ...(toolDefinitions.length > 0 && { toolDefinitions }),
      source: { file: this.#path, line, traceId },
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
        const contextWindow = model === undefined ? undefined : this.#compiled.contextWindow(model);
        return {
          ...base,
          kind: 'llm',
          name: span.type === 'generation' ? `generation${model === undefined ? '' : ` ${model}`}` : 'response',
          status,
          ...withError,
          ...(model !== undefined && { model }),
          ...(contextWindow !== undefined && { contextWindow }),
          ...(input !== undefined && { inputMessages: this.#clipper.messages(input, `span ${span.id}:`, this.#place(span, state.runId)) }),
          ...(output.messages.length > 0 && { outputMessages: this.#clipper.messages(output.messages, `span ${span.id}:`, this.#place(span, state.runId)) }),
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
        const approval = approvalFromMetadata(payload, this.#options.mapping, `span ${span.id}`, { line: span.line, spanId: span.id }, this.#report);
        if (approval !== undefined) {
          if (approval.toolCallId !== undefined && approval.decision !== 'approved' && approval.decision !== 'modified') state.deniedByApproval.add(approval.toolCallId);
          return { ...base, kind: 'approval', name, status, ...withError, ...approval };
        }
        const checkpoint = checkpointFromMetadata(payload, this.#options.mapping);
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
    const args = rawInput === undefined || rawInput === '' ? undefined : this.#clipper.parse(rawInput, `span ${span.id}: input`, this.#place(span, state.runId));
    const result = typeof rawOutput === 'string' ? this.#clipper.parse(rawOutput, `span ${span.id}: output`, this.#place(span, state.runId)) : rawOutput;
    const outputText = typeof rawOutput === 'string' ? rawOutput : undefined;
    let error = spanError;
    if (error === undefined && outputText !== undefined && this.#compiled.looksLikeError(outputText)) {
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
    const declared = this.#compiled.declaredRisk(toolName);
    if (declared !== undefined) return declared;
    const key = `${MIMIR.toolRiskPrefix}${toolName}`;
    return riskFrom(metadata[key], key, this.#place(span, runId), this.#report);
  }

  #place(span: SpanItem, runId: string): ProblemPlace {
    return { line: span.line, runId, spanId: span.id };
  }

  #outcome(metadata: JsonRecord, place: ProblemPlace): RunOutcome {
    return outcomeFromMetadata(metadata, place, this.#report) ?? { status: 'unknown', source: 'none' };
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
