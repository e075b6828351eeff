import { wildcardToRegExp } from '../../shared/wildcard.js';
import type { FaultDecision, FaultRule } from '../types.js';

/**
 * A scenario's fault rules, ready to answer "does a fault fire on this call?". Pure and seeded:
 * the answer depends only on (seed, rule, tool, call index), never on the order in which calls to
 * different tools arrive, so a trial can be replayed exactly.
 */
export interface FaultPlan {
  readonly rules: readonly FaultRule[];
  readonly seed: number;
  /**
   * The first rule that fires on call `callIndex` (1-based, counted per tool) of `tool`, if any.
   * A rule fires when its tool pattern matches, the call is in its `calls` list (when it has one),
   * and its seeded coin comes up (when `probability` < 1). A `flapping` rule fires only on the
   * first `failTimes` calls it would otherwise fire on; after that it no longer matches and later
   * rules are considered.
   */
  decide(tool: string, callIndex: number): FaultDecision | undefined;
}

/** `flapping` fails this many calls before it recovers, unless the rule says otherwise. */
export const DEFAULT_FLAPPING_FAIL_TIMES = 2;

export function createFaultPlan(rules: readonly FaultRule[], seed: number): FaultPlan {
  const compiled = rules.map((rule, ruleIndex) => ({ rule, ruleIndex, pattern: wildcardToRegExp(rule.tool), calls: rule.calls ? new Set(rule.calls) : undefined }));
  type Compiled = (typeof compiled)[number];

  /** Whether the rule would fire on this call, before a flapping rule's budget is taken into account. */
  const eligible = (entry: Compiled, tool: string, callIndex: number): boolean => {
    if (entry.calls && !entry.calls.has(callIndex)) return false;
    const probability = entry.rule.probability ?? 1;
    if (probability >= 1) return true;
    if (probability <= 0) return false;
    return seededUnit(seed, entry.ruleIndex, tool, callIndex) < probability;
  };

  return {
    rules,
    seed,
    decide(tool, callIndex) {
      if (!Number.isInteger(callIndex) || callIndex < 1) return undefined;
      for (const entry of compiled) {
        if (!entry.pattern.test(tool)) continue;
        if (!eligible(entry, tool, callIndex)) continue;
        if (entry.rule.kind === 'flapping') {
          // The k-th eligible call fails while k <= failTimes. Counting the earlier eligible calls
          // again (rather than keeping a counter) keeps decide() a pure function of its inputs.
          const failTimes = entry.rule.failTimes ?? DEFAULT_FLAPPING_FAIL_TIMES;
          let earlier = 0;
          for (let i = 1; i < callIndex && earlier < failTimes; i++) if (eligible(entry, tool, i)) earlier++;
          if (earlier >= failTimes) continue;
        }
        return { rule: entry.rule, ruleIndex: entry.ruleIndex };
      }
      return undefined;
    },
  };
}

/**
 * A number in [0, 1) drawn from (seed, rule index, tool, call index) alone. A small non-cryptographic
 * hash is enough: the point is reproducibility and independence between calls, not secrecy.
 */
export function seededUnit(seed: number, ruleIndex: number, tool: string, callIndex: number): number {
  let h = fnv1a(`${String(seed)}\u0000${String(ruleIndex)}\u0000${tool}\u0000${String(callIndex)}`);
  // mulberry32's output step, to spread the FNV bits across the whole word.
  h = (h + 0x6d2b79f5) | 0;
  let t = Math.imul(h ^ (h >>> 15), 1 | h);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
