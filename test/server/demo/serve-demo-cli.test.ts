import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serveCommand } from '../../../src/cli/commands/serve.js';
import type { CliIo } from '../../../src/cli/io.js';
import { tempProject } from '../../support/run-cli.js';
import { eventually, getJson } from '../support.js';

/** `mimir serve --demo` as the CLI runs it: its own config and temporary data, narrated, cleaned up on stop. */
describe('mimir serve --demo', () => {
  it("replays to itself from a temporary directory, leaves the user's .mimir alone, and removes its data on stop", async () => {
    const project = tempProject({});
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, stdinIsTTY: false, env: {}, cwd: project };
    let stop = (): void => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const exit = serveCommand({ config: 'mimir.yaml', configExplicit: false, host: '127.0.0.1', port: 0, data: '.mimir', quietMs: 100, redact: true, demo: true, demoSeconds: 10 }, io, stopped);
    const base = await eventually(async () => Promise.resolve(/listening on (\S+)/.exec(stdout)?.[1]), 15_000, 'the server to listen');
    const dataDir = /store: (\S+)\/mimir\.duckdb/.exec(stderr)?.[1];
    expect(dataDir).toContain('mimir-demo-');
    await eventually(() => Promise.resolve(stderr.includes('demo: replayed') ? true : undefined), 20_000, 'the replay to finish');
    expect(stderr).toMatch(/FAULT: the naive build is deployed/);
    const replayed = /replayed (\d+) hardened and (\d+) naive runs \((\d+) graded\)/.exec(stderr);
    expect(Number(replayed?.[1])).toBeGreaterThan(0);
    expect(Number(replayed?.[2])).toBeGreaterThan(Number(replayed?.[1]));
    const total = Number(replayed?.[1]) + Number(replayed?.[2]);
    const health = await eventually(async () => {
      const { body } = await getJson(`${base}/api/health`);
      const counts = body as { stored: { runs: number }; openRuns: number };
      return counts.stored.runs === total && counts.openRuns === 0 ? counts : undefined;
    }, 20_000, 'the replayed runs to close');
    expect(health.stored.runs).toBe(total);
    // The naive build's silent failures fire the window rule the demo's config carries (init's, with
    // short windows), as a newcomer watching the demo would see it: evaluated every 5 s, pending for 10 s.
    const firing = await eventually(async () => {
      const { body } = await getJson(`${base}/api/alerts`);
      const series = (body as { series: { rule: string; status: string }[] }).series;
      const found = series.find((entry) => entry.rule === 'silent-failures' && entry.status === 'firing');
      return found;
    }, 45_000, 'the silent-failures alert to fire');
    expect(firing).toBeDefined();
    // The state is saved (and shown by the API) before the notification goes to delivery, here the
    // log (alerts/engine.ts: at most once): the line follows a moment later.
    await eventually(() => Promise.resolve(/alert silent-failures firing/.test(stderr) ? true : undefined), 10_000, 'the firing notification in the log');
    stop();
    expect(await exit).toBe(0);
    expect(existsSync(dataDir!)).toBe(false);
    expect(existsSync(`${project}/.mimir`)).toBe(false);
  }, 110_000);
});
