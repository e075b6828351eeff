// mini-swe-agent + Gemini 3 Pro Preview on SWE-bench Verified (run 20251118_mini-v1.15.0_gemini-3-pro-preview-20251118,
// as redistributed in gruckion/mini-swe-agent swebench_results/20251118_gemini-3-pro-74pct), converted by
// scripts/real-data/convert-swe.mjs. Published: 371 of 500 resolved (74.2%) by the SWE-bench harness.
// The committed slice is every 6th instance by id (84 runs, 66 resolved); .full/ holds all 500.
import { describe, expect, it } from 'vitest';
import { analyses, audit, finding, hasFull, type Dataset } from './support.js';

const DATASET: Dataset = 'swe-bench-verified-mini-swe-agent';
const EXPECTED = {
  slice: { runs: 84, resolved: 66, toolCalls: 3188 },
  full: { runs: 500, resolved: 371, toolCalls: 19479 },
};

for (const which of ['slice', 'full'] as const) {
  const expected = EXPECTED[which];
  describe.skipIf(which === 'full' && !hasFull(DATASET))(`SWE-bench Verified, mini-swe-agent + Gemini 3 Pro (${which})`, () => {
    it('reads every run whole, one task per run', async () => {
      const result = await audit(DATASET, which);
      expect(result.traceEvidence?.runCount).toBe(expected.runs);
      expect(result.traceEvidence?.partial).toBe(false);
      const a = analyses(result);
      expect(a.passK.tasks).toBe(expected.runs);
      expect(a.outcomes.graded).toBe(expected.runs);
      expect(a.reliability.toolSteps.trials).toBe(expected.toolCalls);
    });

    it('resolved rate matches the SWE-bench harness results', async () => {
      const a = analyses(await audit(DATASET, which));
      expect(a.outcomes.endToEnd.successes).toBe(expected.resolved);
      expect(a.outcomes.endToEnd.trials).toBe(expected.runs);
      expect(a.passK.passK[0]?.k).toBe(1);
      expect(a.passK.passK[0]?.value).toBeCloseTo(expected.resolved / expected.runs, 6);
      if (which === 'full') expect(a.outcomes.endToEnd.rate).toBeCloseTo(0.742, 6);
    });

    it('every run submitted, so every unresolved run is a silent failure', async () => {
      const result = await audit(DATASET, which);
      const a = analyses(result);
      expect(a.outcomes.claimed.success).toBe(expected.runs);
      expect(a.outcomes.silentFailures.count).toBe(expected.runs - expected.resolved);
      expect(finding(result, 'failures-are-reported-honestly').outcome).toBe('fail');
    });
  });
}
