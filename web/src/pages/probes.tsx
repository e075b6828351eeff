import type { ProbesNow } from '../api.js';
import { Show, percent, time, useApi } from '../components.js';

/** The latest probe results the server knows, and whether the audit still counts them. */
export function Probes() {
  const probes = useApi<ProbesNow>('/api/probes', 30_000);
  return (
    <>
      <h1>Probes</h1>
      <Show loaded={probes} what="probe results">
        {(now) => (
          <>
            <p class={now.stale ? 'notice' : 'muted'}>
              {now.source === undefined
                ? 'No probes are configured: mimir.yaml has no `probes` section. Probes run the real agent under injected faults (a tool that fails, times out or answers wrongly) and check the world afterwards; add the section and run `mimir probe` to see their results here.'
                : now.ranAt === undefined
                  ? `No probe results yet: run \`mimir probe\` (or \`mimir audit --probe\`) and they appear here, read from ${now.source}.`
                  : `From ${now.source}, run ${time(now.ranAt)}.`}
              {now.stale && ` These results are stale: the audit does not count them. ${now.staleReason ?? 'Run `mimir probe` again.'}`}
            </p>
            {now.probes.length > 0 && (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Probe</th>
                      <th scope="col">Family</th>
                      <th scope="col">Tool</th>
                      <th scope="col" class="num">Passed</th>
                      <th scope="col" class="num">Pass rate</th>
                      <th scope="col">Summary</th>
                    </tr>
                  </thead>
                  <tbody>
                    {now.probes.map((p) => (
                      <tr key={p.id}>
                        <td class="id">{p.id}</td>
                        <td>{p.family}</td>
                        <td>{p.tool ?? '—'}</td>
                        <td class="num">
                          {p.passed} / {p.trials}
                        </td>
                        <td class="num">{percent(p.passRate)}</td>
                        <td>{p.summary}</td>
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
