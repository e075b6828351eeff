import type { AnyCheck } from '../define-check.js';
import contextBleedIsBounded from './context-bleed-is-bounded.js';
import goalStaysInContext from './goal-stays-in-context.js';
import errorsAreNotReplayedVerbatim from './errors-are-not-replayed-verbatim.js';
import contextWindowHasHeadroom from './context-window-has-headroom.js';
import memoryStrategyRuns from './memory-strategy-runs.js';
import memoryWritesAreScopedAndAudited from './memory-writes-are-scoped-and-audited.js';
import memoryIsIsolatedBetweenTasks from './memory-is-isolated-between-tasks.js';
import toolResultsAreCondensed from './tool-results-are-condensed.js';

/** The memory-context checks, in report order. */
export const MEMORY_CONTEXT_CHECKS: readonly AnyCheck[] = [
  contextBleedIsBounded,
  goalStaysInContext,
  errorsAreNotReplayedVerbatim,
  contextWindowHasHeadroom,
  memoryStrategyRuns,
  memoryWritesAreScopedAndAudited,
  memoryIsIsolatedBetweenTasks,
  toolResultsAreCondensed,
];
