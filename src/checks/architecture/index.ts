import type { AnyCheck } from '../define-check.js';

/** The architecture checks, in report order. */
export const ARCHITECTURE_CHECKS: readonly AnyCheck[] = [];
