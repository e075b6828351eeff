import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Message, Run, Step } from '../../src/model/index.js';

/**
 * Normalized Runs back into OTLP JSON Lines, the way an instrumented agent's traces reach a file:
 * one ExportTraceServiceRequest per line (as the Collector's file exporter writes), a few spans per
 * line, spans of several runs interleaved, children before their parents (spans are exported as they
 * end). Attributes use the GenAI semantic conventions and the mimir.* vocabulary, so reading the
 * lines back must give the same runs: ground truth checked end to end.
 *
 * A generator of lines, holding only the runs being interleaved: it also writes the 1M-span
 * benchmark corpus.
 *
 * Ids: a step id that is already 16 hex digits is used as the span id; any other is hashed with its
 * run id into one (`spanIdFor`). Trace ids are hashed from the run id and the run's position in
 * the input (`traceIdFor`): an interrupted attempt and its resume share a run id, as the agent
 * contract says, but are separate traces. Runs marked
 * `damaged` get real damage on the wire (one span written twice), which the reader must notice.
 */

export interface OtlpWriterOptions {
  /** Spans per line (per ExportTraceServiceRequest). */
  readonly spansPerLine?: number;
  /** Runs whose spans are written interleaved. */
  readonly interleave?: number;
  readonly serviceName?: string;
}

interface OtlpKeyValue {
  readonly key: string;
  readonly value: OtlpAnyValue;
}
type OtlpAnyValue = { readonly stringValue: string } | { readonly intValue: string } | { readonly doubleValue: number } | { readonly boolValue: boolean };

interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano?: string;
  readonly attributes: readonly OtlpKeyValue[];
  readonly events?: readonly { readonly timeUnixNano: string; readonly name: string; readonly attributes: readonly OtlpKeyValue[] }[];
  readonly status?: { readonly code: number; readonly message?: string };
}

const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;
const HEX_SPAN_ID = /^[0-9a-f]{16}$/;
/** Runs with no times at all are placed here (2026-01-01), one minute apart. */
const EPOCH_MS = Date.UTC(2026, 0, 1);

/** The lines (without newline characters) for these runs. */
export function* runsToOtlpLines(runs: Iterable<Run>, options: OtlpWriterOptions = {}): Generator<string> {
  const spansPerLine = options.spansPerLine ?? 4;
  const interleave = options.interleave ?? 3;
  const resource = { attributes: [attr('service.name', options.serviceName ?? 'mimir-synthetic-agent')] };
  const scope = { name: 'mimir-otlp-writer', version: '1' };
  const active: OtlpSpan[][] = [];
  const iterator = runs[Symbol.iterator]();
  let exhausted = false;
  let index = 0;
  const refill = (): void => {
    while (!exhausted && active.length < interleave) {
      const next = iterator.next();
      if (next.done === true) exhausted = true;
      else active.push(runToSpans(next.value, index++));
    }
  };
  refill();
  let line: OtlpSpan[] = [];
  let turn = 0;
  while (active.length > 0) {
    // Round robin over the runs in flight: one span of each in turn, a batch per line.
    turn %= active.length;
    const queue = active[turn] as OtlpSpan[];
    line.push(queue.shift() as OtlpSpan);
    if (queue.length === 0) {
      active.splice(turn, 1);
      refill();
    } else {
      turn++;
    }
    if (line.length >= spansPerLine) {
      yield JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope, spans: line }] }] });
      line = [];
    }
  }
  if (line.length > 0) yield JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope, spans: line }] }] });
}

/** Writes the lines to a file; returns how many spans were written. */
export async function writeOtlpJsonLines(path: string, runs: Iterable<Run>, options: OtlpWriterOptions = {}): Promise<{ lines: number; bytes: number }> {
  const out = createWriteStream(path);
  let lines = 0;
  let bytes = 0;
  for (const line of runsToOtlpLines(runs, options)) {
    const text = `${line}\n`;
    lines++;
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { lines, bytes };
}

/** The span id a step gets on the wire. */
export function spanIdFor(runId: string, stepId: string): string {
  return HEX_SPAN_ID.test(stepId) ? stepId : hashHex(`${runId}\u0000${stepId}`, 2);
}

/** The trace id the run at `index` (0-based, in the order given to the writer) gets on the wire. */
export function traceIdFor(runId: string, index: number): string {
  return hashHex(`trace\u0000${runId}\u0000${index}`, 4);
}

/** Spans of one run, in export order: by end time, children before parents, the root last. */
function runToSpans(run: Run, index: number): OtlpSpan[] {
  const traceId = traceIdFor(run.id, index);
  const rootId = spanIdFor(run.id, `${run.id}#root${index}`);
  const fallbackStart = EPOCH_MS + index * 60_000;
  const runStart = toMs(run.startedAt) ?? toMs(run.steps[0]?.startedAt) ?? fallbackStart;
  const spans: { span: OtlpSpan; endMs: number }[] = [];
  let previousEnd = runStart;
  for (const step of run.steps) {
    const startMs = toMs(step.startedAt) ?? previousEnd;
    const endMs = toMs(step.endedAt);
    if (endMs !== undefined) previousEnd = endMs;
    const parentSpanId = step.parentId === undefined ? rootId : spanIdFor(run.id, step.parentId);
    spans.push({ span: stepToSpan(step, traceId, spanIdFor(run.id, step.id), parentSpanId, startMs, endMs), endMs: endMs ?? Number.MAX_SAFE_INTEGER });
  }
  // Stable: steps that end together keep their order.
  spans.sort((a, b) => a.endMs - b.endMs);
  const ordered = spans.map((entry) => entry.span);
  if (run.damaged === true) {
    // Real damage on the wire: a span written twice (the reader keeps the first and must say so).
    const first = ordered[0];
    if (first) ordered.splice(1, 0, first);
  }
  ordered.push(rootSpan(run, traceId, rootId, runStart));
  if (run.damaged === true && ordered.length === 1) ordered.unshift(ordered[0] as OtlpSpan);
  return ordered;
}

function rootSpan(run: Run, traceId: string, spanId: string, startMs: number): OtlpSpan {
  const attributes: OtlpKeyValue[] = [attr('gen_ai.operation.name', 'invoke_agent'), attr('gen_ai.agent.name', 'synthetic-agent'), attr('mimir.run.id', run.id)];
  if (run.taskId !== undefined) attributes.push(attr('mimir.task.id', run.taskId));
  if (run.trial !== undefined) attributes.push(intAttr('mimir.trial', run.trial));
  if (run.claimedStatus !== 'unknown') attributes.push(attr('mimir.run.claimed_status', run.claimedStatus));
  if (run.resumedFrom !== undefined) attributes.push(attr('mimir.resumed_from', run.resumedFrom));
  if (run.infrastructureError !== undefined) attributes.push(attr('mimir.infrastructure_error', run.infrastructureError));
  if (run.conversationId !== undefined) attributes.push(attr('gen_ai.conversation.id', run.conversationId));
  if (run.toolDefinitions) {
    const definitions = run.toolDefinitions.map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      ...(tool.inputSchema !== undefined && { parameters: tool.inputSchema }),
      ...(tool.outputSchema !== undefined && { outputSchema: tool.outputSchema }),
    }));
    attributes.push(attr('gen_ai.tool.definitions', JSON.stringify(definitions)));
  }
  const endMs = toMs(run.endedAt);
  const events = [];
  if (run.outcome.status !== 'unknown') {
    const eventAttributes = [attr('gen_ai.evaluation.name', 'outcome'), attr('gen_ai.evaluation.score.label', run.outcome.status)];
    if (run.outcome.score !== undefined) eventAttributes.push(doubleAttr('gen_ai.evaluation.score.value', run.outcome.score));
    events.push({ timeUnixNano: toNanos(endMs ?? startMs), name: 'gen_ai.evaluation.result', attributes: eventAttributes });
  }
  return {
    traceId,
    spanId,
    name: 'invoke_agent synthetic-agent',
    kind: SPAN_KIND_INTERNAL,
    startTimeUnixNano: toNanos(startMs),
    ...(endMs !== undefined && { endTimeUnixNano: toNanos(endMs) }),
    attributes,
    ...(events.length > 0 && { events }),
  };
}

function stepToSpan(step: Step, traceId: string, spanId: string, parentSpanId: string, startMs: number, endMs: number | undefined): OtlpSpan {
  const attributes: OtlpKeyValue[] = [];
  let kind = SPAN_KIND_INTERNAL;
  switch (step.kind) {
    case 'llm':
      kind = SPAN_KIND_CLIENT;
      attributes.push(attr('gen_ai.operation.name', 'chat'));
      if (step.model !== undefined) attributes.push(attr('gen_ai.request.model', step.model));
      if (step.inputTokens !== undefined) attributes.push(intAttr('gen_ai.usage.input_tokens', step.inputTokens));
      if (step.outputTokens !== undefined) attributes.push(intAttr('gen_ai.usage.output_tokens', step.outputTokens));
      if (step.inputMessages) attributes.push(attr('gen_ai.input.messages', messagesJson(step.inputMessages)));
      if (step.outputMessages) attributes.push(attr('gen_ai.output.messages', messagesJson(step.outputMessages)));
      if (step.confidence !== undefined) attributes.push(doubleAttr('mimir.confidence', step.confidence));
      break;
    case 'tool':
      attributes.push(attr('gen_ai.operation.name', 'execute_tool'), attr('gen_ai.tool.name', step.toolName));
      if (step.callId !== undefined) attributes.push(attr('gen_ai.tool.call.id', step.callId));
      // JSON text whatever the value (a string too), as instrumentations record "any" values.
      if (step.arguments !== undefined) attributes.push(attr('gen_ai.tool.call.arguments', JSON.stringify(step.arguments)));
      if (step.result !== undefined) attributes.push(attr('gen_ai.tool.call.result', JSON.stringify(step.result)));
      if (step.risk !== undefined) attributes.push(attr('mimir.tool.risk', step.risk));
      break;
    case 'approval':
      attributes.push(attr('mimir.approval.decision', step.decision));
      if (step.toolCallId !== undefined) attributes.push(attr('mimir.approval.tool_call.id', step.toolCallId));
      if (step.actor !== undefined) attributes.push(attr('mimir.approval.actor', step.actor));
      break;
    case 'checkpoint':
      attributes.push(attr('mimir.checkpoint.id', step.name));
      break;
    case 'review':
    case 'handoff':
    case 'guardrail':
    case 'memory':
    case 'other':
      attributes.push(attr('mimir.step.kind', step.kind));
      break;
  }
  if (step.error) attributes.push(attr('error.type', step.error.type));
  return {
    traceId,
    spanId,
    parentSpanId,
    name: step.name,
    kind,
    startTimeUnixNano: toNanos(startMs),
    ...(endMs !== undefined && { endTimeUnixNano: toNanos(endMs) }),
    attributes,
    ...(step.status === 'error' && { status: { code: STATUS_ERROR, ...(step.error?.message !== undefined && { message: step.error.message }) } }),
  };
}

/** Messages in the current GenAI shape: `[{role, parts: [{type: "text", content}]}]`. */
function messagesJson(messages: readonly Message[]): string {
  return JSON.stringify(messages.map((message) => ({ role: message.role, parts: [{ type: 'text', content: message.content }] })));
}

function attr(key: string, value: string): OtlpKeyValue {
  return { key, value: { stringValue: value } };
}

function intAttr(key: string, value: number): OtlpKeyValue {
  // OTLP JSON writes int64 as a decimal string.
  return { key, value: { intValue: String(value) } };
}

function doubleAttr(key: string, value: number): OtlpKeyValue {
  return { key, value: { doubleValue: value } };
}

function toMs(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Unix nanoseconds as OTLP JSON writes them: a decimal string. */
function toNanos(ms: number): string {
  return `${Math.round(ms)}000000`;
}

/** `words` 32-bit FNV-1a hashes (differently seeded) as hex: stable, fast, not cryptographic. */
function hashHex(text: string, words: number): string {
  let out = '';
  for (let word = 0; word < words; word++) {
    let hash = (0x811c9dc5 ^ Math.imul(word + 1, 0x9e3779b1)) >>> 0;
    for (let index = 0; index < text.length; index++) {
      hash ^= text.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    out += hash.toString(16).padStart(8, '0');
  }
  return out;
}
