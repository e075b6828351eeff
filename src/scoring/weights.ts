import type { Severity } from '../model/index.js';

/** DESIGN.md's severity weights; part of the formula users quote, so keep them stable. */
export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = {
  critical: 10,
  high: 7.5,
  medium: 5,
  low: 2.5,
};
