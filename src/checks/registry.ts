import type { Area } from '../model/index.js';
import type { AnyCheck } from './define-check.js';
import { ARCHITECTURE_CHECKS } from './architecture/index.js';
import { FAILURE_HANDLING_CHECKS } from './failure-handling/index.js';
import { HUMAN_OVERSIGHT_CHECKS } from './human-oversight/index.js';
import { MEMORY_CONTEXT_CHECKS } from './memory-context/index.js';

/**
 * The catalogue: an explicit, typed import list (no directory scanning), in report order.
 * Bump CATALOGUE_VERSION whenever a check is added, removed, or changes severity or evidence kinds;
 * the catalogue digest in every audit changes with them regardless.
 */
export const CATALOGUE_VERSION = '2026.11.0';

export const CHECKS: readonly AnyCheck[] = [
  ...ARCHITECTURE_CHECKS,
  ...MEMORY_CONTEXT_CHECKS,
  ...FAILURE_HANDLING_CHECKS,
  ...HUMAN_OVERSIGHT_CHECKS,
];

const CHECKS_BY_ID: ReadonlyMap<string, AnyCheck> = new Map(CHECKS.map((check) => [check.id, check]));

export function findCheck(id: string): AnyCheck | undefined {
  return CHECKS_BY_ID.get(id);
}

export function checksInArea(area: Area): readonly AnyCheck[] {
  return CHECKS.filter((check) => check.area === area);
}
