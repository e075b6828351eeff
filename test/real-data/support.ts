// Shared by the real-data tests: one audit per dataset (slice or full), run once and cached.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runAuditWithEvidence, type AuditWithEvidence } from '../../src/audit/run-audit.js';
import type { Finding } from '../../src/index.js';

export const REAL = fileURLToPath(new URL('../fixtures/real/', import.meta.url));
export const FULL = `${REAL}.full/`;

export type Dataset = 'tau-bench-airline' | 'swe-bench-verified-mini-swe-agent';

/** True when the full converted dataset is present (it is git-ignored; scripts/real-data/ makes it). */
export function hasFull(dataset: Dataset): boolean {
  return existsSync(`${FULL}${dataset}/mimir.yaml`);
}

const cache = new Map<string, Promise<AuditWithEvidence>>();

/** The audit of a dataset's slice (committed) or full conversion (.full/), from its mimir.yaml. */
export function audit(dataset: Dataset, which: 'slice' | 'full' = 'slice'): Promise<AuditWithEvidence> {
  const config = `${which === 'full' ? FULL : REAL}${dataset}/mimir.yaml`;
  let result = cache.get(config);
  if (result === undefined) {
    result = runAuditWithEvidence({ config, now: new Date('2026-01-01T00:00:00Z') });
    cache.set(config, result);
  }
  return result;
}

export function finding(result: AuditWithEvidence, checkId: string): Finding {
  const found = result.audit.findings.find((f) => f.checkId === checkId);
  if (found === undefined) throw new Error(`no finding for ${checkId}`);
  return found;
}

export function analyses(result: AuditWithEvidence) {
  const evidence = result.traceEvidence;
  if (evidence === undefined) throw new Error('the audit read no traces');
  return evidence.analyses;
}
