import type { AnyCheck } from '../define-check.js';

/** The human-oversight checks, in report order. */
export const HUMAN_OVERSIGHT_CHECKS: readonly AnyCheck[] = [];
