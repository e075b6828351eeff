import { useState } from 'preact/hooks';
import type { RunList } from '../api.js';
import { Show, time, useApi } from '../components.js';

const CLAIMED = ['', 'success', 'failure', 'escalated', 'unknown'];
const OUTCOMES = ['', 'success', 'failure', 'unknown'];
const FAILURES: readonly (readonly [string, string])[] = [
  ['', 'any'],
  ['step', 'a step failed'],
  ['silent', 'silent failure (claimed success, verified failure)'],
];
const WINDOWS: readonly (readonly [string, string])[] = [
  ['', 'all time'],
  ['1h', 'last hour'],
  ['24h', 'last 24 h'],
  ['7d', 'last 7 days'],
];

interface RunQuery {
  claimed: string;
  outcome: string;
  tool: string;
  failure: string;
  window: string;
}

/** The stored runs, filtered as GET /api/runs filters them. */
export function Runs() {
  const [query, setQuery] = useState<RunQuery>({ claimed: '', outcome: '', tool: '', failure: '', window: '' });
  const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '') as [string, string][]);
  params.set('limit', '200');
  const runs = useApi<RunList>(`/api/runs?${params.toString()}`, 10_000);
  const set = (key: keyof RunQuery) => (event: Event) => {
    setQuery({ ...query, [key]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  };
  return (
    <>
      <h1>Runs</h1>
      <form class="filters card" onSubmit={(e) => { e.preventDefault(); }} aria-label="Filter runs">
        <label>
          Claimed outcome
          <select value={query.claimed} onChange={set('claimed')}>
            {CLAIMED.map((c) => (
              <option key={c} value={c}>
                {c === '' ? 'any' : c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Verified outcome
          <select value={query.outcome} onChange={set('outcome')}>
            {OUTCOMES.map((c) => (
              <option key={c} value={c}>
                {c === '' ? 'any' : c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tool
          <input type="text" value={query.tool} onChange={set('tool')} placeholder="e.g. issue_refund" />
        </label>
        <label>
          Failure
          <select value={query.failure} onChange={set('failure')}>
            {FAILURES.map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Started
          <select value={query.window} onChange={set('window')}>
            {WINDOWS.map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Show loaded={runs} what="runs">
        {(list) =>
          list.runs.length === 0 ? (
            <p class="muted">No stored run matches.</p>
          ) : (
            <div class="table-wrap">
              <table class="runs">
                <caption class="muted">{list.runs.length} run(s), newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Run</th>
                    <th scope="col">Started</th>
                    <th scope="col">Claimed</th>
                    <th scope="col">Verified</th>
                    <th scope="col" class="num">Steps</th>
                    <th scope="col" class="num">Failed</th>
                    <th scope="col">Tools</th>
                  </tr>
                </thead>
                <tbody>
                  {list.runs.map((run) => (
                    <tr key={run.traceId} class={run.claimedStatus === 'success' && run.outcomeStatus === 'failure' ? 'silent' : undefined}>
                      <td>
                        <a href={`#/runs/${encodeURIComponent(run.runId)}`} class="id">
                          {run.runId}
                        </a>
                        <span class="muted small"> {run.service}</span>
                      </td>
                      <td>{time(run.startedAtMs)}</td>
                      <td>{run.claimedStatus}</td>
                      <td>
                        {run.outcomeStatus}
                        {run.claimedStatus === 'success' && run.outcomeStatus === 'failure' && <strong class="fail-text"> silent failure</strong>}
                      </td>
                      <td class="num">{run.steps}</td>
                      <td class="num">{run.failedSteps}</td>
                      <td>
                        {run.tools.map((tool) => (
                          <span key={tool} class={run.failedTools.includes(tool) ? 'tool tool-failed' : 'tool'}>
                            {tool}
                          </span>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Show>
    </>
  );
}
