import type { z } from 'zod';

/**
 * Adds an issue at each entry whose `name` an earlier entry of the list already took: alert rules and
 * verifiers are named in notifications, history and counters, where two of one name would be one.
 */
export function requireUniqueNames(entries: readonly { readonly name: string }[], listKey: string, what: string, context: z.RefinementCtx): void {
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    if (seen.has(entry.name)) context.addIssue({ code: 'custom', path: [listKey, index, 'name'], message: `two ${what} are named ${entry.name}; names must be unique` });
    seen.add(entry.name);
  });
}
