import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/audit/load-config.js';
import { defaultTraceReadOptions } from '../../../src/config/load-config.js';
import type { AlertsNow } from '../../../src/server/http/api-contract.js';
import { eventually, getJson, startTestServer } from '../support.js';
import { sendRuns } from '../windows/support.js';

const dir = mkdtempSync(join(tmpdir(), 'mimir-serve-instant-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * An instant rule in a real server: a closed run that called a high-risk tool without an approval
 * notifies once (to the server's log, as no delivery is configured); grading that run again with a
 * label closes it again, and does not notify twice. A run without the event notifies nothing.
 */
describe('instant alert rules in mimir serve', () => {
  it('notify once per offending run, in the server log when no delivery is configured', async () => {
    const config = parseConfig(
      `version: 1
system: { name: refund-agent }
tools:
  - { name: issue_refund, risk: money }
  - { name: lookup_order, risk: read-only }
alerts:
  rules:
    - { name: unapproved, event: unapproved-high-risk-call }
`,
      join(dir, 'mimir.yaml'),
    );
    const log: string[] = [];
    const served = await startTestServer({ config, readOptions: defaultTraceReadOptions(config.system), evaluateEveryMs: 3_600_000, log: (line) => log.push(line) });
    try {
      expect(served.server.monitoring.describe().join('\n')).toContain('notifications are written to this log');
      await sendRuns(served.server.url, [
        { runId: 'refund-1', claimed: 'success', tool: 'issue_refund' },
        { runId: 'lookup-1', claimed: 'success' },
      ]);
      await eventually(async () => ((await served.server.store.counts()).runs === 2 && served.server.liveRuns.openCount === 0 ? true : undefined), 10_000, 'the runs to close');
      await served.server.monitoring.alerts?.idle();
      const alertLines = (): string[] => log.filter((line) => line.startsWith('alert '));
      await eventually(() => Promise.resolve(alertLines().length === 1 ? true : undefined), 10_000, 'the notification in the log');
      expect(alertLines()[0]).toContain('unapproved firing: 1 × unapproved-high-risk-call in run refund-1');

      const labelled = await fetch(`${served.server.url}/api/labels`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ run: 'refund-1', outcome: 'success' }) });
      expect(labelled.status).toBe(200);
      await eventually(async () => ((await served.server.store.getRun('refund-1'))?.facts.outcomeSource === 'labels API' ? true : undefined), 10_000, 'the run to close again');
      await served.server.monitoring.alerts?.idle();
      expect(alertLines()).toHaveLength(1);
      const alerts = (await getJson(`${served.server.url}/api/alerts`)).body as AlertsNow;
      expect(alerts.rules).toEqual([{ name: 'unapproved', kind: 'instant', event: 'unapproved-high-risk-call' }]);
    } finally {
      await served.dispose();
    }
  }, 30_000);
});
