import type { RunRef } from '../../analysis/types.js';
import type { Audit } from '../../model/index.js';
import type { ReadinessChange, ReadinessPoint } from '../http/api-contract.js';
import type { CheckAtPoint } from '../store/history-types.js';

/**
 * A window's audit as a point of its history: score, verdict, areas, every check's outcome, and
 * what changed since the previous point (the checks whose outcome moved, with the runs the new
 * finding names; for a check that disappeared, the runs the old one named).
 */
export function checksOf(audit: Audit): CheckAtPoint[] {
  return audit.findings.map((finding) => ({
    id: finding.checkId,
    area: finding.area,
    title: finding.title,
    outcome: finding.outcome,
    evidence: finding.evidenceKind ?? undefined,
    summary: finding.message,
    runs: finding.references
      .filter((reference) => reference.kind === 'run')
      .map((reference): RunRef => ({ runId: reference.id, ...(reference.label !== undefined && { note: reference.label }) })),
  }));
}

/** Checks whose outcome differs between two points; none when there is no previous point to compare with. */
export function changesBetween(previous: readonly CheckAtPoint[] | undefined, current: readonly CheckAtPoint[]): ReadinessChange[] {
  if (previous === undefined) return [];
  const before = new Map(previous.map((check) => [check.id, check]));
  const after = new Map(current.map((check) => [check.id, check]));
  const changes: ReadinessChange[] = [];
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const from = before.get(id);
    const to = after.get(id);
    if (from?.outcome === to?.outcome) continue;
    changes.push({ checkId: id, from: from?.outcome ?? 'absent', to: to?.outcome ?? 'absent', runs: (to ?? from)?.runs ?? [] });
  }
  return changes.sort((a, b) => a.checkId.localeCompare(b.checkId));
}

export function pointOf(window: string, at: Date, audit: Audit, runs: number, changes: readonly ReadinessChange[]): ReadinessPoint {
  return {
    at: at.toISOString(),
    window,
    score: audit.score.overall,
    verdict: audit.score.verdict,
    // An area no counted check answered has no score (not 0): the chart leaves a gap.
    areas: audit.score.areas.map((area) => ({ area: area.area, score: area.possible > 0 ? area.score : null })),
    runs,
    changes,
  };
}
