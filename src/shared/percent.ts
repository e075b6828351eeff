/**
 * Percentages, rounded one way everywhere: the checks' measured values and messages, the analyses'
 * evidence descriptions and every report. (There were two rules, Math.round here and toFixed in the
 * reports, which could disagree by 0.1 on the same fraction.)
 */

/** A fraction as a percentage rounded to 0.1: 0.9125 → 91.3, 1 → 100. */
export function toPercent(fraction: number): number {
  return Math.round(fraction * 1000) / 10;
}

/** A fraction as text: 0.912 → "91.2%", 1 → "100%". */
export function formatPercent(fraction: number): string {
  return `${toPercent(fraction)}%`;
}
