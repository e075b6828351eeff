import type { ChecksNow } from '../api.js';
import { OutcomePill, Show, time, useApi } from '../components.js';
import { AREA_NAMES } from '../labels.js';

/** Each check's outcome now, its history in the window, and the runs behind its latest result. */
export function Checks() {
  const checks = useApi<ChecksNow>('/api/checks?window=24h', 30_000);
  return (
    <>
      <h1>Checks</h1>
      <Show loaded={checks} what="check results">
        {(now) => (
          <>
            <p class="muted">
              Window {now.window}; computed {time(now.at)}.
            </p>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Check</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">History (oldest first)</th>
                    <th scope="col">Runs behind it</th>
                  </tr>
                </thead>
                <tbody>
                  {now.checks.map((check) => (
                    <tr key={check.id}>
                      <td>
                        <strong>{check.title}</strong>
                        <span class="id">{check.id}</span>
                        <span class="muted small">
                          {AREA_NAMES[check.area]}
                          {check.evidence !== undefined && ` · from ${check.evidence}`}
                        </span>
                        <p class="small">{check.summary}</p>
                      </td>
                      <td>
                        <OutcomePill outcome={check.outcome} />
                      </td>
                      <td>
                        {check.history.length === 0 && '—'}
                        <span class="history" aria-label={check.history.map((h) => `${h.outcome} at ${time(h.at)}`).join('; ')}>
                          {check.history.map((h) => (
                            <span key={h.at} class={`tick outcome-${h.outcome}`} title={`${h.outcome} at ${time(h.at)}`} />
                          ))}
                        </span>
                      </td>
                      <td>
                        {check.runs.length === 0
                          ? '—'
                          : check.runs.map((r) => (
                              <a key={r.runId} class="id run-link" href={`#/runs/${encodeURIComponent(r.runId)}`} title={r.note}>
                                {r.runId}
                              </a>
                            ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Show>
    </>
  );
}
