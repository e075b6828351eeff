// tau-bench airline, gpt-4o tool-calling agent: sierra-research/tau-bench historical_trajectories/gpt-4o-airline.json,
// 50 tasks x 4 trials, converted by scripts/real-data/convert-tau-bench.mjs (the committed slice is the whole dataset).
// Published (tau-bench README, Airline, TC (gpt-4o)): pass^1 0.420, pass^2 0.273, pass^3 0.220, pass^4 0.200.
import { describe, expect, it } from 'vitest';
import { analyses, audit, finding, hasFull, type Dataset } from './support.js';

const DATASET: Dataset = 'tau-bench-airline';
const PUBLISHED_PASS_K = [0.42, 0.273, 0.22, 0.2];

for (const which of ['slice', 'full'] as const) {
  describe.skipIf(which === 'full' && !hasFull(DATASET))(`tau-bench airline gpt-4o (${which})`, () => {
    it('reads every run whole: 200 runs of 50 tasks, 4 trials each, nothing damaged', async () => {
      const result = await audit(DATASET, which);
      expect(result.traceEvidence?.runCount).toBe(200);
      expect(result.traceEvidence?.partial).toBe(false);
      const a = analyses(result);
      expect(a.passK.tasks).toBe(50);
      expect(a.passK.trialsPerTask).toEqual({ min: 4, max: 4 });
      expect(a.outcomes.graded).toBe(200);
    });

    it('success rate and pass^k match the published numbers', async () => {
      const a = analyses(await audit(DATASET, which));
      expect(a.outcomes.endToEnd.successes).toBe(84);
      expect(a.outcomes.endToEnd.trials).toBe(200);
      const passK = a.passK.passK.map((p) => p.value);
      expect(passK).toHaveLength(4);
      passK.forEach((value, index) => {
        expect(value).toBeCloseTo(PUBLISHED_PASS_K[index]!, 3);
      });
    });

    it('counts the tool calls and the tool errors tau-bench returned ("Error: …")', async () => {
      const a = analyses(await audit(DATASET, which));
      // 1164 tool messages in the source, 73 of them "Error: …" (the environment caught the tool's exception).
      expect(a.reliability.toolSteps.trials).toBe(1164);
      expect(a.reliability.toolSteps.trials - a.reliability.toolSteps.successes).toBe(73);
      // 48 runs called transfer_to_human_agents: the only claim tau-bench agents make.
      expect(a.outcomes.claimed).toEqual({ success: 0, failure: 0, escalated: 48, unknown: 152 });
    });

    it('finds no value of one task in another task (tasks share no customer data)', async () => {
      const result = await audit(DATASET, which);
      expect(analyses(result).isolation.leakedValues).toBe(0);
      expect(finding(result, 'memory-is-isolated-between-tasks').outcome).toBe('pass');
    });

    it('sees the transcript replayed on every call (the tool-calling agent re-sends the whole conversation)', async () => {
      const result = await audit(DATASET, which);
      // Every run replays; the 28 whose conversation ended before six calls carry little stale and
      // are not held against it (the check accepts a short replayed loop), so it is all but failed.
      const assembled = finding(result, 'context-is-assembled-deliberately');
      expect(assembled.outcome).toBe('partial');
      expect(assembled.credit).toBeLessThan(0.2);
      expect(assembled.message).toContain('171 of 199 runs replay the transcript over 6 or more model calls');
      expect(finding(result, 'goal-stays-in-context').outcome).toBe('pass');
    });
  });
}
