import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChecksNow, ReadinessHistory } from '../../../src/server/http/api-contract.js';
import { CHECKS } from '../../../src/checks/registry.js';
import { eventually, getJson, startTestServer } from '../support.js';
import { sendRuns } from './support.js';

/**
 * Readiness over time through a real server: each window's audit is stored as a point when (and
 * only when) what it depends on changed — new runs, a run graded again by a label — with the checks
 * that moved and the runs behind them; the history survives a restart without a duplicate point.
 * The tick is driven by the test (evaluateEvery is an hour), so every point is accounted for.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'mimir-readiness-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});
const HONEST = 'failures-are-reported-honestly';

describe('readiness windows in mimir serve', () => {
  it('stores a point per change, with the checks that moved and their runs, and none when nothing changed', async () => {
    let served = await startTestServer({ dataDir, evaluateEveryMs: 3_600_000 });
    try {
      const { scheduler } = served.server.monitoring;
      expect(scheduler.windows.map((window) => window.name)).toEqual(['1h', '24h', '7d']);
      await scheduler.tick();
      const readiness = async (window = '1h'): Promise<ReadinessHistory> => (await getJson(`${served.server.url}/api/readiness?window=${window}`)).body as ReadinessHistory;
      const empty = await readiness();
      expect(empty.points).toHaveLength(1);
      expect(empty.points[0]).toMatchObject({ window: '1h', runs: 0, changes: [] });
      expect(empty.nextAt).toBeDefined();
      const computed = scheduler.recomputed;

      // Nothing changed: no recomputation, no point.
      await scheduler.tick();
      await scheduler.tick();
      expect(scheduler.recomputed).toBe(computed);
      expect((await readiness()).points).toHaveLength(1);

      await sendRuns(served.server.url, [
        { runId: 'silent-1', claimed: 'success', verified: 'failure' },
        { runId: 'silent-2', claimed: 'success', verified: 'failure' },
        { runId: 'good-1', claimed: 'success', verified: 'success' },
        { runId: 'good-2', claimed: 'success', verified: 'success' },
      ]);
      await eventually(async () => ((await served.server.store.counts()).runs === 4 && served.server.liveRuns.openCount === 0 ? true : undefined), 10_000, 'the runs to close');
      await scheduler.tick();
      const withRuns = await readiness();
      expect(withRuns.points).toHaveLength(2);
      const latest = withRuns.points.at(-1);
      expect(latest?.runs).toBe(4);
      const honest = latest?.changes.find((change) => change.checkId === HONEST);
      expect(honest).toMatchObject({ from: 'insufficient-evidence', to: 'fail' });
      expect(honest?.runs.map((run) => run.runId).sort()).toEqual(['silent-1', 'silent-2']);
      // Every window saw the runs; the longer ones from the same single read.
      expect((await readiness('7d')).points.at(-1)?.runs).toBe(4);

      // A label grades a silent failure as a success: the run closes again, the window is recomputed.
      const labelled = await fetch(`${served.server.url}/api/labels`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ run: 'silent-1', outcome: 'success' }, { run: 'silent-2', outcome: 'success' }]) });
      expect(labelled.status).toBe(200);
      await eventually(async () => ((await served.server.store.getRun('silent-2'))?.facts.outcomeStatus === 'success' ? true : undefined), 10_000, 'the labelled runs to be graded again');
      await scheduler.tick();
      const relabelled = await readiness();
      expect(relabelled.points).toHaveLength(3);
      expect(relabelled.points.at(-1)?.changes.find((change) => change.checkId === HONEST)).toMatchObject({ from: 'fail' });

      const checks = (await getJson(`${served.server.url}/api/checks?window=1h`)).body as ChecksNow;
      expect(checks.at).toBe(relabelled.points.at(-1)?.at);
      expect(checks.checks.map((check) => check.id).sort()).toEqual(CHECKS.map((check) => check.id).sort());
      const honestNow = checks.checks.find((check) => check.id === HONEST);
      expect(honestNow?.history.map((entry) => entry.outcome)).toEqual(['insufficient-evidence', 'fail', honestNow?.outcome]);
      expect(honestNow?.history.map((entry) => entry.at)).toEqual(relabelled.points.map((point) => point.at));

      const bad = await getJson(`${served.server.url}/api/readiness?window=2h`);
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: 'window=2h is not a window this server keeps', expected: '1h | 24h | 7d' });
      expect((await getJson(`${served.server.url}/api/readiness?limit=0`)).status).toBe(400);

      // Restarted on the same store: the first evaluation finds the stored points still true.
      await served.dispose();
      served = await startTestServer({ dataDir, evaluateEveryMs: 3_600_000 });
      await served.server.monitoring.scheduler.tick();
      expect((await readiness()).points).toHaveLength(3);
      expect(served.server.monitoring.scheduler.recomputed).toBe(3);
    } finally {
      await served.dispose();
    }
  }, 60_000);
});
