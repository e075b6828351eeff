import type { AnyCheck } from '../define-check.js';
import retriesAreBounded from './retries-are-bounded.js';

/** The failure-handling checks, in report order. */
export const FAILURE_HANDLING_CHECKS: readonly AnyCheck[] = [retriesAreBounded];
