import { dirname } from 'node:path';
import { analyzeRuns } from '../../analysis/index.js';
import type { LoadedConfig } from '../../audit/load-config.js';
import { durationMs } from '../../config/alerts.js';
import { DEFAULT_SERVE_CONFIG } from '../../config/serve.js';
import { AlertEngine } from '../alerts/engine.js';
import { StoredAlertState } from '../alerts/stored-state.js';
import type { ReadinessApiContext } from '../http/readiness-routes.js';
import type { SecretPattern } from '../../shared/redact.js';
import type { LiveRuns } from '../runs/live-runs.js';
import type { ServeStore } from '../store/types.js';
import { VerifierPool } from '../verifiers/verifier-pool.js';
import { ReadinessScheduler } from './scheduler.js';
import { readinessWindows } from './windows.js';

/**
 * What `mimir serve` does with closed runs besides storing them: verifiers check them, instant alert
 * rules read them, and the readiness scheduler audits each window on its tick and feeds the window
 * rules. Built from mimir.yaml (`alerts:` and `serve:`); without one, the built-in windows with the
 * default policy and no alerts or verifiers. Nothing here is on the ingestion path: the hooks on
 * closed runs only queue work.
 */
export interface MonitoringOptions {
  readonly store: ServeStore;
  readonly liveRuns: LiveRuns;
  readonly config: LoadedConfig | undefined;
  readonly log: (line: string) => void;
  readonly onError: (error: unknown) => void;
  /** Overrides `serve.evaluateEvery`. */
  readonly evaluateEveryMs?: number;
  /** Links in notifications point here (the server's own URL). */
  readonly runUrl?: (runId: string) => string;
  /** Secret patterns for the notes notifications quote; false: sent as they are (`--no-redact`). */
  readonly redaction: readonly SecretPattern[] | false;
}

export interface Monitoring {
  readonly api: ReadinessApiContext;
  readonly scheduler: ReadinessScheduler;
  readonly alerts: AlertEngine | undefined;
  readonly verifiers: VerifierPool;
  /** Lines for the server to print on start: where notifications go, which verifiers run, the windows. */
  describe(): string[];
  start(): void;
  close(): Promise<void>;
}

export function createMonitoring(options: MonitoringOptions): Monitoring {
  const { store, liveRuns, config, log, onError } = options;
  const serve = config?.config.serve ?? DEFAULT_SERVE_CONFIG;
  const configDir = config === undefined ? process.cwd() : dirname(config.path);
  const alertsConfig = config?.config.alerts;
  const alertState = alertsConfig === undefined ? undefined : new StoredAlertState(store);
  const alerts =
    alertsConfig === undefined || alertState === undefined
      ? undefined
      : new AlertEngine({ config: alertsConfig, store: alertState, log, configDir, redaction: options.redaction, ...(options.runUrl !== undefined && { runUrl: options.runUrl }) });
  const verifiers = new VerifierPool(serve.verifiers, {
    store,
    labelStored: (names, storedTraceIds) => {
      liveRuns.labelStored(names, storedTraceIds);
    },
    configDir,
    onError,
  });
  const everyMs = options.evaluateEveryMs ?? durationMs(serve.evaluateEvery) ?? 60_000;
  const scheduler = new ReadinessScheduler({
    store,
    config,
    windows: readinessWindows(serve.windows, alerts?.windows() ?? []),
    everyMs,
    ...(alerts !== undefined && { alerts }),
    onError,
    log,
  });

  liveRuns.onRunClosed((stored) => {
    verifiers.runClosed(stored);
    if (alerts?.hasInstantRules() === true) {
      // Queued in the engine, not awaited: closing runs never waits for alert evaluation or delivery.
      alerts.runClosed({ runId: stored.run.id, traces: analyzeRuns([stored.run]) }, new Date()).catch(onError);
    }
  });

  return {
    api: { store, scheduler, alertsConfig, alerts, alertState, verifiers },
    scheduler,
    alerts,
    verifiers,
    describe: () => [
      `readiness: windows ${scheduler.windows.map((window) => window.name).join(', ')}, evaluated every ${everyMs} ms (recomputed only when their runs or evidence changed); ${config === undefined ? 'no mimir.yaml: default policy, no answers or probes' : `audited with ${config.path}`}`,
      `alerts: ${alerts?.describeDelivery() ?? 'no rules (alerts in mimir.yaml)'}`,
      verifiers.describe(),
    ],
    start: () => {
      scheduler.start();
    },
    async close() {
      await scheduler.stop();
      await verifiers.stop();
      await alerts?.close();
    },
  };
}
