import { describe, expect, it } from 'vitest';
import type { FaultRule } from '../types.js';
import { createFaultPlan, DEFAULT_FLAPPING_FAIL_TIMES, seededUnit } from './fault-plan.js';

/** The kinds a plan decides on call 1..n of a tool ('-' where no fault fires). */
function kinds(rules: readonly FaultRule[], tool: string, n: number, seed = 7): string[] {
  const plan = createFaultPlan(rules, seed);
  return Array.from({ length: n }, (_, i) => plan.decide(tool, i + 1)?.rule.kind ?? '-');
}

describe('createFaultPlan', () => {
  it('fires on every call of an exact tool and on no other tool', () => {
    const plan = createFaultPlan([{ tool: 'get_order', kind: 'error' }], 1);
    expect(plan.decide('get_order', 1)).toEqual({ rule: { tool: 'get_order', kind: 'error' }, ruleIndex: 0 });
    expect(plan.decide('get_order', 9)?.ruleIndex).toBe(0);
    expect(plan.decide('get_orders', 1)).toBeUndefined();
  });

  it('matches wildcard tool patterns', () => {
    const plan = createFaultPlan([{ tool: 'send_*', kind: 'rate-limited' }, { tool: 'get_?', kind: 'empty' }], 1);
    expect(plan.decide('send_email', 1)?.rule.kind).toBe('rate-limited');
    expect(plan.decide('get_x', 1)?.rule.kind).toBe('empty');
    expect(plan.decide('get_xy', 1)).toBeUndefined();
    expect(createFaultPlan([{ tool: '*', kind: 'latency' }], 1).decide('anything', 3)?.rule.kind).toBe('latency');
  });

  it('applies a rule only to the listed calls', () => {
    expect(kinds([{ tool: 'echo', kind: 'error', calls: [2, 4] }], 'echo', 5)).toEqual(['-', 'error', '-', 'error', '-']);
  });

  it('picks the first matching rule, in plan order', () => {
    const plan = createFaultPlan([{ tool: 'echo', kind: 'truncated', calls: [1] }, { tool: '*', kind: 'error' }], 1);
    expect(plan.decide('echo', 1)).toMatchObject({ ruleIndex: 0, rule: { kind: 'truncated' } });
    expect(plan.decide('echo', 2)).toMatchObject({ ruleIndex: 1, rule: { kind: 'error' } });
  });

  it('flapping fails the first failTimes calls, then recovers', () => {
    expect(DEFAULT_FLAPPING_FAIL_TIMES).toBe(2);
    expect(kinds([{ tool: 'echo', kind: 'flapping' }], 'echo', 4)).toEqual(['flapping', 'flapping', '-', '-']);
    expect(kinds([{ tool: 'echo', kind: 'flapping', failTimes: 3 }], 'echo', 5)).toEqual(['flapping', 'flapping', 'flapping', '-', '-']);
    expect(kinds([{ tool: 'echo', kind: 'flapping', failTimes: 0 }], 'echo', 2)).toEqual(['-', '-']);
  });

  it('flapping counts only the calls it applies to, and falls through to later rules once recovered', () => {
    expect(kinds([{ tool: 'echo', kind: 'flapping', calls: [2, 3, 5], failTimes: 2 }], 'echo', 6)).toEqual(['-', 'flapping', 'flapping', '-', '-', '-']);
    expect(kinds([{ tool: 'echo', kind: 'flapping', failTimes: 1 }, { tool: 'echo', kind: 'latency' }], 'echo', 3)).toEqual(['flapping', 'latency', 'latency']);
  });

  it('persistent fires on every call', () => {
    expect(kinds([{ tool: 'echo', kind: 'persistent' }], 'echo', 6)).toEqual(Array(6).fill('persistent'));
  });

  it('never fires on a probability of 0 and always on 1', () => {
    expect(kinds([{ tool: 'echo', kind: 'error', probability: 0 }], 'echo', 50)).toEqual(Array(50).fill('-'));
    expect(kinds([{ tool: 'echo', kind: 'error', probability: 1 }], 'echo', 50)).toEqual(Array(50).fill('error'));
  });

  it('ignores call indices that are not 1-based integers', () => {
    const plan = createFaultPlan([{ tool: 'echo', kind: 'error' }], 1);
    expect(plan.decide('echo', 0)).toBeUndefined();
    expect(plan.decide('echo', 1.5)).toBeUndefined();
  });
});

describe('seeding', () => {
  const rules: FaultRule[] = [{ tool: '*', kind: 'error', probability: 0.5 }];

  it('makes the same decisions for the same seed', () => {
    expect(kinds(rules, 'get_order', 200, 42)).toEqual(kinds(rules, 'get_order', 200, 42));
  });

  it('makes different decisions for different seeds when probability < 1', () => {
    expect(kinds(rules, 'get_order', 200, 42)).not.toEqual(kinds(rules, 'get_order', 200, 43));
  });

  it('fires at about the stated rate', () => {
    const fired = kinds([{ tool: '*', kind: 'error', probability: 0.3 }], 'echo', 4000, 5).filter((k) => k !== '-').length;
    expect(fired / 4000).toBeGreaterThan(0.26);
    expect(fired / 4000).toBeLessThan(0.34);
  });

  it('does not depend on how calls to different tools interleave', () => {
    const plan = createFaultPlan(rules, 9);
    const alone = Array.from({ length: 50 }, (_, i) => plan.decide('a', i + 1)?.ruleIndex);
    const interleaved: (number | undefined)[] = [];
    const other = createFaultPlan(rules, 9);
    for (let i = 1; i <= 50; i++) {
      other.decide('b', i);
      interleaved.push(other.decide('a', i)?.ruleIndex);
      other.decide('b', i + 100);
    }
    expect(interleaved).toEqual(alone);
  });

  it('draws from [0, 1) and differs by tool and by rule', () => {
    const draws = [seededUnit(1, 0, 'a', 1), seededUnit(1, 1, 'a', 1), seededUnit(1, 0, 'b', 1), seededUnit(1, 0, 'a', 2)];
    for (const draw of draws) {
      expect(draw).toBeGreaterThanOrEqual(0);
      expect(draw).toBeLessThan(1);
    }
    expect(new Set(draws).size).toBe(4);
  });

  it('keeps a flapping rule with a probability reproducible', () => {
    const flapping: FaultRule[] = [{ tool: 'echo', kind: 'flapping', probability: 0.5, failTimes: 3 }];
    const first = kinds(flapping, 'echo', 30, 3);
    expect(first).toEqual(kinds(flapping, 'echo', 30, 3));
    expect(first.filter((k) => k === 'flapping')).toHaveLength(3);
  });
});
