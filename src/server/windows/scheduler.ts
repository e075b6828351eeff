import { createTraceAnalyzer } from '../../analysis/index.js';
import type { LoadedConfig } from '../../audit/load-config.js';
import type { AlertEngine } from '../alerts/engine.js';
import type { WindowSnapshot } from '../alerts/types.js';
import type { CheckAtPoint } from '../store/history-types.js';
import type { ServeStore } from '../store/types.js';
import { auditWindow, loadOutsideEvidence, type OutsideEvidence } from './window-audit.js';
import { changesBetween, checksOf, pointOf } from './readiness-point.js';
import type { ReadinessWindow } from './windows.js';

/**
 * Readiness over time. On every tick, each window is looked at: when what its audit depends on is
 * unchanged — the same runs started in it, none closed again since (a late span, a label or a
 * verifier's answer closes a run again and moves its `closed_ms`), the same answers file and probe
 * results, the same day — the last snapshot is reused and no point is stored. Otherwise its runs
 * are analysed as `/api/figures` does, audited with the outside evidence, and stored as a point with
 * the checks that changed. One read of the longest window that needs work serves every shorter
 * one. The alert engine gets every window's snapshot at every tick (its `for` clocks need the ticks,
 * not the changes).
 */
export interface SchedulerOptions {
  readonly store: ServeStore;
  readonly config: LoadedConfig | undefined;
  readonly windows: readonly ReadinessWindow[];
  readonly everyMs: number;
  readonly alerts?: AlertEngine;
  readonly onError: (error: unknown) => void;
  readonly log: (line: string) => void;
  readonly now?: () => number;
}

interface WindowState {
  readonly fingerprint: string;
  readonly snapshot: WindowSnapshot;
  readonly checks: readonly CheckAtPoint[];
}

export class ReadinessScheduler {
  private readonly last = new Map<string, WindowState>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private nextAtMs: number | undefined;
  private lastWarnings = '';
  private computed = 0;
  private readonly now: () => number;

  constructor(private readonly options: SchedulerOptions) {
    this.now = options.now ?? Date.now;
  }

  get windows(): readonly ReadinessWindow[] {
    return this.options.windows;
  }

  /** Window audits computed since start (a tick that reuses a snapshot computes none). */
  get recomputed(): number {
    return this.computed;
  }

  nextAt(): Date | undefined {
    return this.nextAtMs === undefined ? undefined : new Date(this.nextAtMs);
  }

  start(): void {
    const run = (): void => {
      this.nextAtMs = this.now() + this.options.everyMs;
      void this.tick();
    };
    run();
    this.timer = setInterval(run, this.options.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.nextAtMs = undefined;
    await this.running;
  }

  /** One evaluation of every window; a tick while one runs waits for it instead of overlapping. */
  tick(): Promise<void> {
    this.running ??= this.evaluate()
      .catch((error: unknown) => {
        this.options.onError(error);
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async evaluate(): Promise<void> {
    const nowMs = this.now();
    const now = new Date(nowMs);
    const outside = await loadOutsideEvidence(this.options.config, now);
    this.warnOnce(outside);
    const due: { window: ReadinessWindow; fingerprint: string }[] = [];
    for (const window of this.options.windows) {
      const fingerprint = `${await this.options.store.windowFingerprint(rangeOf(window, nowMs))}|${outside.digest}`;
      if (this.last.get(window.name)?.fingerprint !== fingerprint) due.push({ window, fingerprint });
    }
    if (due.length > 0) await this.recompute(due, outside, now);
    if (this.options.alerts !== undefined) {
      const snapshots = new Map<number, WindowSnapshot>();
      for (const window of this.options.windows) snapshots.set(window.ms, this.last.get(window.name)?.snapshot ?? {});
      await this.options.alerts.evaluateWindows(snapshots, now);
    }
  }

  private async recompute(due: readonly { window: ReadinessWindow; fingerprint: string }[], outside: OutsideEvidence, now: Date): Promise<void> {
    const nowMs = now.getTime();
    const longest = Math.max(...due.map(({ window }) => window.ms));
    const analyzers = due.map(({ window }) => ({ fromMs: nowMs - window.ms, analyzer: createTraceAnalyzer(), damaged: 0 }));
    for await (const run of this.options.store.runsInWindow({ fromMs: nowMs - longest, toMs: nowMs + 1 })) {
      const startedMs = run.startedAt === undefined ? Number.NaN : Date.parse(run.startedAt);
      for (const entry of analyzers) {
        if (!(startedMs >= entry.fromMs)) continue;
        entry.analyzer.add(run);
        if (run.damaged === true) entry.damaged++;
      }
    }
    for (const [index, { window, fingerprint }] of due.entries()) {
      const entry = analyzers[index];
      if (entry === undefined) continue;
      const analyses = entry.analyzer.finish();
      const traces = analyses.runs > 0 ? analyses : undefined;
      const audit = auditWindow(this.options.config, traces, entry.damaged, outside, now);
      this.computed++;
      const checks = checksOf(audit);
      const previous = this.last.get(window.name) ?? (await this.storedState(window.name));
      this.last.set(window.name, { fingerprint, snapshot: { ...(traces && { traces }), audit }, checks });
      // After a restart the first evaluation finds the stored point still true: no new point for it.
      if (previous?.fingerprint === fingerprint) continue;
      const point = pointOf(window.name, now, audit, analyses.runs, changesBetween(previous?.checks, checks));
      await this.options.store.putReadinessPoint({ point, fingerprint, checks });
    }
  }

  private async storedState(window: string): Promise<Omit<WindowState, 'snapshot'> | undefined> {
    const [stored] = await this.options.store.readinessPoints(window, 1);
    return stored === undefined ? undefined : { fingerprint: stored.fingerprint, checks: stored.checks };
  }

  private warnOnce(outside: OutsideEvidence): void {
    const text = outside.warnings.join('\n');
    if (text !== '' && text !== this.lastWarnings) for (const warning of outside.warnings) this.options.log(`readiness: ${warning}`);
    this.lastWarnings = text;
  }
}

const rangeOf = (window: ReadinessWindow, nowMs: number) => ({ fromMs: nowMs - window.ms, toMs: nowMs + 1 });
