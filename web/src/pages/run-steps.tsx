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
  const approvalsBefore = new Map<string, ApprovalStep>();
  return (
    <ol class="timeline" aria-label="Steps in order">
      {steps.map((step) => {
        if (step.kind === 'approval' && step.toolCallId !== undefined) approvalsBefore.set(step.toolCallId, step);
        const approval = step.kind === 'tool' && step.callId !== undefined ? approvalsBefore.get(step.callId) : undefined;
        return <StepItem key={step.id} step={step} startMs={startMs} approval={approval} />;
      })}
    </ol>
  );
}

function StepItem({ step, startMs, approval }: { step: Step; startMs: number | undefined; approval: ApprovalStep | undefined }) {
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

/**
 * Whether a high-risk call had its approval first, matched by call id as the oversight checks match
 * it. A call without an id says nothing: it cannot be matched, and a guess would accuse it wrongly.
 */
function ApprovalOfCall({ step, approval }: { step: Extract<Step, { kind: 'tool' }>; approval: ApprovalStep | undefined }) {
  if (step.risk === undefined || !HIGH_RISK_CLASSES.includes(step.risk) || step.callId === undefined) return null;
  if (approval === undefined) return <span class="pill outcome-fail approval-missing">no approval asked</span>;
  if (approval.decision === 'denied' || approval.decision === 'timeout') return <span class="pill outcome-fail">called after the approval was {DECISION_NAMES[approval.decision]}</span>;
  return <span class="pill outcome-pass">approval {DECISION_NAMES[approval.decision]} first</span>;
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
