import type { AnyCheck } from '../define-check.js';

/** The memory-context checks, in report order. */
export const MEMORY_CONTEXT_CHECKS: readonly AnyCheck[] = [];
