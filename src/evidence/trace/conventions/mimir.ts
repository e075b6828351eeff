import type { ApprovalStep, ClaimedStatus, MemoryAccess, OtherStep, StateWrite, StepKind, ToolStep } from '../../../model/index.js';
import { isoTime } from '../time.js';
import type { Attributes, RawEvent } from '../span.js';
import type { MappedNames } from './compiled-options.js';
import { asText, structuredValue } from './messages.js';
import type { RunAttributes, TimedStep } from './span-record.js';
import type { SpanView } from './span-view.js';
import { approvalDecision, claimedStatusOf, EXPECTED, memoryOperationOf, MIMIR, type ApprovalFields } from './vocabulary.js';

/**
 * The mimir.* vocabulary as OTLP spans and events carry it (and the team's names mapped onto it in
 * mimir.yaml): it applies whatever convention the span speaks, and is asked before any of them.
 */

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Steps kinds mimir.step.kind may name. */
const STEP_KINDS: ReadonlySet<string> = new Set<StepKind>(['llm', 'tool', 'approval', 'checkpoint', 'review', 'handoff', 'guardrail', 'memory', 'other']);


export class MimirVocabulary {
  constructor(private readonly names: MappedNames) {}

  /** The kind the span names itself (mimir.step.kind), or that its approval or checkpoint attributes give. */
  kind(view: SpanView): StepKind | undefined {
    const explicit = view.firstString(view.names(this.names.stepKind));
    if (explicit !== undefined) {
      if (STEP_KINDS.has(explicit)) return explicit as StepKind;
      view.wrongType(MIMIR.stepKind, explicit, `one of ${[...STEP_KINDS].join(', ')}`);
    }
    if (view.firstPresent(view.names(this.names.approvalDecision)) !== undefined) return 'approval';
    if (view.firstPresent(view.names(this.names.checkpointId)) !== undefined) return 'checkpoint';
    return undefined;
  }

  hasExplicitKind(view: SpanView): boolean {
    return view.firstPresent(view.names(this.names.stepKind)) !== undefined;
  }

  touchesMemory(view: SpanView, attributes: Attributes = view.attributes): boolean {
    return view.firstPresent(view.names(this.names.memoryOperation), attributes) !== undefined;
  }

  checkpointId(view: SpanView, attributes: Attributes = view.attributes): string | undefined {
    return view.firstString(view.names(this.names.checkpointId), attributes);
  }

  confidence(view: SpanView): number | undefined {
    return view.confidence(view.names(this.names.confidence));
  }

  toolRisk(view: SpanView): ToolStep['risk'] {
    return view.risk(view.names(this.names.toolRisk));
  }

  approval(view: SpanView, attributes: Attributes = view.attributes): ApprovalFields | undefined {
    const key = view.firstKey(view.names(this.names.approvalDecision), attributes);
    if (key === undefined) return undefined;
    const raw = attributes.get(key);
    const decision = typeof raw === 'string' ? approvalDecision(raw) : undefined;
    if (decision === undefined) {
      view.wrongType(key, raw, EXPECTED.approvalDecision);
      return undefined;
    }
    const toolCallId = view.firstString(view.names(this.names.approvalToolCallId), attributes);
    const actor = view.firstString(view.names(this.names.approvalActor), attributes);
    return { decision, ...(toolCallId !== undefined && { toolCallId }), ...(actor !== undefined && { actor }) };
  }

  /** mimir.memory.* and mimir.state.* on a tool call or another step: what it did to memory and shared state. */
  attachStateAccess(view: SpanView, step: Mutable<ToolStep> | Mutable<OtherStep>): void {
    const memory = this.memoryAccess(view, view.attributes);
    if (memory !== undefined) step.memory = memory;
    const stateWrite = this.stateWrite(view, view.attributes);
    if (stateWrite !== undefined) step.stateWrite = stateWrite;
  }

  memoryAccess(view: SpanView, attributes: Attributes): MemoryAccess | undefined {
    const key = view.firstKey(view.names(this.names.memoryOperation), attributes);
    if (key === undefined) return undefined;
    const raw = attributes.get(key);
    const operation = typeof raw === 'string' ? memoryOperationOf(raw) : undefined;
    if (operation === undefined) {
      view.wrongType(key, raw, EXPECTED.memoryOperation);
      return undefined;
    }
    const access: Mutable<MemoryAccess> = { operation };
    const scope = view.nonEmptyString(view.names(this.names.memoryScope), attributes);
    if (scope !== undefined) access.scope = scope;
    const entry = view.nonEmptyString(view.names(this.names.memoryKey), attributes);
    if (entry !== undefined) access.key = entry;
    const contentKey = view.firstKey(view.names(this.names.memoryContent), attributes);
    if (contentKey !== undefined) {
      // Content may be recorded as text or as a structured value (a list of facts, a JSON object).
      const content = asText(structuredValue(attributes.get(contentKey)));
      if (content !== '') access.content = content;
    }
    return access;
  }

  stateWrite(view: SpanView, attributes: Attributes): StateWrite | undefined {
    const key = view.nonEmptyString(view.names(this.names.stateKey), attributes);
    if (key === undefined) return undefined;
    const write: Mutable<StateWrite> = { key };
    const baseVersion = view.nonEmptyString(view.names(this.names.stateBaseVersion), attributes);
    if (baseVersion !== undefined) write.baseVersion = baseVersion;
    const version = view.nonEmptyString(view.names(this.names.stateVersion), attributes);
    if (version !== undefined) write.version = version;
    const merge = view.nonEmptyString(view.names(this.names.stateMerge), attributes);
    if (merge !== undefined) write.merge = merge;
    return write;
  }

  /** An approval, checkpoint, memory access or state write recorded as a span event. */
  eventStep(view: SpanView, event: RawEvent, index: number): TimedStep | undefined {
    const attributes = event.attributes;
    if (attributes.size === 0) return undefined;
    const id = `${view.span.spanId}:${index}`;
    const times = event.timeMs === undefined ? {} : { startedAt: isoTime(event.timeMs), endedAt: isoTime(event.timeMs) };
    if (view.firstPresent(view.names(this.names.approvalDecision), attributes) !== undefined) {
      const approval = this.approval(view, attributes);
      if (!approval) return undefined;
      const step: ApprovalStep = { id, name: event.name === '' ? 'approval' : event.name, status: 'ok', ...times, kind: 'approval', ...approval };
      return { step, startMs: event.timeMs };
    }
    const checkpointId = this.checkpointId(view, attributes);
    if (checkpointId !== undefined) {
      const step: OtherStep = { id, name: checkpointId, status: 'ok', ...times, kind: 'checkpoint' };
      return { step, startMs: event.timeMs };
    }
    // A memory access or a state write recorded as an event on the span that made it.
    const memory = this.touchesMemory(view, attributes) ? this.memoryAccess(view, attributes) : undefined;
    const stateWrite = this.stateWrite(view, attributes);
    if (memory !== undefined || stateWrite !== undefined) {
      const step: Mutable<OtherStep> = { id, name: event.name === '' ? (memory ? 'memory' : 'state') : event.name, status: 'ok', ...times, kind: memory ? 'memory' : 'other' };
      if (memory) step.memory = memory;
      if (stateWrite) step.stateWrite = stateWrite;
      return { step, startMs: event.timeMs };
    }
    return undefined;
  }

  /** Run-level facts, read from root spans (and from any span naming the run). */
  runAttributes(view: SpanView): RunAttributes | undefined {
    const names = this.names;
    const runId = view.firstString(view.names(names.runId));
    const taskId = view.firstString(view.names(names.taskId));
    const trial = view.firstCount(view.names(names.trial));
    const claimedKey = view.firstKey(view.names(names.claimedStatus));
    let claimedStatus: ClaimedStatus | undefined;
    if (claimedKey !== undefined) {
      const raw = view.attributes.get(claimedKey);
      claimedStatus = typeof raw === 'string' ? claimedStatusOf(raw) : undefined;
      if (claimedStatus === undefined) view.wrongType(claimedKey, raw, EXPECTED.claimedStatus);
    }
    const resumedFrom = view.firstString(view.names(names.resumedFrom));
    const infrastructureError = this.infrastructureError(view);
    const timing = this.timing(view);
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

  private timing(view: SpanView): RunAttributes['timing'] {
    const raw = view.attributes.get(MIMIR.timing);
    if (raw === undefined) return undefined;
    if (raw === 'recorded' || raw === 'synthetic' || raw === 'derived') return raw;
    view.wrongType(MIMIR.timing, raw, 'recorded, synthetic or derived');
    return undefined;
  }

  private infrastructureError(view: SpanView): string | undefined {
    const key = view.firstKey(view.names(this.names.infrastructureError));
    if (key === undefined) return undefined;
    const raw = view.attributes.get(key);
    if (typeof raw === 'string') return raw === '' ? undefined : raw;
    if (typeof raw === 'boolean') return raw ? 'infrastructure error' : undefined;
    view.wrongType(key, raw, 'a string (what failed) or a boolean');
    return undefined;
  }
}
