import type { Step } from '../model/index.js';
import { timeMs } from './support.js';

/**
 * Steps in the order they happened: by start time when every step has one, else as recorded.
 * Mixing the two would make the order depend on the sort algorithm, so it is all or nothing.
 * The trace analyzer orders each run once and hands the order to every analysis that needs it
 * (RunAnalyzer.add's second argument); an analysis used on its own orders the run itself.
 */
export function inRunOrder(steps: readonly Step[]): readonly Step[] {
  const times = steps.map((step) => timeMs(step.startedAt));
  if (times.some((t) => t === undefined)) return steps;
  // Already in time order (the usual case): the stable sort below would return the same order.
  let sorted = true;
  for (let i = 1; i < times.length && sorted; i++) sorted = (times[i - 1] ?? 0) <= (times[i] ?? 0);
  if (sorted) return steps;
  return steps
    .map((step, index) => ({ step, index, time: times[index] ?? 0 }))
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map((entry) => entry.step);
}
