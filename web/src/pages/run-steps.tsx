import { namesTool } from '../../../src/analysis/oversight.js';
import { HIGH_RISK_CLASSES } from '../../../src/model/system.js';
import type { StoredRun } from '../api.js';

type Step = StoredRun['run']['steps'][number];
type ApprovalStep = Extract<Step, { kind: 'approval' }>;

/** Contents longer than this (characters or lines) start collapsed, with their first lines showing. */
const LONG_CHARS = 400;
const LONG_LINES = 8;

/** A decision as a reviewer reads it: "approved" is the grant the approval gate waited for. */
const DECISION_NAMES: Readonly<Record<ApprovalStep['decision'], string>> = { approved: 'granted', denied: 'denied', modified: 'granted with changes', timeout: 'timed out' };

/**
 * A run's timeline: each model turn with the messages it got and the reply it gave, each tool call
 * with its arguments and result, each approval asked and its decision, and errors, in order. The
 * contents are as stored, so as redacted on the way in as the reports redact them.
 */
export function Timeline({ steps, startedAt }: { steps: readonly Step[]; startedAt: string | undefined }) {
  const startMs = startedAt === undefined ? undefined : Date.parse(startedAt);
  const approvals = approvalsOfCalls(steps);
  return (
    <ol class="timeline" aria-label="Steps in order">
      {steps.map((step) => (
        <StepItem key={step.id} step={step} startMs={startMs} approval={step.kind === 'tool' ? approvals.get(step) : undefined} />
      ))}
    </ol>
  );
}

interface BoundApproval {
  readonly step: ApprovalStep;
  /** `name`: the approval had no tool call id and named the tool; it covers the next call of that tool only. */
  readonly by: 'id' | 'name';
}

/**
 * The approval before each tool call, bound as the oversight analysis binds it (src/analysis/oversight.ts):
 * by the call's id, else an approval with no id whose name names exactly one of the run's tools covers
 * the next call of that tool. Steps are in the run's order.
 */
function approvalsOfCalls(steps: readonly Step[]): Map<Step, BoundApproval> {
  const toolNames = [...new Set(steps.flatMap((step) => (step.kind === 'tool' ? [step.toolName] : [])))];
  const byId = new Map<string, ApprovalStep>();
  const byName = new Map<string, ApprovalStep>();
  const bound = new Map<Step, BoundApproval>();
  for (const step of steps) {
    if (step.kind === 'approval') {
      if (step.toolCallId !== undefined) byId.set(step.toolCallId, step);
      else {
        const [only, ...others] = toolNames.filter((name) => namesTool(step.name, name));
        if (only !== undefined && others.length === 0) byName.set(only, step);
      }
    } else if (step.kind === 'tool') {
      const withId = step.callId === undefined ? undefined : byId.get(step.callId);
      const withName = byName.get(step.toolName);
      if (withId !== undefined) bound.set(step, { step: withId, by: 'id' });
      else if (withName !== undefined) {
        bound.set(step, { step: withName, by: 'name' });
        byName.delete(step.toolName);
      }
    }
  }
  return bound;
}

function StepItem({ step, startMs, approval }: { step: Step; startMs: number | undefined; approval: BoundApproval | undefined }) {
  const offset = startMs !== undefined && step.startedAt !== undefined ? `+${((Date.parse(step.startedAt) - startMs) / 1000).toFixed(2)} s` : '';
  return (
    <li class={`step step-${step.kind} ${step.status === 'error' ? 'step-error' : ''}`} data-kind={step.kind}>
      <div class="step-head">
        <span class="step-kind">{step.kind === 'llm' ? 'model' : step.kind}</span> <strong>{step.kind === 'tool' ? step.toolName : step.name}</strong>{' '}
        <span class="muted small">{offset}</span>
        {step.status === 'error' && <span class="pill outcome-fail">error</span>}
        {step.kind === 'tool' && step.risk !== undefined && <span class="muted small"> risk: {step.risk}</span>}
        {step.kind === 'tool' && <ApprovalOfCall step={step} approval={approval} />}
        {step.kind === 'approval' && <span class={`pill decision-${step.decision}`}>{DECISION_NAMES[step.decision]}</span>}
      </div>
      {step.error && (
        <p class="fail-text">
          {/* `_OTHER` is OpenTelemetry's placeholder for "no error type given": it tells a reader nothing. */}
          {step.error.type === '_OTHER' ? 'error' : step.error.type}
          {step.error.message !== undefined && `: ${step.error.message}`}
        </p>
      )}
      <StepDetails step={step} />
    </li>
  );
}

/** Whether a high-risk call (by mimir.yaml's risk classes) had its approval first, and what was decided. */
function ApprovalOfCall({ step, approval }: { step: Extract<Step, { kind: 'tool' }>; approval: BoundApproval | undefined }) {
  if (step.risk === undefined || !HIGH_RISK_CLASSES.includes(step.risk)) return null;
  if (approval === undefined) return <span class="pill outcome-fail approval-missing">no approval asked</span>;
  const how = approval.by === 'name' ? ' (matched by its name: it gave no call id)' : '';
  const { decision } = approval.step;
  if (decision === 'denied' || decision === 'timeout') return <span class="pill outcome-fail">called after the approval was {DECISION_NAMES[decision]}{how}</span>;
  return <span class="pill outcome-pass">approval {DECISION_NAMES[decision]} first{how}</span>;
}

function StepDetails({ step }: { step: Step }) {
  switch (step.kind) {
    case 'llm': {
      const input = step.inputMessages ?? [];
      const output = step.outputMessages ?? [];
      return (
        <>
          {step.model !== undefined && (
            <p class="muted small">
              {step.model}
              {step.inputTokens !== undefined && ` · ${step.inputTokens} tokens in`}
              {step.outputTokens !== undefined && ` · ${step.outputTokens} out`}
            </p>
          )}
          {input.length > 0 && (
            <details class="messages-in">
              <summary>
                Input: {input.length} message{input.length === 1 ? '' : 's'} (the last: {input.at(-1)?.role})
              </summary>
              {input.map((m, i) => (
                <Content key={i} label={m.role} text={m.content} />
              ))}
            </details>
          )}
          {output.map((m, i) => (
            <Content key={i} label={`${m.role} replied`} text={m.content} />
          ))}
          {input.length === 0 && output.length === 0 && <p class="muted small">No message content stored for this turn (the trace carried none, or capture was off).</p>}
        </>
      );
    }
    case 'tool':
      return (
        <>
          {step.arguments !== undefined && <Content label="arguments" text={readable(step.arguments)} />}
          {step.result !== undefined && <Content label="result" text={readable(step.result)} />}
        </>
      );
    case 'approval':
      return (
        <p class="muted small">
          Approval requested{step.toolCallId !== undefined && ` for call ${step.toolCallId}`}
          {step.actor !== undefined && `; decided by ${step.actor}`}.
        </p>
      );
    case 'checkpoint':
    case 'review':
    case 'handoff':
    case 'guardrail':
    case 'memory':
    case 'other':
      return null;
  }
}

/** A value as a person reads it: JSON that arrived as a string is shown parsed and indented, like the rest. */
function readable(value: unknown): string {
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return typeof parsed === 'object' && parsed !== null ? JSON.stringify(parsed, null, 2) : value;
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

/** One content: short ones whole; long ones collapsed to their first lines, with a way to open them. */
function Content({ label, text }: { label: string; text: string }) {
  const lines = text.split('\n');
  const long = text.length > LONG_CHARS || lines.length > LONG_LINES;
  if (!long) {
    return (
      <div class="message">
        <span class="muted small">{label}</span>
        <pre>{text}</pre>
      </div>
    );
  }
  const preview = lines.slice(0, 3).join('\n').slice(0, 240);
  return (
    <details class="message long">
      <summary>
        <span class="muted small">{label}</span> <span class="small">({text.length} characters, {lines.length} lines — show all)</span>
        <pre class="preview">{preview} …</pre>
      </summary>
      <pre>{text}</pre>
    </details>
  );
}
