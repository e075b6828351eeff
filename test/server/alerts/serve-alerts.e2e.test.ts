import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/audit/load-config.js';
import type { AlertNotification } from '../../../src/server/alerts/types.js';
import type { AlertsNow, ReadinessHistory } from '../../../src/server/http/api-contract.js';
import { eventually, getJson, startTestServer } from '../support.js';
import { sendRuns, startReceiver } from '../windows/support.js';

/**
 * Alert rules wired into a real `mimir serve`: runs posted over OTLP make the silent-failure rule
 * fire; a loopback webhook gets exactly one notification per state change — the first attempt is
 * held open and then failed, so the firing notification is retried — and ingestion and the window
 * evaluations go on while delivery hangs. The alert survives a restart of the server (no second
 * firing notification), and resolves when good runs bring the figure back under the threshold.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'mimir-serve-alerts-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('alert rules in mimir serve', () => {
  it('fires, retries a failed delivery, survives a restart and resolves: one notification per state change', async () => {
    const delivered: AlertNotification[] = [];
    let attempts = 0;
    let held: ServerResponse | undefined;
    const webhook = await startReceiver((_request, body, response) => {
      attempts++;
      if (attempts === 1) {
        held = response;
        return;
      }
      delivered.push(JSON.parse(body) as AlertNotification);
      response.writeHead(204).end();
    });
    const yaml = `version: 1
system: { name: refund-agent }
alerts:
  rules:
    - { name: silent, figure: silent-failure-rate, window: 1h, above: 0.5, minSamples: 2 }
  delivery:
    - webhook: { url: "${webhook.url}/hook", timeoutMs: 120000 }
  retry: { attempts: 5, initialDelay: 50ms, maxDelay: 200ms }
`;
    const config = parseConfig(yaml, join(dataDir, 'mimir.yaml'));
    const log: string[] = [];
    const options = { dataDir, config, evaluateEveryMs: 150, log: (line: string) => log.push(line) };
    let served = await startTestServer(options);
    try {
      expect(served.server.monitoring.describe().join('\n')).toContain(`alerts: notifications go to webhook ${webhook.url}/…`);
      const silent = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ runId: `silent-${from + i}`, claimed: 'success' as const, verified: 'failure' as const }));
      await sendRuns(served.server.url, silent(0, 3));
      await eventually(() => Promise.resolve(held), 15_000, 'the firing notification to reach the webhook');

      // The webhook holds the notification; runs are still taken, closed, stored and evaluated.
      await sendRuns(served.server.url, silent(3, 1));
      await eventually(async () => {
        const { body } = await getJson(`${served.server.url}/api/readiness?window=1h`);
        return (body as ReadinessHistory).points.at(-1)?.runs === 4 ? true : undefined;
      }, 15_000, 'a readiness point over the 4 runs while delivery hangs');
      expect(delivered).toEqual([]);

      held?.writeHead(500).end('try again');
      await eventually(() => Promise.resolve(delivered.length === 1 ? true : undefined), 10_000, 'the retried firing notification');
      // Made when the first runs closed (at least minSamples of the 3 silent ones), sent as it was made.
      expect(delivered[0]).toMatchObject({ rule: 'silent', state: 'firing', value: 1, window: '1h' });
      expect(delivered[0]?.sampleSize).toBeGreaterThanOrEqual(2);
      expect(delivered[0]?.sampleSize).toBeLessThanOrEqual(3);
      expect(delivered[0]?.runs.length).toBeGreaterThan(0);
      expect(delivered[0]?.runs[0]?.url).toMatch(new RegExp(`^${served.server.url}/api/runs/silent-`));

      await served.server.monitoring.alerts?.idle();
      await served.dispose();
      served = await startTestServer(options);
      // Several evaluations after the restart: the firing state was kept, and nothing was sent again.
      const ticks = served.server.monitoring.scheduler.recomputed;
      await eventually(() => Promise.resolve(served.server.monitoring.scheduler.recomputed > ticks ? true : undefined), 10_000, 'the first evaluation after the restart');
      await served.server.monitoring.scheduler.tick();
      const afterRestart = (await getJson(`${served.server.url}/api/alerts`)).body as AlertsNow;
      expect(afterRestart.series).toMatchObject([{ rule: 'silent', status: 'firing' }]);
      expect(delivered).toHaveLength(1);

      const good = Array.from({ length: 6 }, (_, i) => ({ runId: `good-${i}`, claimed: 'success' as const, verified: 'success' as const }));
      await sendRuns(served.server.url, good);
      await eventually(() => Promise.resolve(delivered.length === 2 ? true : undefined), 15_000, 'the resolved notification');
      // A few more evaluations with nothing changed send nothing more.
      for (let i = 0; i < 3; i++) await served.server.monitoring.scheduler.tick();
      await served.server.monitoring.alerts?.idle();
      expect(delivered.map((notification) => notification.state)).toEqual(['firing', 'resolved']);
      expect(delivered[1]).toMatchObject({ rule: 'silent', sampleSize: 10, value: 0.4 });
      expect(new Set(delivered.map((notification) => notification.id)).size).toBe(2);
      expect(attempts).toBe(3);

      const alerts = (await getJson(`${served.server.url}/api/alerts?limit=10`)).body as AlertsNow;
      expect(alerts.rules).toEqual([{ name: 'silent', kind: 'window', figure: 'silent-failure-rate', window: '1h', threshold: 'above 0.5', minSamples: 2, for: '0s', noData: 'keep-state' }]);
      expect(alerts.series).toMatchObject([{ rule: 'silent', status: 'ok' }]);
      expect(alerts.history.map((entry) => `${entry.from}→${entry.to}`)).toEqual(['firing→resolved', 'none→firing']);
      expect(alerts.delivery).toContain(webhook.url);
    } finally {
      await served.dispose();
      await webhook.close();
    }
  }, 60_000);
});
