import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuditWithEvidence, type AuditWithEvidence } from '../../src/audit/run-audit.js';

/**
 * The story `npm start` tells, asserted end to end: the three example systems in examples/agents,
 * audited from their recorded traces and a fresh probe run of the real agents (Vercel AI SDK, a
 * scripted model, the back-office MCP server behind mimir's proxy) with the catalogue and policy any
 * user gets. Nothing here is forced: each verdict comes out of the evidence.
 *
 * Each variant is copied to a scratch directory first, so probe output never mixes with `npm start`'s.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLES = join(ROOT, 'examples');

async function auditVariant(variant: string): Promise<AuditWithEvidence> {
  // Inside the repository (under the ignored .mimir/), so the copies resolve the repo's node_modules.
  mkdirSync(join(ROOT, '.mimir'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.mimir', `e2e-${variant}-`));
  scratch.push(dir);
  cpSync(join(EXAMPLES, 'agents'), join(dir, 'agents'), { recursive: true, filter: (path) => !path.includes('.mimir') });
  cpSync(join(EXAMPLES, 'back-office'), join(dir, 'back-office'), { recursive: true });
  return runAuditWithEvidence({ config: join(dir, 'agents', variant, 'mimir.yaml'), probe: true, now: new Date('2026-11-24T12:00:00Z') });
}

const audits = new Map<string, AuditWithEvidence>();
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

beforeAll(async () => {
  // One after the other: each runs its agent under probes with the concurrency its mimir.yaml sets.
  for (const variant of ['naive', 'hardened', 'subtle']) audits.set(variant, await auditVariant(variant));
}, 900_000);

function audit(variant: string): AuditWithEvidence['audit'] {
  const found = audits.get(variant);
  if (!found) throw new Error(`no audit of ${variant}`);
  return found.audit;
}

function outcome(variant: string, checkId: string): string | undefined {
  return audit(variant).findings.find((f) => f.checkId === checkId)?.outcome;
}

describe('the example agent systems', () => {
  it('naive is red, for the reasons the article names', () => {
    const naive = audit('naive');
    expect(naive.score.verdict).toBe('red');
    // Silent failures, uncapped retries, cascades that compound, no approval, no resume — each decided by measurement.
    for (const check of [
      'failures-are-reported-honestly',
      'retries-are-bounded',
      'cascades-halt',
      'high-risk-actions-need-prior-approval',
      'resume-skips-completed-side-effects',
    ]) {
      expect(outcome('naive', check), check).toBe('fail');
    }
    const failedCritical = naive.score.reasons.filter((r) => r.code === 'critical-check-failed').map((r) => r.checkId);
    expect(failedCritical).toEqual(expect.arrayContaining(['failures-are-reported-honestly', 'high-risk-actions-need-prior-approval']));
    const bleed = naive.findings.find((f) => f.checkId === 'context-bleed-is-bounded');
    expect(bleed?.outcome === 'fail' || bleed?.outcome === 'partial', 'context bleed is visible').toBe(true);
    expect(naive.probes?.errored).toBe(0);
  });

  it('hardened is green, every probe scenario passing', () => {
    const hardened = audit('hardened');
    expect(hardened.score.verdict, JSON.stringify(hardened.score.reasons)).toBe('green');
    expect(hardened.probes?.failed).toBe(0);
    expect(hardened.probes?.passed).toBeGreaterThan(0);
    for (const check of ['failures-are-reported-honestly', 'high-risk-actions-need-prior-approval', 'resume-skips-completed-side-effects', 'cascades-halt']) {
      expect(outcome('hardened', check), check).toBe('pass');
    }
  });

  it('subtle is not green, and its one flaw — send_email without approval — is named first', () => {
    const subtle = audit('subtle');
    expect(subtle.score.verdict).not.toBe('green');
    const first = subtle.score.reasons[0];
    expect(first?.checkId).toBe('high-risk-actions-need-prior-approval');
    const finding = subtle.findings.find((f) => f.checkId === 'high-risk-actions-need-prior-approval');
    expect(finding?.outcome).toBe('fail');
    expect(finding?.evidenceKind).toBe('probe');
    expect(finding?.message).toContain('send_email');
    // Everything the hardened system does well, subtle still does: its other critical checks pass.
    for (const check of ['failures-are-reported-honestly', 'resume-skips-completed-side-effects', 'cascades-halt', 'denials-are-respected']) {
      expect(outcome('subtle', check), check).toBe('pass');
    }
  });
});
