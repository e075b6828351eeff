import { useState } from 'preact/hooks';
import type { AuditDiffReply, AuditList } from '../api.js';
import { Chart } from '../chart.js';
import { Show, VerdictBadge, score, time, useApi } from '../components.js';
import { AREA_NAMES } from '../labels.js';

/** Audit history (pushed by `mimir audit --server` and the server's own), and the diff of any two. */
export function Audits() {
  const audits = useApi<AuditList>('/api/audits', 30_000);
  const [from, setFrom] = useState<string>('');
  const [to, setTo] = useState<string>('');
  const diff = useApi<AuditDiffReply>(from !== '' && to !== '' && from !== to ? `/api/audits/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}` : undefined);
  return (
    <>
      <h1>Audits</h1>
      <Show loaded={audits} what="audit history">
        {({ audits: list }) =>
          list.length === 0 ? (
            <p class="muted">No audit stored yet: push one with `mimir audit --server URL`.</p>
          ) : (
            <>
              <Chart
                title="Audit score over time"
                x={[...list].reverse().map((a) => Date.parse(a.auditedAt) / 1000)}
                yRange={[0, 100]}
                series={[{ label: 'score', values: [...list].reverse().map((a) => a.score), color: '#0969da' }]}
              />
              <div class="table-wrap">
                <table class="audits">
                  <thead>
                    <tr>
                      <th scope="col">Audited</th>
                      <th scope="col">System</th>
                      <th scope="col" class="num">Score</th>
                      <th scope="col">Verdict</th>
                      <th scope="col">Source</th>
                      <th scope="col">Diff from</th>
                      <th scope="col">Diff to</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((a) => (
                      <tr key={a.id}>
                        <td>{time(a.auditedAt)}</td>
                        <td>{a.system}</td>
                        <td class="num">{score(a.score)}</td>
                        <td>
                          <VerdictBadge verdict={a.verdict} />
                        </td>
                        <td>{a.source}</td>
                        <td>
                          <input type="radio" name="from" aria-label={`diff from the audit of ${time(a.auditedAt)}`} checked={from === a.id} onChange={() => { setFrom(a.id); }} />
                        </td>
                        <td>
                          <input type="radio" name="to" aria-label={`diff to the audit of ${time(a.auditedAt)}`} checked={to === a.id} onChange={() => { setTo(a.id); }} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )
        }
      </Show>
      {diff && (
        <Show loaded={diff} what="the diff">
          {(reply) => <Diff reply={reply} />}
        </Show>
      )}
    </>
  );
}

function Diff({ reply }: { reply: AuditDiffReply }) {
  const { diff } = reply;
  const lists = [
    ['Worse', diff.worse],
    ['Better', diff.better],
    ['Changed', diff.changed],
    ['Added', diff.added],
    ['Removed', diff.removed],
  ] as const;
  return (
    <section aria-labelledby="diff-title">
      <h2 id="diff-title">
        {time(reply.from.auditedAt)} → {time(reply.to.auditedAt)}
      </h2>
      <p>
        Score {score(diff.overall.before)} → {score(diff.overall.after)} ({diff.overall.delta >= 0 ? '+' : ''}
        {score(diff.overall.delta)}); verdict {diff.verdict.before} → {diff.verdict.after}. {diff.unchanged} check(s) unchanged.
      </p>
      {diff.notes.length > 0 && (
        <ul class="notice">
          {diff.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <ul class="plain">
        {diff.areas.map((a) => (
          <li key={a.area}>
            {AREA_NAMES[a.area]}: {score(a.before)} → {score(a.after)}
          </li>
        ))}
      </ul>
      {lists.map(([name, changes]) =>
        changes.length === 0 ? null : (
          <div key={name}>
            <h3>{name}</h3>
            <ul class="plain">
              {changes.map((c) => (
                <li key={c.checkId}>
                  <strong>{c.title}</strong> <span class="id">{c.checkId}</span>: {c.before?.outcome ?? 'absent'} → {c.after?.outcome ?? 'absent'} ({c.pointsDelta >= 0 ? '+' : ''}
                  {c.pointsDelta.toFixed(1)} points)
                </li>
              ))}
            </ul>
          </div>
        ),
      )}
    </section>
  );
}
