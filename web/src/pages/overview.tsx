import type { AlertsNow, Health, ReadinessHistory, ToolRates } from '../api.js';
import { Chart } from '../chart.js';
import { Show, StatusPill, VerdictBadge, score, time, useApi } from '../components.js';
import { AREA_NAMES, BAND_COLORS } from '../labels.js';

/** The verdict now and its trend, the areas, firing alerts, and what the server has received. */
export function Overview() {
  const readiness = useApi<ReadinessHistory>('/api/readiness?window=24h', 15_000);
  const alerts = useApi<AlertsNow>('/api/alerts?limit=20', 15_000);
  const health = useApi<Health>('/api/health', 5_000);
  const tools = useApi<ToolRates>('/api/tools?window=1h', 15_000);
  return (
    <>
      <h1>Overview</h1>
      <section aria-labelledby="readiness-title">
        <h2 id="readiness-title">Readiness (last 24 h)</h2>
        <Show loaded={readiness} what="readiness history">
          {(history) => <Readiness history={history} />}
        </Show>
      </section>
      <section aria-labelledby="alerts-title">
        <h2 id="alerts-title">Firing alerts</h2>
        <Show loaded={alerts} what="alerts">
          {(now) => {
            const active = now.series.filter((s) => s.status === 'firing' || s.status === 'pending');
            return active.length === 0 ? (
              <p class="muted">No alert is firing or pending ({now.rules.length} rule(s)).</p>
            ) : (
              <ul class="plain">
                {active.map((s) => (
                  <li key={`${s.rule}${JSON.stringify(s.labels)}`}>
                    <StatusPill status={s.status} /> <strong>{s.rule}</strong> {Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(' ')} since {time(s.activeSince ?? s.since)}
                  </li>
                ))}
              </ul>
            );
          }}
        </Show>
      </section>
      <section aria-labelledby="ingest-title">
        <h2 id="ingest-title">What the server holds</h2>
        <Show loaded={health} what="health">
          {(h) => (
            <p data-testid="health">
              {h.status === 'ok' ? 'Receiving.' : 'The store is failing: spans are refused with 503.'} Stored: {Object.entries(h.stored).map(([k, v]) => `${v} ${k}`).join(', ')}; {h.openRuns} run(s) still open. mimir {h.version}, up since {time(h.startedAt)}.
            </p>
          )}
        </Show>
        <Show loaded={tools} what="tool calls">
          {(rates) =>
            rates.tools.length === 0 ? (
              <p class="muted">
                No tool call in the last hour (tool spans as the OpenTelemetry GenAI conventions, the Vercel AI SDK and OpenInference name them).
              </p>
            ) : (
              <Chart
                title="Tool calls and errors, last hour"
                x={rates.tools.map((_, i) => i)}
                xLabels={rates.tools.map((t) => t.tool)}
                time={false}
                series={[
                  { label: 'calls', values: rates.tools.map((t) => t.calls), color: '#0969da', bars: true },
                  { label: 'errors', values: rates.tools.map((t) => t.errors), color: BAND_COLORS.red, bars: true },
                ]}
              />
            )
          }
        </Show>
      </section>
    </>
  );
}

function Readiness({ history }: { history: ReadinessHistory }) {
  const latest = history.points.at(-1);
  if (!latest) return <p class="muted">No readiness point computed yet{history.nextAt ? `; the next is due ${time(history.nextAt)}` : ''}.</p>;
  const measured = history.points.filter((p) => p.runs > 0);
  return (
    <>
      <div class={`card verdict verdict-${latest.verdict}`}>
        <VerdictBadge verdict={latest.verdict} />
        <div class="headline">
          <span class="score">{score(latest.score)}</span>
          <span class="of">
            / 100 at {time(latest.at)}, {latest.runs} run{latest.runs === 1 ? '' : 's'}
          </span>
        </div>
      </div>
      {latest.runs === 0 && (
        <p class="notice" data-testid="no-runs">
          No run arrived in the last 24 h, so nothing here was measured from traces: this score rests on the attested answers and probe results alone, and every check only traces can answer counts as
          insufficient evidence. Send the agent&apos;s spans to this server (OTLP/HTTP) to measure it.
        </p>
      )}
      {measured.length < 2 ? (
        <p class="muted small">The score&apos;s trend is drawn once two readiness points have runs behind them ({measured.length} so far).</p>
      ) : (
        <Chart
          title="Score over time"
          x={history.points.map((p) => Date.parse(p.at) / 1000)}
          yRange={[0, 100]}
          // A point computed over no runs is not a measurement of the agent: it is left as a gap, not drawn as a drop.
          series={[{ label: 'score', values: history.points.map((p) => (p.runs === 0 ? null : p.score)), color: BAND_COLORS[latest.verdict] }]}
        />
      )}
      {measured.length >= 2 && measured.length < history.points.length && <p class="muted small">Points computed over a window with no runs are left out of the line.</p>}
      <div class="areas">
        {latest.areas.map((a) => (
          <div class="card area" key={a.area}>
            <h3>{AREA_NAMES[a.area]}</h3>
            <span class="area-score">{score(a.score)}</span>
          </div>
        ))}
      </div>
      {latest.changes.length > 0 && (
        <>
          <h3>What moved it</h3>
          <ul class="plain">
            {latest.changes.map((c) => (
              <li key={c.checkId}>
                <code>{c.checkId}</code>: {c.from} → {c.to}
                {c.runs.length > 0 && ' — runs: '}
                {c.runs.map((r) => (
                  <a key={r.runId} href={`#/runs/${encodeURIComponent(r.runId)}`}>
                    {r.runId}{' '}
                  </a>
                ))}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
