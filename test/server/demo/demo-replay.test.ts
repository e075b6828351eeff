import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/audit/load-config.js';
import { DEFAULT_ALERT_RULES } from '../../../src/cli/commands/init-alerts.js';
import { demoAlertRules, demoConfigYaml } from '../../../src/server/demo/demo-config.js';
import { replayDemo, type DemoProgress } from '../../../src/server/demo/replay.js';
import type { RunFacts } from '../../../src/server/store/types.js';
import { tempProject } from '../../support/run-cli.js';
import { eventually, getJson, startTestServer } from '../support.js';

/**
 * `mimir serve --demo`'s replay against a real server on loopback: the recorded runs arrive over
 * OTLP/HTTP as new runs ending now, graded through the labels API, and when the naive build takes
 * over the figures the default alert rules watch move past those rules' thresholds. (Whether the
 * alerts then fire is the alert engine's part, tested where it is wired into the server.)
 */
interface Figures {
  runs: number;
  analyses: {
    outcomes: { silentFailures: { rate: { rate: number | null; trials: number } } };
    oversight: { highRiskCalls: number; unapproved: { count: number } };
    reliability: { byTool: Record<string, { rate: number | null; trials: number }> };
  };
}

const RULES = demoAlertRules(DEFAULT_ALERT_RULES);
const rule = (name: string) => RULES.find((r) => r.name === name)!;

let served: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  const project = tempProject({});
  const configPath = join(project, 'mimir.yaml');
  writeFileSync(configPath, demoConfigYaml(DEFAULT_ALERT_RULES));
  const config = await loadConfig(configPath);
  expect(config.config.alerts?.rules.map((r) => r.name)).toEqual(DEFAULT_ALERT_RULES.map((r) => r.name));
  served = await startTestServer({ readOptions: config.traces?.readOptions ?? (await import('../../../src/config/load-config.js')).defaultTraceReadOptions(config.system) });
}, 30_000);

afterAll(async () => {
  await served.dispose();
}, 15_000);

async function settled(runs: number): Promise<Figures> {
  await eventually(async () => ((await served.server.store.counts()).runs === runs && served.server.liveRuns.openCount === 0 ? true : undefined), 20_000, `${runs} runs to close`);
  return (await getJson(`${served.server.url}/api/figures?window=1h`)).body as Figures;
}

describe('the demo replay', () => {
  let healthy: Figures;
  const events: DemoProgress[] = [];

  it('replays the hardened build as new runs ending now, graded through the labels API', async () => {
    const summary = await replayDemo({ url: served.server.url, durationMs: 1500, faultAtMs: 10_000, runs: 12, onProgress: (event) => events.push(event) });
    expect(summary).toEqual({ sent: { hardened: 12, naive: 0 }, labelled: 12, refused: 0 });
    // A label that arrives after its run closed (the quiet period here is 100 ms, and a loaded
    // machine can take longer between a run's spans and its label) grades the run again at the
    // server's next tick: wait for every run to be graded from its label before reading figures.
    const allLabelled = async () => {
      const listed = ((await getJson(`${served.server.url}/api/runs?limit=100`)).body as { runs: RunFacts[] }).runs;
      return listed.length === 12 && listed.every((run) => run.outcomeSource?.includes('label') === true) ? listed : undefined;
    };
    await eventually(allLabelled, 20_000, 'every run graded from its label');
    healthy = await settled(12);
    expect(healthy.runs).toBe(12);
    const runs = ((await getJson(`${served.server.url}/api/runs?limit=100`)).body as { runs: RunFacts[] }).runs;
    expect(runs.every((run) => run.service === 'back-office-agent' && run.runId.startsWith('demo') && run.outcomeSource?.includes('label') === true)).toBe(true);
    // Times shifted to now: every run ended within the replay, whatever its recorded date.
    expect(runs.every((run) => run.endedAtMs !== undefined && Math.abs(Date.now() - run.endedAtMs) < 60_000)).toBe(true);
    expect(healthy.analyses.oversight.highRiskCalls).toBeGreaterThan(0);
    expect(healthy.analyses.oversight.unapproved.count).toBe(0);
    expect(healthy.analyses.outcomes.silentFailures.rate.rate ?? 0).toBeLessThanOrEqual(rule('silent-failures').above as number);
  }, 30_000);

  it('switches to the naive build at the fault, and the watched figures cross the demo rules', async () => {
    events.length = 0;
    const summary = await replayDemo({ url: served.server.url, durationMs: 2000, faultAtMs: 500, runs: 24, onProgress: (event) => events.push(event) });
    expect(summary.refused).toBe(0);
    expect(summary.sent.hardened).toBeGreaterThan(0);
    expect(summary.sent.naive).toBeGreaterThan(summary.sent.hardened);
    const builds = events.filter((event) => event.kind === 'run').map((event) => event.build);
    expect(builds.indexOf('naive')).toBe(summary.sent.hardened);
    expect(builds.lastIndexOf('hardened')).toBe(summary.sent.hardened - 1);
    expect(events.filter((event) => event.kind === 'phase').map((event) => event.build)).toEqual(['hardened', 'naive']);

    const faulted = await settled(12 + 24);
    const silent = faulted.analyses.outcomes.silentFailures.rate;
    expect(silent.rate).toBeGreaterThan(rule('silent-failures').above as number);
    expect(silent.trials).toBeGreaterThanOrEqual(rule('silent-failures').minSamples!);
    expect(silent.rate).toBeGreaterThan(healthy.analyses.outcomes.silentFailures.rate.rate ?? 0);
    // The instant rule's event: high-risk calls with no approval before them.
    expect(faulted.analyses.oversight.unapproved.count).toBeGreaterThan(0);
    // Some tool now fails more often than the tool-reliability rule tolerates, over enough calls.
    const dropped = Object.entries(faulted.analyses.reliability.byTool).filter(([, rate]) => rate.rate !== null && rate.rate < (rule('tool-reliability-drop').below as number) && rate.trials >= rule('tool-reliability-drop').minSamples!);
    expect(dropped.length).toBeGreaterThan(0);
  }, 30_000);
});

describe("the demo's configuration", () => {
  it("is init's alert rules with windows a minute can fill", () => {
    for (const [demo, original] of RULES.map((r, i) => [r, DEFAULT_ALERT_RULES[i]!] as const)) {
      expect(demo.name).toBe(original.name);
      if (original.figure === undefined) expect(demo).toEqual(original);
      else {
        expect(demo).toMatchObject({ figure: original.figure, window: '5m' });
        expect(demo.minSamples).toBeLessThanOrEqual(5);
        if (original.for !== undefined) expect(demo.for).toBe('10s');
      }
    }
  });
});
