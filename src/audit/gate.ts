import type { Audit, Verdict } from '../model/index.js';
import { formatScore } from '../scoring/index.js';

export type FailOn = Verdict | 'none';

export interface GateOptions {
  /** Fail when the verdict is this or worse: `red` fails only red, `yellow` fails yellow and red. */
  readonly failOn: FailOn;
  readonly minScore?: number;
}

export interface GateResult {
  readonly passed: boolean;
  readonly reasons: readonly string[];
}

const VERDICT_RANK: Readonly<Record<Verdict, number>> = { green: 0, yellow: 1, red: 2 };

/** Decides the CI exit code: within the gate → 0, outside → 1. */
export function applyGate(audit: Audit, options: GateOptions): GateResult {
  const reasons: string[] = [];
  const { verdict, overall } = audit.score;
  if (options.failOn !== 'none' && VERDICT_RANK[verdict] >= VERDICT_RANK[options.failOn]) {
    reasons.push(`verdict is ${verdict} (--fail-on ${options.failOn})`);
  }
  if (options.minScore !== undefined && overall < options.minScore) {
    reasons.push(`overall score ${formatScore(overall)} is below --min-score ${options.minScore}`);
  }
  return { passed: reasons.length === 0, reasons };
}
