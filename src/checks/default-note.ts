/**
 * Where a threshold nobody set decides a finding, the finding says so and where to set it: a reader
 * must not take mimir's guess for the team's own limit. Empty when the option was set.
 */
export function defaultNote(defaulted: ReadonlySet<string>, checkId: string, option: string, value: number | string): string {
  return defaulted.has(option) ? ` (${value} is mimir's default; set policy.checks.${checkId}.${option})` : '';
}
