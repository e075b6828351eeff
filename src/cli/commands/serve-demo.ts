import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoConfigYaml } from '../../server/demo/demo-config.js';
import { replayDemo, type DemoProgress, type DemoReplaySummary } from '../../server/demo/replay.js';
import type { RunningServer } from '../../server/serve.js';
import type { CliIo } from '../io.js';
import { DEFAULT_ALERT_RULES } from './init-alerts.js';

/** The demo's pace: about a minute, the naive build from a third of the way, a run every ~0.75 s. */
export const DEMO_DEFAULTS = { seconds: 60, faultAtShare: 1 / 3, runsPerSecond: 4 / 3 } as const;

export interface DemoSetup {
  /** A fresh temporary directory: the demo never touches the user's `.mimir/`. */
  readonly dataDir: string;
  /** The demo's own mimir.yaml (tools, and init's alert rules with short windows), unless one was given. */
  readonly configPath: string | undefined;
  /** Removes the temporary directory. */
  dispose(): Promise<void>;
}

export async function prepareDemo(givenConfig: boolean): Promise<DemoSetup> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mimir-demo-'));
  let configPath: string | undefined;
  if (!givenConfig) {
    configPath = join(dataDir, 'mimir.yaml');
    await writeFile(configPath, demoConfigYaml(DEFAULT_ALERT_RULES));
  }
  return { dataDir, configPath, dispose: () => rm(dataDir, { recursive: true, force: true }) };
}

/** Starts the replay against the running server, narrating on stderr; `stop` ends it early. */
export function startDemoReplay(server: RunningServer, token: string | undefined, seconds: number, io: CliIo): { readonly done: Promise<DemoReplaySummary | undefined>; stop(): Promise<void> } {
  const abort = new AbortController();
  const durationMs = seconds * 1000;
  io.stderr.write(
    `demo: replaying the example back-office agent's recorded runs to ${server.url} over ${seconds} s: first its hardened build,\n` +
      `      then at ${Math.round(seconds * DEMO_DEFAULTS.faultAtShare)} s its naive build takes over (no approvals, tool errors swallowed behind "Done").\n` +
      `      Watch the web UI at ${server.url}/ (overview, runs, alerts) move; the alerts fire in this log too.\n`,
  );
  const done = replayDemo({
    url: server.url,
    token,
    durationMs,
    faultAtMs: durationMs * DEMO_DEFAULTS.faultAtShare,
    runs: Math.max(2, Math.round(seconds * DEMO_DEFAULTS.runsPerSecond)),
    signal: abort.signal,
    onProgress: (event) => {
      const line = narrate(event);
      if (line !== undefined) io.stderr.write(`${line}\n`);
    },
  }).then(
    (summary) => {
      io.stderr.write(`demo: replayed ${summary.sent.hardened} hardened and ${summary.sent.naive} naive runs (${summary.labelled} graded); the server keeps running until Ctrl-C\n`);
      return summary;
    },
    (error: unknown) => {
      if (abort.signal.aborted) return undefined;
      io.stderr.write(`demo: the replay stopped: ${error instanceof Error ? error.message : String(error)}\n`);
      return undefined;
    },
  );
  return {
    done,
    async stop() {
      abort.abort();
      await done;
    },
  };
}

function narrate(event: DemoProgress): string | undefined {
  const at = `${(event.kind === 'refused' ? 0 : event.atMs / 1000).toFixed(0).padStart(3)} s`;
  switch (event.kind) {
    case 'phase':
      return event.build === 'hardened'
        ? `demo: ${at}  hardened build: approval before every refund, email and deletion; capped retries; honest failures`
        : `demo: ${at}  FAULT: the naive build is deployed — high-risk calls unapproved, failed tools reported as done`;
    case 'run':
      return event.sent % 10 === 0 ? `demo: ${at}  ${event.sent} runs sent` : undefined;
    case 'refused':
      return `demo: the server refused the ${event.what} (HTTP ${event.status}): ${event.reason}`;
  }
}
