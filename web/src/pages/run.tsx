import type { StoredRun } from '../api.js';
import { Show, time, useApi } from '../components.js';
import { Timeline } from './run-steps.js';

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
            <Timeline steps={run.steps} startedAt={run.startedAt} />
          </>
        )}
      </Show>
    </>
  );
}
