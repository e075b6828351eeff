import { useState } from 'preact/hooks';
import type { RunList } from '../api.js';
import { Show, time, useApi } from '../components.js';

type Choices = readonly (readonly [value: string, name: string])[];

/** A filter's choices: '' is no filter, shown as "any". */
const anyOr = (values: readonly string[]): Choices => [['', 'any'], ...values.map((value) => [value, value] as const)];
const CLAIMED = anyOr(['success', 'failure', 'escalated', 'unknown']);
const OUTCOMES = anyOr(['success', 'failure', 'unknown']);
const FAILURES: Choices = [
  ['', 'any'],
  ['step', 'a step failed'],
  ['silent', 'silent failure (claimed success, verified failure)'],
];
const WINDOWS: Choices = [
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

function FilterSelect(props: { label: string; value: string; choices: Choices; onChange: (event: Event) => void }) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={props.onChange}>
        {props.choices.map(([value, name]) => (
          <option key={value} value={value}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
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
        <FilterSelect label="Claimed outcome" value={query.claimed} choices={CLAIMED} onChange={set('claimed')} />
        <FilterSelect label="Verified outcome" value={query.outcome} choices={OUTCOMES} onChange={set('outcome')} />
        <label>
          Tool
          <input type="text" value={query.tool} onChange={set('tool')} placeholder="e.g. issue_refund" />
        </label>
        <FilterSelect label="Failure" value={query.failure} choices={FAILURES} onChange={set('failure')} />
        <FilterSelect label="Started" value={query.window} choices={WINDOWS} onChange={set('window')} />
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
