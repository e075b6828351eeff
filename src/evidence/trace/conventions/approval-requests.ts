import { APPROVAL_TOOL_NAME, type ApprovalDecision, type ApprovalStep, type OtherStep, type Step, type ToolStep } from '../../../model/index.js';
import { isObject, structuredValue } from './messages.js';
import { approvalDecision, EXPECTED } from './vocabulary.js';

/**
 * An approval asked through a tool is an approval record. Agents that follow mimir's agent contract
 * ask by calling `request_approval({tool, arguments, reason})` and get back `{decision, approval_id}`
 * (and who decided, where the approval system says). In a trace that call is a tool span; read as
 * such it would be an ordinary step (one that could fail step reliability) and the high-risk call
 * after it would look unapproved. So, over a run's steps in execution order:
 *
 * - the request becomes an approval step with the decision, the decider when given, and the
 *   request's times (it was decided when the call returned);
 * - it decides the call it names: the next call of that tool with those arguments. It is bound to
 *   that call's id when the call has one, else by name (`request_approval send_email`), which the
 *   analyses read as an approval of the next call of that tool; a request whose call never came
 *   names nothing (a denial of other arguments must not forbid every later call of the tool);
 * - a request the trace also records explicitly (an approval step beneath it, `mimir.approval.*`)
 *   is left as it is: that record is the approval, and one decision is not counted twice;
 * - a request whose answer carries no decision is no approval and no tool step either (kind
 *   `other`); an answer present but unreadable is reported.
 */

/** Where an argument naming the tool, and its arguments, may be: the contract's names first, then common spellings. */
const SUBJECT_TOOL_KEYS = ['tool', 'tool_name', 'toolName', 'action', 'name'] as const;
const SUBJECT_ARGUMENT_KEYS = ['arguments', 'args', 'params', 'parameters', 'input'] as const;
const DECISION_KEYS = ['decision', 'status', 'approval_status', 'outcome'] as const;
const MAX_DEPTH = 64;
const DECIDER_KEYS = ['decided_by', 'decidedBy', 'actor', 'approver', 'approved_by', 'reviewer'] as const;

export type ApprovalRequestProblem = (step: ToolStep, message: string) => void;

export function readApprovalRequests(steps: readonly Step[], problem: ApprovalRequestProblem, approvalTools: readonly string[] = [APPROVAL_TOOL_NAME]): readonly Step[] {
  let out: Step[] | undefined;
  let recorded: Set<string> | undefined;
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index] as Step;
    if (step.kind !== 'tool' || !approvalTools.includes(step.toolName)) continue;
    recorded ??= new Set(steps.flatMap((other) => (other.kind === 'approval' && other.parentId !== undefined ? [other.parentId] : [])));
    if (recorded.has(step.id)) continue;
    out ??= [...steps];
    out[index] = approvalRecord(step, steps, index + 1, problem);
  }
  return out ?? steps;
}

function approvalRecord(request: ToolStep, steps: readonly Step[], from: number, problem: ApprovalRequestProblem): ApprovalStep | OtherStep {
  const base = {
    id: request.id,
    ...(request.parentId !== undefined && { parentId: request.parentId }),
    ...(request.startedAt !== undefined && { startedAt: request.startedAt }),
    ...(request.endedAt !== undefined && { endedAt: request.endedAt }),
    status: request.status,
    ...(request.error !== undefined && { error: request.error }),
  };
  const answer = answerOf(request.result);
  if (answer.decision === undefined) {
    if (request.result !== undefined && answer.unreadable !== undefined) {
      problem(request, `${APPROVAL_TOOL_NAME} answered ${answer.unreadable}, not a decision (${EXPECTED.approvalDecision}): the request is not counted as an approval`);
    }
    return { ...base, name: APPROVAL_TOOL_NAME, kind: 'other' };
  }
  const subject = subjectOf(request.arguments);
  const call = subject === undefined ? undefined : nextCall(steps, from, subject);
  return {
    ...base,
    name: call === undefined || subject === undefined ? APPROVAL_TOOL_NAME : `${APPROVAL_TOOL_NAME} ${subject.tool}`,
    kind: 'approval',
    decision: answer.decision,
    ...(call?.callId !== undefined && { toolCallId: call.callId }),
    ...(answer.decider !== undefined && { actor: answer.decider }),
  };
}

/** The next call of the subject's tool with the subject's arguments (any arguments when the request gave none). */
function nextCall(steps: readonly Step[], from: number, subject: { readonly tool: string; readonly arguments: unknown }): ToolStep | undefined {
  const wanted = subject.arguments === undefined ? undefined : canonical(subject.arguments);
  for (let index = from; index < steps.length; index++) {
    const step = steps[index] as Step;
    if (step.kind !== 'tool' || step.toolName !== subject.tool) continue;
    if (wanted === undefined || canonical(structuredValue(step.arguments)) === wanted) return step;
  }
  return undefined;
}

interface Answer {
  readonly decision?: ApprovalDecision;
  readonly decider?: string;
  /** What the answer said instead of a decision, for the problem report. */
  readonly unreadable?: string;
}

/** The decision in a result: the object itself, JSON text, or an MCP result (`structuredContent`, or text content). */
function answerOf(result: unknown): Answer {
  const value = unwrapMcpResult(structuredValue(result));
  if (typeof value === 'string') {
    const decision = approvalDecision(value.trim());
    return decision === undefined ? { unreadable: describe(value) } : { decision };
  }
  if (!isObject(value)) return { unreadable: describe(value) };
  for (const key of DECISION_KEYS) {
    const raw = value[key];
    if (typeof raw !== 'string') continue;
    const decision = approvalDecision(raw.trim());
    if (decision === undefined) return { unreadable: `${key} ${JSON.stringify(raw.slice(0, 40))}` };
    const decider = DECIDER_KEYS.map((k) => value[k]).find((v): v is string => typeof v === 'string' && v.trim() !== '');
    return { decision, ...(decider !== undefined && { decider }) };
  }
  if (typeof value.approved === 'boolean') return { decision: value.approved ? 'approved' : 'denied' };
  return { unreadable: 'an object without a decision' };
}

function unwrapMcpResult(value: unknown): unknown {
  if (!isObject(value)) return value;
  if (isObject(value.structuredContent)) return value.structuredContent;
  if (Array.isArray(value.content)) {
    const text = (value.content as unknown[]).find((part) => isObject(part) && part.type === 'text' && typeof part.text === 'string');
    if (isObject(text)) return structuredValue(text.text);
  }
  return value;
}

function subjectOf(args: unknown): { readonly tool: string; readonly arguments: unknown } | undefined {
  const value = structuredValue(args);
  if (!isObject(value)) return undefined;
  const tool = SUBJECT_TOOL_KEYS.map((key) => value[key]).find((v): v is string => typeof v === 'string' && v !== '');
  if (tool === undefined) return undefined;
  const toolArguments = SUBJECT_ARGUMENT_KEYS.map((key) => value[key]).find((v) => v !== undefined);
  return { tool, arguments: toolArguments === undefined ? undefined : structuredValue(toolArguments) };
}

/** A JSON value as text with its keys sorted: equal values, whatever the key order, give equal text. */
function canonical(value: unknown, depth = 0): string {
  // Deeper than any real argument list: compared as "too deep", never recursed into without bound.
  if (depth > MAX_DEPTH) return '…';
  if (Array.isArray(value)) return `[${value.map((element) => canonical(element, depth + 1)).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key], depth + 1)}`)
      .join(',')}}`;
  }
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return Array.isArray(value) ? 'a list' : typeof value;
}
