import type { StoredRun } from '../api.js';
import { Show, time, useApi } from '../components.js';

type Step = StoredRun['run']['steps'][number];

/** One run: its facts and its timeline of model and tool steps, as stored (secrets already redacted on the way in). */
export function RunPage({ id }: { id: string }) {
  const stored = useApi<StoredRun>(`/api/runs/${encodeURIComponent(id)}`);
  return (
    <>
      <p>
        <a href="#/runs">← all runs</a>
      </p>
      <h1>
        Run <span class="id">{id}</span>
      </h1>
      <Show loaded={stored} what="this run">
        {({ facts, run }) => (
          <>
            <dl class="facts card">
              <dt>Trace</dt>
              <dd class="id">{facts.traceId}</dd>
              <dt>Service</dt>
              <dd>{facts.service}</dd>
              <dt>Task</dt>
              <dd>{facts.taskId ?? '—'}</dd>
              <dt>Started</dt>
              <dd>{time(facts.startedAtMs)}</dd>
              <dt>Claimed</dt>
              <dd>{facts.claimedStatus}</dd>
              <dt>Verified</dt>
              <dd>
                {facts.outcomeStatus}
                {facts.outcomeSource !== undefined && <span class="muted"> ({facts.outcomeSource})</span>}
                {facts.claimedStatus === 'success' && facts.outcomeStatus === 'failure' && <strong class="fail-text"> — silent failure</strong>}
              </dd>
              <dt>Steps</dt>
              <dd>
                {facts.steps}, {facts.failedSteps} failed{facts.damaged ? '; the run was damaged (parts dropped or repaired)' : ''}
              </dd>
            </dl>
            <h2>Timeline</h2>
            <ol class="timeline" aria-label="Steps in order">
              {run.steps.map((step) => (
                <StepItem key={step.id} step={step} startMs={run.startedAt === undefined ? undefined : Date.parse(run.startedAt)} />
              ))}
            </ol>
          </>
        )}
      </Show>
    </>
  );
}

function StepItem({ step, startMs }: { step: Step; startMs: number | undefined }) {
  const offset = startMs !== undefined && step.startedAt !== undefined ? `+${((Date.parse(step.startedAt) - startMs) / 1000).toFixed(2)} s` : '';
  return (
    <li class={`step step-${step.kind} ${step.status === 'error' ? 'step-error' : ''}`} data-kind={step.kind}>
      <div class="step-head">
        <span class="step-kind">{step.kind === 'llm' ? 'model' : step.kind}</span> <strong>{step.kind === 'tool' ? step.toolName : step.name}</strong>{' '}
        <span class="muted small">{offset}</span>
        {step.status === 'error' && <span class="pill outcome-fail">error</span>}
        {step.kind === 'tool' && step.risk !== undefined && <span class="muted small"> risk: {step.risk}</span>}
        {step.kind === 'approval' && <span class={`pill decision-${step.decision}`}>{step.decision}</span>}
      </div>
      {step.error && (
        <p class="fail-text">
          {step.error.type}
          {step.error.message !== undefined && `: ${step.error.message}`}
        </p>
      )}
      <StepDetails step={step} />
    </li>
  );
}

function StepDetails({ step }: { step: Step }) {
  switch (step.kind) {
    case 'llm':
      return (
        <>
          {step.model !== undefined && (
            <p class="muted small">
              {step.model}
              {step.inputTokens !== undefined && ` · ${step.inputTokens} tokens in`}
              {step.outputTokens !== undefined && ` · ${step.outputTokens} out`}
            </p>
          )}
          {[...(step.inputMessages ?? []), ...(step.outputMessages ?? [])].length > 0 && (
            <details>
              <summary>Messages</summary>
              {[...(step.inputMessages ?? []), ...(step.outputMessages ?? [])].map((m, i) => (
                <div key={i} class="message">
                  <span class="muted small">{m.role}</span>
                  <pre>{m.content}</pre>
                </div>
              ))}
            </details>
          )}
        </>
      );
    case 'tool':
      return step.arguments === undefined && step.result === undefined ? null : (
        <details>
          <summary>Arguments and result</summary>
          {step.arguments !== undefined && <pre>{JSON.stringify(step.arguments, null, 2)}</pre>}
          {step.result !== undefined && <pre>{JSON.stringify(step.result, null, 2)}</pre>}
        </details>
      );
    case 'approval':
      return (
        <p class="muted small">
          {step.actor !== undefined && `by ${step.actor}`}
          {step.toolCallId !== undefined && ` for call ${step.toolCallId}`}
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
