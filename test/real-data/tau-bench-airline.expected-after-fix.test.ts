// What a careful reader of the tau-bench airline runs says where mimir used to disagree (see
// test/fixtures/real/FINDINGS.md, sections 1 and 4). They failed before the fixes; do not weaken them.
import { describe, expect, it } from 'vitest';
import { analyses, audit, finding, hasFull, type Dataset } from './support.js';

const DATASET: Dataset = 'tau-bench-airline';

for (const which of ['slice', 'full'] as const) {
  describe.skipIf(which === 'full' && !hasFull(DATASET))(`tau-bench airline gpt-4o, after the fix (${which})`, () => {
    it('a stuck run is a failed one: 116 graded failures, 13 of them escalated (35 escalations were graded successes)', async () => {
      const result = await audit(DATASET, which);
      const stuck = analyses(result).oversight.stuck;
      // Today: 151 runs, 48 escalated — the 35 runs that correctly handed the customer to a person and were
      // graded reward 1 (e.g. tau-airline-gpt-4o/task-*/trial-* with transfer_to_human_agents and reward 1) count as stuck.
      expect(stuck.runs).toBe(116);
      expect(stuck.escalated).toBe(13);
      expect(finding(result, 'escalation-path-exists').message).toContain('103 of 116');
    });

    it('refusals the agent adapted to (another payment method, another flight) are information; identical repeats block', async () => {
      // Before: 5 runs reached three consecutive failing steps, 2 "kept going" (e.g. task-3/trial-0 tried four payment
      // methods for update_reservation_flights, each refused for a different reason, then paid by card).
      const result = await audit(DATASET, which);
      const cascades = analyses(result).cascades;
      expect(cascades.informativeFailures).toEqual({ steps: 67, runs: 36 });
      // The 6 blocking ones repeat a call that had just been refused with the same answer (task-13, task-15, task-23).
      expect(cascades.blockingFailures).toBe(6);
      expect(cascades.byLongestStreak).toEqual({ 1: 5 });
      expect(finding(result, 'cascades-halt').outcome).toBe('insufficient-evidence');
    });

    it('context bleed counts the agent\'s own output and dead ends, not the flight lists and reservations it fetched', async () => {
      // Before: partial 0.61, 78 of 200 runs "over 60%" (max 86%), the share made of search results the agent had to read.
      const result = await audit(DATASET, which);
      const bleed = finding(result, 'context-bleed-is-bounded');
      expect(bleed.outcome).toBe('pass');
      expect(bleed.message).toContain('(largest: 42%');
      expect(Math.max(...Object.keys(analyses(result).context.maxSelfSharePercentByRun).map(Number))).toBe(42);
    });

    it('a handled error counts as replayed when it travels through six or more later calls, as transcript replay does', async () => {
      // Before: fail, 32 of 32. Every run re-sends its transcript, so every handled error stays; 23 of them only for
      // the few calls of a short loop (accepted, like a short replayed conversation in context-is-assembled-deliberately).
      const result = await audit(DATASET, which);
      const echo = analyses(result).context.errorEcho;
      expect(echo).toMatchObject({ runsWithErrors: 32, runsEchoing: 32, runsEchoingLong: 9, echoingCalls: 136 });
      const replayed = finding(result, 'errors-are-not-replayed-verbatim');
      expect(replayed.outcome).toBe('partial');
      expect(replayed.credit).toBeCloseTo(23 / 32, 6);
      expect(replayed.message).toContain('9 of 32 runs');
    });

    it('the budget finding names the 50-call limit as mimir\'s default, not the agent\'s budget', async () => {
      const budget = finding(await audit(DATASET, which), 'run-budgets-are-enforced');
      expect(budget.message).toBe(
        "Runs went past their budgets: model and tool calls up to 57 (limit 50) (the limit is mimir's default; set policy.checks.run-budgets-are-enforced.maxSteps to the agent's own budget).",
      );
    });
  });
}
