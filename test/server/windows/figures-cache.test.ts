import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeRuns } from '../../../src/analysis/index.js';
import { runFacts } from '../../../src/server/runs/assemble-run.js';
import { openDuckDbStore } from '../../../src/server/store/duckdb-store.js';
import type { ServeStore } from '../../../src/server/store/types.js';
import { FiguresCache } from '../../../src/server/windows/figures-cache.js';
import { makeRun, toolStep } from '../../support/synthetic-runs.js';

/** `/api/figures`' cache: the same figures while a window's runs are unchanged, computed again when they change. */
let store: ServeStore | undefined;
let dir: string | undefined;

afterEach(async () => {
  await store?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  store = undefined;
  dir = undefined;
});

const NOW = Date.now();
const HOUR = 3600_000;

async function putRun(target: ServeStore, id: string, startedMs: number, failed: boolean, closedAtMs = NOW): Promise<void> {
  const run = makeRun(id, [toolStep(`${id}-t`, 'lookup_order', { order: 1 }, { callId: `${id}-c`, ...(failed && { status: 'error' as const, error: { type: 'upstream_503' } }) })], {
    startedAt: new Date(startedMs).toISOString(),
  });
  await target.putRuns([{ facts: runFacts(run, `trace-${id}`, 'agent', 1, closedAtMs), run }]);
}

describe('the figures cache', () => {
  it('serves unchanged windows without analysing again, and follows new runs, closings and other windows', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mimir-figures-cache-'));
    store = await openDuckDbStore(join(dir, 'mimir.duckdb'));
    await putRun(store, 'a', NOW - 10 * 60_000, false);
    await putRun(store, 'b', NOW - 20 * 60_000, true);
    await putRun(store, 'old', NOW - 5 * HOUR, false);
    const cache = new FiguresCache(store);
    const lastHour = { fromMs: NOW - HOUR, toMs: NOW + 1 };

    const first = await cache.figures('last:1h', lastHour);
    expect(first.runs).toBe(2);
    const again = await cache.figures('last:1h', lastHour);
    expect(again).toBe(first);
    expect(cache.computed).toBe(1);

    // What a fresh analysis of the same runs says: the cache changes when, never what.
    const runs = [];
    for await (const run of store.runsInWindow(lastHour)) runs.push(run);
    expect(first.analyses).toEqual(analyzeRuns(runs));

    // A new run in the window.
    await putRun(store, 'c', NOW - 5 * 60_000, true);
    const withNew = await cache.figures('last:1h', lastHour);
    expect(withNew.runs).toBe(3);
    expect(cache.computed).toBe(2);

    // A run closed again (a late span, a label): same count, new closing time.
    await putRun(store, 'a', NOW - 10 * 60_000, true, NOW + 1000);
    const reclosed = await cache.figures('last:1h', lastHour);
    expect(reclosed).not.toBe(withNew);
    expect(reclosed.runs).toBe(3);
    // Its tool call failed this time: the figures say so.
    expect(reclosed.analyses).not.toEqual(withNew.analyses);
    expect(cache.computed).toBe(3);

    // Another window has figures of its own.
    const day = await cache.figures('last:24h', { fromMs: NOW - 24 * HOUR, toMs: NOW + 1 });
    expect(day.runs).toBe(4);
    expect(await cache.figures('last:1h', lastHour)).toBe(reclosed);
    expect(cache.computed).toBe(4);
  });
});
