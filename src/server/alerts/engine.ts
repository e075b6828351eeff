import { resolve } from 'node:path';
import { durationMs, type AlertsConfig, type InstantRuleConfig, type WindowRuleConfig } from '../../config/alerts.js';
import { commandTarget } from './delivery/command.js';
import type { DeliveryTarget } from './delivery/attempt.js';
import { AlertDispatcher, type DispatcherOptions, type TargetStats } from './delivery/dispatcher.js';
import { webhookTarget } from './delivery/webhook.js';
import { evaluateWindowRules, type EvaluationResult } from './evaluate.js';
import { anyInstantRuleOffended, evaluateInstantRulesForRuns } from './instant.js';
import type { LinkOptions } from './notification.js';
import type { AlertStateStore } from './state-store.js';
import type { AlertNotification, AlertState, ClosedRun, WindowSnapshots } from './types.js';

export interface AlertEngineOptions extends LinkOptions {
  readonly config: AlertsConfig;
  readonly store: AlertStateStore;
  /** The server's log: delivery events, and the notifications themselves when no target is configured. */
  readonly log: (line: string) => void;
  /** mimir.yaml's folder: delivery commands run there. */
  readonly configDir?: string;
  /** For tests: timers and randomness of the retries. */
  readonly sleep?: DispatcherOptions['sleep'];
  readonly random?: DispatcherOptions['random'];
  /** For tests: targets instead of the configured ones. */
  readonly targets?: readonly DeliveryTarget[];
}

/** With no delivery configured, notifications go to the server's log, one JSON line each, so none is lost unseen. */
function logTarget(log: (line: string) => void): DeliveryTarget {
  return {
    name: 'the server log',
    send(notification) {
      log(`alert ${notification.summary} ${JSON.stringify(notification)}`);
      return Promise.resolve({ outcome: 'delivered' });
    },
  };
}

export function deliveryTargets(config: AlertsConfig, log: (line: string) => void, configDir = '.'): DeliveryTarget[] {
  if (config.delivery.length === 0) return [logTarget(log)];
  return config.delivery.map((target) =>
    'webhook' in target
      ? webhookTarget({ url: target.webhook.url, timeoutMs: target.webhook.timeoutMs, ...(target.webhook.headers !== undefined && { headers: target.webhook.headers }) })
      : commandTarget({ command: target.command, timeoutMs: target.timeoutMs, cwd: resolve(configDir) }),
  );
}

/**
 * The alerting engine as the server drives it: it evaluates window rules on the snapshots the
 * server computes (`windows()` says which) and instant rules on each closed run, keeps state and
 * history in the server's store, and hands notifications to delivery without waiting for it.
 * Evaluations run one at a time, so two never read the same state and both write it.
 */
export class AlertEngine {
  private readonly windowRules: readonly WindowRuleConfig[];
  private readonly instantRules: readonly InstantRuleConfig[];
  private readonly dispatcher: AlertDispatcher;
  private readonly targets: readonly DeliveryTarget[];
  private queue: Promise<unknown> = Promise.resolve();
  /** Closed runs waiting for the next instant evaluation, and that evaluation (queued, not started). */
  private pendingRuns: { run: ClosedRun; now: Date }[] = [];
  private pendingStep: Promise<readonly AlertNotification[]> | undefined;

  constructor(private readonly options: AlertEngineOptions) {
    const { config } = options;
    this.windowRules = config.rules.filter((rule): rule is WindowRuleConfig => 'figure' in rule);
    this.instantRules = config.rules.filter((rule): rule is InstantRuleConfig => 'event' in rule);
    this.targets = options.targets ?? deliveryTargets(config, options.log, options.configDir);
    this.dispatcher = new AlertDispatcher(this.targets, {
      capacity: config.queueCapacity,
      retry: { attempts: config.retry.attempts, initialDelayMs: durationMs(config.retry.initialDelay) ?? 1000, maxDelayMs: durationMs(config.retry.maxDelay) ?? 300_000 },
      log: options.log,
      ...(options.sleep !== undefined && { sleep: options.sleep }),
      ...(options.random !== undefined && { random: options.random }),
    });
  }

  /** The window lengths (ms) the rules read: the server computes a snapshot for each. */
  windows(): number[] {
    return [...new Set(this.windowRules.map((rule) => durationMs(rule.window) ?? 0))].sort((a, b) => a - b);
  }

  /** Whether any rule reads closed runs one by one (the server skips analysing each run alone when none does). */
  hasInstantRules(): boolean {
    return this.instantRules.length > 0;
  }

  /** Where notifications go, in words: the server says it when it starts (`this log`) and the API names its log. */
  describeDelivery(log = 'this log'): string {
    if (this.options.config.delivery.length === 0) return `no delivery configured (alerts.delivery in mimir.yaml); notifications are written to ${log}`;
    return `notifications go to ${this.targets.map((target) => target.name).join(', ')}`;
  }

  evaluateWindows(snapshots: WindowSnapshots, now: Date): Promise<readonly AlertNotification[]> {
    return this.step((state) => evaluateWindowRules(this.windowRules, snapshots, state, now, this.options));
  }

  /**
   * A closed run for the instant rules. A run no rule finds an offence in is not queued (under load
   * that was a load and a save of the state per run, and a queue that grew without bound); runs that
   * arrive while an evaluation waits join it, so the queue holds one evaluation at most. Resolves
   * with the notifications of the evaluation the run was part of.
   */
  runClosed(run: ClosedRun, now: Date): Promise<readonly AlertNotification[]> {
    if (!anyInstantRuleOffended(this.instantRules, run)) return Promise.resolve([]);
    this.pendingRuns.push({ run, now });
    this.pendingStep ??= this.step((state) => {
      const runs = this.pendingRuns;
      this.pendingRuns = [];
      this.pendingStep = undefined;
      return evaluateInstantRulesForRuns(this.instantRules, runs, state, this.options);
    });
    return this.pendingStep;
  }

  stats(): TargetStats[] {
    return this.dispatcher.stats();
  }

  /** Resolves once every queued notification has been delivered or given up on. */
  idle(): Promise<void> {
    return this.dispatcher.idle();
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  private step(evaluate: (state: AlertState) => EvaluationResult): Promise<readonly AlertNotification[]> {
    const next = this.queue.then(async () => {
      const result = evaluate(await this.options.store.load());
      // State first: once saved, a crash cannot send a notification twice (at most once, as the history records).
      await this.options.store.save(result.state);
      if (result.history.length > 0) await this.options.store.appendHistory(result.history);
      this.dispatcher.enqueue(result.notifications);
      return result.notifications;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
