import type { AlertsNow } from '../api.js';
import { Show, StatusPill, time, useApi } from '../components.js';

/** A figure as a reader takes it in: three significant digits (a rate of 0.38235294 is 0.382). */
const figure = (value: number): string => (Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3))));

/** The verdict figure is carried as 0 red, 1 yellow, 2 green: shown as the verdict's name. */
const VERDICTS = ['red', 'yellow', 'green'] as const;
const figureOf = (now: AlertsNow, rule: string): string | undefined => now.rules.find((r) => r.name === rule)?.figure;
const valueText = (value: number, figureName: string | undefined): string => (figureName === 'verdict' ? (VERDICTS[value] ?? figure(value)) : figure(value));

/** An alert's labels; a run label links to the run's timeline (instant rules fire per run). */
function Labels({ labels }: { labels: Readonly<Record<string, string>> }) {
  return (
    <span class="muted small">
      {Object.entries(labels).map(([key, value]) =>
        key === 'run' ? (
          <a key={key} class="id" href={`#/runs/${encodeURIComponent(value)}`}>
            run={value}{' '}
          </a>
        ) : (
          `${key}=${value} `
        ),
      )}
    </span>
  );
}

const labelsText = (labels: Readonly<Record<string, string>>): string => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(' ');

/** Alert rules from mimir.yaml, each series' state, and the history of state changes. */
export function Alerts() {
  const alerts = useApi<AlertsNow>('/api/alerts?limit=100', 10_000);
  return (
    <>
      <h1>Alerts</h1>
      <Show loaded={alerts} what="alerts">
        {(now) => (
          <>
            <p class="muted">Delivery: {now.delivery}</p>
            <h2>Rules</h2>
            <div class="table-wrap">
              <table class="rules">
                <thead>
                  <tr>
                    <th scope="col">Rule</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Condition</th>
                    <th scope="col">Window</th>
                    <th scope="col">For</th>
                    <th scope="col" class="num">Min samples</th>
                    <th scope="col">No data</th>
                  </tr>
                </thead>
                <tbody>
                  {now.rules.map((r) => (
                    <tr key={r.name}>
                      <td>{r.name}</td>
                      <td>{r.kind}</td>
                      <td>{r.kind === 'instant' ? r.event : `${r.figure ?? ''} ${r.threshold ?? ''}`}</td>
                      <td>{r.window ?? '—'}</td>
                      <td>{r.for ?? '—'}</td>
                      <td class="num">{r.minSamples ?? '—'}</td>
                      <td>{r.noData ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <section aria-labelledby="alert-state-title">
              <h2 id="alert-state-title">State</h2>
              {now.series.length === 0 ? (
                <p class="muted">No series evaluated yet.</p>
              ) : (
                <ul class="plain">
                  {now.series.map((s) => (
                    <li key={`${s.rule} ${labelsText(s.labels)}`}>
                      <StatusPill status={s.status} /> <strong>{s.rule}</strong> {labelsText(s.labels)} since {time(s.since)}
                      {s.lastValue !== undefined && s.lastValue !== null && ` · last value ${valueText(s.lastValue, figureOf(now, s.rule))}`}
                      {s.lastSampleSize !== undefined && ` over ${s.lastSampleSize} sample(s)`}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <h2>History</h2>
            {now.history.length === 0 ? (
              <p class="muted">No state change yet.</p>
            ) : (
              <div class="table-wrap">
                <table class="alert-history">
                  <thead>
                    <tr>
                      <th scope="col">At</th>
                      <th scope="col">Rule</th>
                      <th scope="col">Change</th>
                      <th scope="col" class="num">Value</th>
                      <th scope="col" class="num">Samples</th>
                      <th scope="col">Notification</th>
                    </tr>
                  </thead>
                  <tbody>
                    {now.history.map((h, i) => (
                      <tr key={i}>
                        <td>{time(h.at)}</td>
                        <td>
                          {h.rule} <Labels labels={h.labels} />
                        </td>
                        <td>
                          {h.from} → <StatusPill status={h.to} />
                        </td>
                        <td class="num">{h.value === null ? '—' : valueText(h.value, figureOf(now, h.rule))}</td>
                        <td class="num">{h.sampleSize}</td>
                        <td class="id">{h.notificationId ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </Show>
    </>
  );
}
