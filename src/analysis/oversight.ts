import { HIGH_RISK_CLASSES, isHighRisk, type ApprovalStep, type Run, type Step, type SystemDescription, type ToolStep } from '../model/index.js';
import { addExample, addTopExample, runRef, timeMs } from './support.js';
import { viewRun, type RunView } from './run-view.js';
import { MAX_EXAMPLES, type RunAnalyzer, type RunRef } from './basics.js';

/**
 * Human oversight as the traces show it: whether high-risk calls were approved before they ran,
 * whether denials held, whether approvals are recorded so they can be audited, whether
 * low-confidence outputs reached a person, whether stuck runs were escalated, and which tools have
 * no risk class at all.
 *
 * "Before" is strict: an approval counts for a call only when it ended no later than the call
 * started (both times known), or, where a time is missing, when it comes earlier in the run. An
 * approval recorded inside the call's own span ended after the call started, so it does not count:
 * the trace cannot show that the side effect waited for it. Unknown stays unknown.
 */
export interface OversightAnalysis {
  /** Tool steps whose risk class is high-risk (money, outbound-message, deletion, irreversible-write, privilege-change, credential-change). */
  readonly highRiskCalls: number;
  /** High-risk calls with an approval for that call before them. */
  readonly approvedBefore: number;
  /** Of `approvedBefore`, those matched only through the approval step's name (it had no tool call id). */
  readonly approvedByNameOnly: number;
  readonly approvedExamples: readonly RunRef[];
  readonly unapproved: { readonly count: number; readonly byTool: Readonly<Record<string, number>>; readonly examples: readonly RunRef[] };
  /** Approval steps with decision `denied` or `timeout` (an approval that times out is a denial). */
  readonly denials: number;
  readonly denialExamples: readonly RunRef[];
  /** Successful tool steps that carried out a denied call, or repeated it, with no new approval in between. */
  readonly executedAfterDenial: { readonly count: number; readonly examples: readonly RunRef[] };
  readonly approvals: {
    readonly total: number;
    readonly withActor: number;
    readonly withToolCallId: number;
    readonly withTime: number;
    /** With an actor, a tool call id and a time: a record an auditor can join to the call. */
    readonly complete: number;
    /** Incomplete records. */
    readonly examples: readonly RunRef[];
  };
  /** llm outputs with a recorded confidence, by confidence in hundredths (rounded down) → outputs and how many were followed by a review. */
  readonly confidence: Readonly<Record<number, { readonly outputs: number; readonly reviewed: number }>>;
  /** Outputs with a confidence that were not followed by a review, lowest confidence first. */
  readonly unreviewedExamples: readonly (RunRef & { readonly confidence: number })[];
  readonly escalatedRuns: number;
  /**
   * Runs that got stuck: the agent said failure or escalated, verification says failure, or
   * {@link STUCK_STREAK} or more blocking failures in a row (the cascade analysis's streak, see
   * failure-kinds.ts) — unless verification says the run
   * succeeded. Runs that failed for infrastructure reasons are left out. Of them, those that ended
   * escalated and those that ended reporting failure (both hand the case on honestly); the examples
   * are the others: no claim, or a claim of success.
   */
  readonly stuck: { readonly runs: number; readonly escalated: number; readonly reportedFailure: number; readonly examples: readonly RunRef[] };
  /** Tools called in the traces with no risk class from mimir.yaml or `mimir.tool.risk`, sorted. */
  readonly unclassifiedTools: readonly string[];
  /** Where each unclassified tool was first called. */
  readonly unclassifiedToolExamples: readonly RunRef[];
  /** Distinct tool names called. */
  readonly calledTools: number;
  /** True when more than {@link MAX_TRACKED_TOOLS} distinct tool names were seen and the rest were not tracked. */
  readonly toolNamesTruncated: boolean;
}

/** This many failed tool/llm steps in a row mean the agent could not proceed on its own. */
export const STUCK_STREAK = 3;
/**
 * Tools are few (tens); names are tracked up to this bound so a trace that puts ids into tool
 * names cannot grow memory with the corpus.
 */
export const MAX_TRACKED_TOOLS = 1000;

const APPROVING = new Set<ApprovalStep['decision']>(['approved', 'modified']);
const DENYING = new Set<ApprovalStep['decision']>(['denied', 'timeout']);

export function createOversightAnalyzer(): RunAnalyzer<OversightAnalysis> {
  let highRiskCalls = 0;
  let approvedBefore = 0;
  let approvedByNameOnly = 0;
  const approvedExamples: RunRef[] = [];
  let unapprovedCount = 0;
  const unapprovedByTool = new Map<string, number>();
  const unapprovedExamples: RunRef[] = [];
  let denials = 0;
  const denialExamples: RunRef[] = [];
  let executedAfterDenial = 0;
  const executedExamples: RunRef[] = [];
  const approvals = { total: 0, withActor: 0, withToolCallId: 0, withTime: 0, complete: 0 };
  const incompleteExamples: RunRef[] = [];
  const confidence = new Map<number, { outputs: number; reviewed: number }>();
  const unreviewedExamples: (RunRef & { confidence: number })[] = [];
  let escalatedRuns = 0;
  const stuck = { runs: 0, escalated: 0, reportedFailure: 0 };
  const stuckExamples: RunRef[] = [];
  const calledTools = new Set<string>();
  const unclassified = new Map<string, RunRef>();
  let toolNamesTruncated = false;

  return {
    add(run, view = viewRun(run)) {
      const steps = view.ordered;
      const positioned = steps.map((step, position) => ({ step, position }));
      const tools = positioned.filter((p): p is Positioned<ToolStep> => p.step.kind === 'tool');
      const approvalSteps = positioned.filter((p): p is Positioned<ApprovalStep> => p.step.kind === 'approval');

      for (const { step } of tools) {
        if (!calledTools.has(step.toolName)) {
          if (calledTools.size >= MAX_TRACKED_TOOLS) {
            toolNamesTruncated = true;
            continue;
          }
          calledTools.add(step.toolName);
        }
        if (step.risk === undefined && !unclassified.has(step.toolName)) {
          unclassified.set(step.toolName, runRef(run, step.id, `first call of ${step.toolName}, which has no risk class`));
        }
      }

      const approval = matchApprovals(tools, approvalSteps);
      for (const call of tools) {
        if (call.step.risk === undefined || !isHighRisk(call.step.risk)) continue;
        highRiskCalls++;
        const how = approval.get(call.step);
        if (how !== undefined) {
          approvedBefore++;
          if (how === 'name') approvedByNameOnly++;
          addExample(approvedExamples, runRef(run, call.step.id, `${call.step.toolName} approved before it ran (${how === 'id' ? 'by tool call id' : 'by approval name only'})`));
        } else {
          unapprovedCount++;
          if (unapprovedByTool.has(call.step.toolName) || unapprovedByTool.size < MAX_TRACKED_TOOLS) {
            unapprovedByTool.set(call.step.toolName, (unapprovedByTool.get(call.step.toolName) ?? 0) + 1);
          }
          addExample(
            unapprovedExamples,
            runRef(run, call.step.id, `${call.step.toolName} (${call.step.risk}) ran with no approval before it${call.step.callId === undefined ? ' (the call has no call id)' : ` for call ${call.step.callId}`}`),
          );
        }
      }

      for (const { step } of approvalSteps) {
        approvals.total++;
        const hasActor = step.actor !== undefined && step.actor.trim() !== '';
        const hasCallId = step.toolCallId !== undefined && step.toolCallId !== '';
        const hasTime = step.startedAt !== undefined || step.endedAt !== undefined;
        if (hasActor) approvals.withActor++;
        if (hasCallId) approvals.withToolCallId++;
        if (hasTime) approvals.withTime++;
        if (hasActor && hasCallId && hasTime) {
          approvals.complete++;
        } else {
          const missing = [!hasActor && 'actor', !hasCallId && 'tool call id', !hasTime && 'time'].filter((m): m is string => m !== false);
          addExample(incompleteExamples, runRef(run, step.id, `${step.decision} approval without ${missing.join(', ')}`));
        }
        if (DENYING.has(step.decision)) {
          denials++;
          addExample(denialExamples, runRef(run, step.id, `${step.decision === 'timeout' ? 'approval timed out' : 'denied'}${hasCallId ? ` for call ${step.toolCallId ?? ''}` : ''}`));
        }
      }

      for (const violation of findDenialViolations(tools, approvalSteps, view)) {
        executedAfterDenial++;
        addExample(
          executedExamples,
          runRef(run, violation.call.step.id, `${violation.call.step.toolName} ran after approval ${violation.denial.step.id} was ${violation.denial.step.decision} (${violation.match})`),
        );
      }

      for (const output of reviewOfConfidentOutputs(steps, run.claimedStatus === 'escalated')) {
        const bucket = Math.min(100, Math.max(0, Math.floor(output.confidence * 100 + 1e-9)));
        const entry = confidence.get(bucket) ?? { outputs: 0, reviewed: 0 };
        entry.outputs++;
        if (output.reviewed) entry.reviewed++;
        confidence.set(bucket, entry);
        if (!output.reviewed) {
          // Lowest confidence first: those are the ones a threshold check needs to show.
          addTopExample(
            unreviewedExamples,
            { ...runRef(run, output.step.id, `confidence ${output.confidence} with no review before ${output.reason}`), confidence: output.confidence },
            (e) => -e.confidence,
          );
        }
      }

      if (run.claimedStatus === 'escalated') escalatedRuns++;
      if (isStuck(run, view)) {
        stuck.runs++;
        if (run.claimedStatus === 'escalated') stuck.escalated++;
        else if (run.claimedStatus === 'failure') stuck.reportedFailure++;
        else addExample(stuckExamples, runRef(run, undefined, `stuck (${stuckReason(run)}) and ended ${run.claimedStatus === 'unknown' ? 'with no claimed status' : `claiming ${run.claimedStatus}`}: neither escalated nor reported failure`));
      }
    },

    finish() {
      const unclassifiedTools = [...unclassified.keys()].sort();
      return {
        highRiskCalls,
        approvedBefore,
        approvedByNameOnly,
        approvedExamples: [...approvedExamples],
        unapproved: { count: unapprovedCount, byTool: Object.fromEntries([...unapprovedByTool.entries()].sort((a, b) => a[0].localeCompare(b[0]))), examples: [...unapprovedExamples] },
        denials,
        denialExamples: [...denialExamples],
        executedAfterDenial: { count: executedAfterDenial, examples: [...executedExamples] },
        approvals: { ...approvals, examples: [...incompleteExamples] },
        confidence: Object.fromEntries([...confidence.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [k, { ...v }])),
        unreviewedExamples: [...unreviewedExamples],
        escalatedRuns,
        stuck: { ...stuck, examples: [...stuckExamples] },
        unclassifiedTools,
        unclassifiedToolExamples: unclassifiedTools.slice(0, MAX_EXAMPLES).map((name) => unclassified.get(name)).filter((r): r is RunRef => r !== undefined),
        calledTools: calledTools.size,
        toolNamesTruncated,
      };
    },
  };
}

interface Positioned<S extends Step> {
  readonly step: S;
  /** Index in run order: the fallback for "before" when a time is missing. */
  readonly position: number;
}

/** Whether `a` was over before `b` began: by time when both are known, else by run order. */
export function happenedBefore(a: Positioned<Step>, b: Positioned<Step>): boolean {
  const aEnd = timeMs(a.step.endedAt ?? a.step.startedAt);
  const bStart = timeMs(b.step.startedAt);
  if (aEnd !== undefined && bStart !== undefined) return aEnd <= bStart;
  return a.position < b.position;
}

/**
 * Which tool calls have an approval before them, and how it was bound:
 * - `id`: an approving decision whose tool call id is the call's id;
 * - `name`: an approving decision with no tool call id whose step name names exactly one tool
 *   (as a whole identifier, e.g. "approve issue_refund"), for the first call of that tool after it.
 *   Such an approval cannot show it was for those arguments, so it covers one call only and is
 *   counted apart; an approval that names no tool, or several, approves nothing.
 * `modified` counts as approving: a person authorized the call in the form it ran.
 */
function matchApprovals(tools: readonly Positioned<ToolStep>[], approvals: readonly Positioned<ApprovalStep>[]): Map<ToolStep, 'id' | 'name'> {
  const result = new Map<ToolStep, 'id' | 'name'>();
  const approving = approvals.filter((a) => APPROVING.has(a.step.decision));
  for (const call of tools) {
    const callId = call.step.callId;
    if (callId === undefined) continue;
    if (approving.some((a) => a.step.toolCallId === callId && happenedBefore(a, call))) result.set(call.step, 'id');
  }
  const toolNames = [...new Set(tools.map((t) => t.step.toolName))];
  for (const approval of approving) {
    if (approval.step.toolCallId !== undefined) continue;
    const named = toolNames.filter((name) => namesTool(approval.step.name, name));
    if (named.length !== 1) continue;
    const next = tools.find((t) => t.step.toolName === named[0] && happenedBefore(approval, t));
    if (next && !result.has(next.step)) result.set(next.step, 'name');
  }
  return result;
}

/** Whether an approval step's name names a tool as a whole identifier ("approve:issue_refund" names issue_refund, not issue). */
export function namesTool(stepName: string, toolName: string): boolean {
  if (toolName === '') return false;
  for (let at = stepName.indexOf(toolName); at !== -1; at = stepName.indexOf(toolName, at + 1)) {
    if (!isIdentifierChar(stepName.charAt(at - 1)) && !isIdentifierChar(stepName.charAt(at + toolName.length))) return true;
  }
  return false;
}

function isIdentifierChar(ch: string): boolean {
  return ch !== '' && /[\p{L}\p{N}_-]/u.test(ch);
}

interface DenialViolation {
  readonly call: Positioned<ToolStep>;
  readonly denial: Positioned<ApprovalStep>;
  readonly match: string;
}

/**
 * Successful tool steps after a denial that carry out what was denied, with no approving decision
 * for them between the denial and the call. What was denied is known through the denial's tool call
 * id: that call itself, and, when a tool step with that id shows its tool and arguments, any other
 * call of the same tool with the same arguments (a retry under a new call id). A denial with no tool
 * call id whose name names a tool denies further calls of that tool. A denied call recorded with
 * status `error` was blocked, not executed, and is not a violation.
 */
function findDenialViolations(tools: readonly Positioned<ToolStep>[], approvals: readonly Positioned<ApprovalStep>[], view: RunView): DenialViolation[] {
  const denials = approvals.filter((a) => DENYING.has(a.step.decision));
  if (denials.length === 0) return [];
  const approving = approvals.filter((a) => APPROVING.has(a.step.decision));
  const keyById = new Map<string, string>();
  for (const { step } of tools) {
    const key = view.callKey(step);
    if (step.callId !== undefined && key !== undefined && !keyById.has(step.callId)) keyById.set(step.callId, key);
  }
  const toolNames = [...new Set(tools.map((t) => t.step.toolName))];

  const violations: DenialViolation[] = [];
  for (const call of tools) {
    if (call.step.status !== 'ok') continue;
    const key = view.callKey(call.step);
    for (const denial of denials) {
      if (!happenedBefore(denial, call)) continue;
      const deniedId = denial.step.toolCallId;
      let match: string | undefined;
      if (deniedId !== undefined) {
        if (call.step.callId === deniedId) match = `the denied call ${deniedId}`;
        else if (key !== undefined && keyById.get(deniedId) === key) match = `same tool and arguments as denied call ${deniedId}`;
      } else {
        const named = toolNames.filter((name) => namesTool(denial.step.name, name));
        if (named.length === 1 && named[0] === call.step.toolName) match = `a call of ${call.step.toolName}, which the denial names`;
      }
      if (match === undefined) continue;
      const reapproved = approving.some(
        (a) =>
          happenedBefore(denial, a) &&
          happenedBefore(a, call) &&
          (a.step.toolCallId === undefined ? namesTool(a.step.name, call.step.toolName) : a.step.toolCallId === call.step.callId),
      );
      if (reapproved) continue;
      violations.push({ call, denial, match });
      break;
    }
  }
  return violations;
}

interface ConfidentOutput {
  readonly step: Step;
  readonly confidence: number;
  readonly reviewed: boolean;
  /** What came instead of a review, for the example's note. */
  readonly reason: string;
}

/**
 * For every llm output with a confidence: whether a `review` step follows before anything can take
 * effect, i.e. before the next tool step that is not read-only (a tool with no risk class counts as
 * side-effecting: unknown is not safe) or the end of the run. Ending the run as `escalated` puts the
 * output in front of a person, so it counts as a review. One backward pass: linear in the steps.
 */
function reviewOfConfidentOutputs(steps: readonly Step[], escalated: boolean): ConfidentOutput[] {
  const outputs: ConfidentOutput[] = [];
  let reviewed = escalated;
  let reason = escalated ? '' : 'the run ended';
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i];
    if (step === undefined) continue;
    switch (step.kind) {
      case 'review':
        reviewed = true;
        reason = '';
        break;
      case 'tool':
        if (step.risk !== 'read-only') {
          reviewed = false;
          reason = `${step.toolName} ran`;
        }
        break;
      case 'llm':
        if (step.confidence !== undefined && Number.isFinite(step.confidence)) outputs.push({ step, confidence: step.confidence, reviewed, reason });
        break;
      case 'approval':
      case 'checkpoint':
      case 'handoff':
      case 'guardrail':
      case 'memory':
      case 'other':
        break;
    }
  }
  return outputs.reverse();
}

function isStuck(run: Run, view: RunView): boolean {
  if (run.infrastructureError !== undefined) return false;
  // A run verified as a success was not stuck, however it ended: handing a customer to a person
  // can be the right way to finish the task.
  if (run.outcome.status === 'success') return false;
  if (run.claimedStatus === 'escalated' || run.claimedStatus === 'failure' || run.outcome.status === 'failure') return true;
  return view.longestBlockingStreak >= STUCK_STREAK;
}

function stuckReason(run: Run): string {
  if (run.claimedStatus === 'failure') return 'the agent reported failure';
  if (run.outcome.status === 'failure') return 'verified as failed';
  return `${STUCK_STREAK}+ blocking failures in a row`;
}

/**
 * Why the checks about high-risk calls do not apply, judged from mimir.yaml and the traces
 * together; undefined when they may apply. An empty tool list in mimir.yaml declares nothing, and a
 * tool called without a class could be high-risk, so either leaves the question open.
 */
export function noHighRiskToolsReason(system: SystemDescription, oversight: OversightAnalysis): string | undefined {
  if (system.tools.length === 0 || system.tools.some((tool) => isHighRisk(tool.risk))) return undefined;
  if (oversight.highRiskCalls > 0 || oversight.unclassifiedTools.length > 0 || oversight.toolNamesTruncated) return undefined;
  return `mimir.yaml declares ${system.tools.length} tool(s), none of them high-risk (${HIGH_RISK_CLASSES.join(', ')}), and every tool called in the traces has a class that is not high-risk`;
}
