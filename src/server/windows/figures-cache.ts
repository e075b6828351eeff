import { createTraceAnalyzer } from '../../analysis/index.js';
import type { TraceAnalyses } from '../../analysis/types.js';
import type { ServeStore, TimeWindow } from '../store/types.js';

/**
 * `/api/figures` per window, computed again only when the window's runs changed: the key is the
 * store's fingerprint of the window the readiness scheduler uses (how many runs started in it, the
 * latest and the sum of their closing times — a new run, a run ageing out, a late span, a label or a
 * verifier's answer all move it). A request that finds it unchanged costs one aggregate query
 * instead of reading and analysing every run. The fingerprint is taken before the runs are read, so
 * a run that lands in between makes the next request compute again, never serve stale figures.
 */
export interface WindowFigures {
  readonly runs: number;
  readonly analyses: TraceAnalyses;
}

/** Windows kept: the named ones (1h, 24h, 7d) and a few explicit ranges. */
const CAPACITY = 8;

export class FiguresCache {
  private readonly entries = new Map<string, { fingerprint: string; figures: WindowFigures }>();
  private computedCount = 0;

  constructor(private readonly store: ServeStore) {}

  /** Analyses computed since start (a request served from the cache computes none). */
  get computed(): number {
    return this.computedCount;
  }

  /** `key` names the window as asked (`last:3600000` for the last hour, `range:<from>:<to>` for a fixed one). */
  async figures(key: string, window: TimeWindow): Promise<WindowFigures> {
    const fingerprint = await this.store.windowFingerprint(window);
    const cached = this.entries.get(key);
    if (cached?.fingerprint === fingerprint) return cached.figures;
    const analyzer = createTraceAnalyzer();
    for await (const run of this.store.runsInWindow(window)) analyzer.add(run);
    const analyses = analyzer.finish();
    this.computedCount++;
    const figures = { runs: analyses.runs, analyses };
    this.entries.delete(key);
    this.entries.set(key, { fingerprint, figures });
    // The least recently computed goes first.
    if (this.entries.size > CAPACITY) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return figures;
  }
}
