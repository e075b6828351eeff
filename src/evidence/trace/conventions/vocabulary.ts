import { RISK_CLASSES, type ApprovalDecision, type ClaimedStatus, type MemoryOperation, type RiskClass, type VerifiedOutcome } from '../../../model/index.js';

/**
 * mimir's trace vocabulary, in one place for every reader (OTLP, LangSmith, OpenAI Agents): the
 * `mimir.*` names (DESIGN.md "Trace conventions") and the parsers of their values. Each parser
 * accepts the same spellings whichever reader calls it, case-insensitively; a value it does not
 * know is undefined (the caller reports it), never guessed.
 */

export const MIMIR = {
  runId: 'mimir.run.id',
  taskId: 'mimir.task.id',
  trial: 'mimir.trial',
  claimedStatus: 'mimir.run.claimed_status',
  approvalDecision: 'mimir.approval.decision',
  approvalToolCallId: 'mimir.approval.tool_call.id',
  approvalActor: 'mimir.approval.actor',
  checkpointId: 'mimir.checkpoint.id',
  resumedFrom: 'mimir.resumed_from',
  confidence: 'mimir.confidence',
  toolRisk: 'mimir.tool.risk',
  infrastructureError: 'mimir.infrastructure_error',
  /**
   * On the root: how the run's timestamps were made, when not by a clock at the time (`synthetic`:
   * invented by a converter; `derived`: interpolated from other times). Durations are then not measured.
   */
  timing: 'mimir.timing',
  /**
   * An explicit step kind (`review`, `guardrail`, `handoff`, `memory`, …) for spans no other
   * convention classifies: the only way to mark a human review step, for instance.
   */
  stepKind: 'mimir.step.kind',
  /** On a span or event that touches long-term memory: `read`, `write` or `delete`. */
  memoryOperation: 'mimir.memory.operation',
  /** The user, tenant or task the memory entry belongs to (or the filter a read applied). */
  memoryScope: 'mimir.memory.scope',
  /** The memory entry written, read or deleted. */
  memoryKey: 'mimir.memory.key',
  /** The content written to memory, or what a read returned. */
  memoryContent: 'mimir.memory.content',
  /** On a span or event that writes shared state: the key, field or record written. */
  stateKey: 'mimir.state.key',
  /** The version of the key the write was based on (what it read). */
  stateBaseVersion: 'mimir.state.base_version',
  /** The version the write produced. */
  stateVersion: 'mimir.state.version',
  /** The merge (reducer, CRDT) that combines the write with concurrent ones, when it is not an overwrite. */
  stateMerge: 'mimir.state.merge',
  /** Framework metadata (LangSmith, OpenAI Agents), which has no evaluation event: the run's verified outcome. */
  outcome: 'mimir.outcome',
  /** With mimir.outcome: its score, 0..1. */
  outcomeScore: 'mimir.outcome.score',
  /** Framework run metadata: `mimir.tool.risk.<tool name>` classifies a tool for the whole run. */
  toolRiskPrefix: 'mimir.tool.risk.',
} as const;

/** What the parsers expect, for problem messages: every reader says it the same way. */
export const EXPECTED = {
  approvalDecision: 'approved, denied, modified or timeout',
  claimedStatus: 'success, failure, escalated or unknown',
  outcome: 'success, failure or unknown',
  memoryOperation: 'read, write or delete',
  riskClass: `a risk class (${RISK_CLASSES.join(', ')})`,
} as const;

/** Approval decisions as approval systems spell them, lower-case. */
export const DECISIONS: Readonly<Record<string, ApprovalDecision>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, ApprovalDecision>, {
    approved: 'approved',
    approve: 'approved',
    allowed: 'approved',
    granted: 'approved',
    denied: 'denied',
    deny: 'denied',
    rejected: 'denied',
    declined: 'denied',
    modified: 'modified',
    edited: 'modified',
    timeout: 'timeout',
    timed_out: 'timeout',
    'timed-out': 'timeout',
    expired: 'timeout',
  }),
);

const CLAIMS: Readonly<Record<string, ClaimedStatus>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, ClaimedStatus>, {
    success: 'success',
    succeeded: 'success',
    successful: 'success',
    failure: 'failure',
    failed: 'failure',
    fail: 'failure',
    escalated: 'escalated',
    escalation: 'escalated',
    unknown: 'unknown',
  }),
);

/** Verified outcomes as evaluators label them (gen_ai.evaluation.score.label, mimir.outcome). */
const OUTCOMES: Readonly<Record<string, VerifiedOutcome>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, VerifiedOutcome>, {
    success: 'success',
    succeeded: 'success',
    pass: 'success',
    passed: 'success',
    correct: 'success',
    true: 'success',
    failure: 'failure',
    failed: 'failure',
    fail: 'failure',
    incorrect: 'failure',
    false: 'failure',
    unknown: 'unknown',
  }),
);

/** The verbs memory libraries use. */
const MEMORY_OPERATIONS: Readonly<Record<string, MemoryOperation>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, MemoryOperation>, {
    read: 'read',
    search: 'read',
    query: 'read',
    get: 'read',
    retrieve: 'read',
    recall: 'read',
    load: 'read',
    write: 'write',
    add: 'write',
    save: 'write',
    store: 'write',
    update: 'write',
    upsert: 'write',
    insert: 'write',
    create: 'write',
    append: 'write',
    delete: 'delete',
    remove: 'delete',
    forget: 'delete',
    erase: 'delete',
  }),
);

/** An approval record's own fields, as any reader finds them. */
export interface ApprovalFields {
  readonly decision: ApprovalDecision;
  /** The tool call it decides. */
  readonly toolCallId?: string;
  /** Who decided. */
  readonly actor?: string;
}

export function approvalDecision(value: string): ApprovalDecision | undefined {
  return DECISIONS[value.toLowerCase()];
}

export function claimedStatusOf(value: string): ClaimedStatus | undefined {
  return CLAIMS[value.toLowerCase()];
}

/** A verified outcome, or undefined when the value is none of the known labels (the caller reports it). */
export function outcomeOf(value: string): VerifiedOutcome | undefined {
  return OUTCOMES[value.toLowerCase()];
}

/** gen_ai.evaluation.score.label → outcome; a label that is neither is unknown, not guessed. */
export function outcomeOfLabel(label: string): VerifiedOutcome {
  return outcomeOf(label) ?? 'unknown';
}

/** mimir.memory.operation → operation; anything but the known verbs is not guessed. */
export function memoryOperationOf(value: string): MemoryOperation | undefined {
  return MEMORY_OPERATIONS[value.toLowerCase()];
}

export function isRiskClass(value: string): value is RiskClass {
  return (RISK_CLASSES as readonly string[]).includes(value);
}
