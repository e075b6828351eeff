import type { Verdict, VerdictThresholds } from '../../model/index.js';

/** The colour band of an area score under the policy: below the red line, below the green line, or at it. */
export function areaBand(score: number, thresholds: VerdictThresholds): Verdict {
  if (score < thresholds.redAreaBelow) return 'red';
  return score < thresholds.greenAreaAtLeast ? 'yellow' : 'green';
}

/** The band of the overall score alone; the verdict may still be worse (a critical check, an area). */
export function overallBand(score: number, thresholds: VerdictThresholds): Verdict {
  if (score < thresholds.redOverallBelow) return 'red';
  return score < thresholds.greenOverallAtLeast ? 'yellow' : 'green';
}
