import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { InternalError } from '../../shared/errors.js';
import { runBounded, runBoundedSettled } from './pool.js';

describe('runBounded', () => {
  it('never has more than `concurrency` items in flight, and keeps the items’ order', async () => {
    let inFlight = 0;
    let most = 0;
    const items = Array.from({ length: 25 }, (_, i) => i);
    const results = await runBounded(items, 4, async (item, index) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await sleep((item * 7) % 13);
      inFlight--;
      return `${item}@${index}`;
    });
    expect(most).toBe(4);
    expect(results).toEqual(items.map((i) => `${i}@${i}`));
  });

  it('runs every item when some fail, then throws the error of the first failed item', async () => {
    const ran: number[] = [];
    const error = await runBounded([0, 1, 2, 3, 4, 5], 2, async (item) => {
      await sleep(item === 1 ? 20 : 1);
      ran.push(item);
      if (item === 1) throw new Error('one failed');
      if (item === 4) throw new Error('four failed');
      // A work function that throws before its first await is a failure like any other.
      return item;
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('one failed');
    expect(ran.sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reports each item’s outcome when asked for settled results', async () => {
    const settled = await runBoundedSettled(['a', 'b', 'c'], 5, (item) => {
      if (item === 'b') throw new Error('b failed');
      return Promise.resolve(item.toUpperCase());
    });
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 'A' });
  });

  it('handles no items, and more workers than items', async () => {
    expect(await runBounded([], 3, () => Promise.resolve(1))).toEqual([]);
    expect(await runBounded([1, 2], Infinity, (n) => Promise.resolve(n * 2))).toEqual([2, 4]);
  });

  it('refuses a concurrency below 1', async () => {
    await expect(runBounded([1], 0, () => Promise.resolve(1))).rejects.toBeInstanceOf(InternalError);
    await expect(runBounded([1], Number.NaN, () => Promise.resolve(1))).rejects.toBeInstanceOf(InternalError);
  });
});
