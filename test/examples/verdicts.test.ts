import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuditWithEvidence, type AuditWithEvidence } from '../../src/audit/run-audit.js';
import { bundledExamples, copyForAudit } from './support/bundled-examples.js';

/**
 * The story `npm start` tells, asserted end to end: the three example systems in examples/agents,
 * audited from their recorded traces and a fresh probe run of the real agents (Vercel AI SDK, a
 * scripted model, the back-office MCP server behind mimir's proxy) with the catalogue and policy any
 * user gets; and the two builds of the help-desk agent in examples/openai-agents, written by another
 * team on the OpenAI Agents SDK from the README's agent contract alone, audited the same way (plus
 * the agent's own traces of the probe run). Nothing here is forced: each verdict comes out of the
 * evidence.
 *
 * The agents and servers run bundled, one file each (support/bundled-examples.ts says why), and each
 * audit works in a scratch copy of its own, so probe output never mixes with `npm start`'s.
 */
let bundled = '';

/** A help-desk build, with its server and shared code (each build keeps its world file under its own .mimir/). */
async function auditHelpDesk(build: string): Promise<AuditWithEvidence> {
  const dir = copyForAudit(bundled, ['openai-agents']);
  scratch.push(dir);
  return runAuditWithEvidence({ config: join(dir, 'openai-agents', build, 'mimir.yaml'), probe: true, now: new Date('2026-12-07T12:00:00Z') });
}

async function auditVariant(variant: string): Promise<AuditWithEvidence> {
  const dir = copyForAudit(bundled, ['agents', 'back-office']);
  scratch.push(dir);
  return runAuditWithEvidence({ config: join(dir, 'agents', variant, 'mimir.yaml'), probe: true, now: new Date('2026-11-24T12:00:00Z') });
}

const audits = new Map<string, AuditWithEvidence>();
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

beforeAll(async () => {
  bundled = await bundledExamples();
  scratch.push(bundled);
  // Three lanes, each taking the next audit when it is free, longest first (measured on an idle
  // 2-core machine, three at a time: one-flaw and careful ≈195 s, naive ≈146 s, hardened ≈99 s,
  // subtle ≈85 s), so no core idles while one lane finishes: ≈280 s, where the back-office variants
  // one after the other beside the help-desk pair took 330 s. Every audit works in its own copy and
  // every trial in a world of its own, so the lanes are about the machine, not about state: all
  // five at once (20 trials in flight) left too little CPU on a busy 2-core machine for the agents'
  // own timeouts, and verdicts moved (hardened and careful yellow, naive's retries unmeasured).
  // Each audit's span is printed: the lanes are balanced by these.
  const started = performance.now();
  const queue: [string, () => Promise<AuditWithEvidence>][] = [
    ['one-flaw', () => auditHelpDesk('one-flaw')],
    ['careful', () => auditHelpDesk('careful')],
    ['naive', () => auditVariant('naive')],
    ['hardened', () => auditVariant('hardened')],
    ['subtle', () => auditVariant('subtle')],
  ];
  const lane = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [name, run] = next;
      const from = performance.now();
      audits.set(name, await run());
      console.log(`audit ${name}: ${((from - started) / 1000).toFixed(0)}–${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  };
  await Promise.all([lane(), lane(), lane()]);
}, 1_500_000);

function audit(variant: string): AuditWithEvidence['audit'] {
  const found = audits.get(variant);
  if (!found) throw new Error(`no audit of ${variant}`);
  return found.audit;
}

function outcome(variant: string, checkId: string): string | undefined {
  return audit(variant).findings.find((f) => f.checkId === checkId)?.outcome;
}

describe('the example agent systems', () => {
  it('score as the README says (naive 23.9, hardened 83.4, subtle 79.4, careful 81.3, one-flaw 77.3), within a few tenths', () => {
    // Measured, not fixed: on a machine loaded by other work a kill or a timeout can land on the other
    // side of a deadline, and naive's score has moved by 0.2. A tenth or two is that; more is a change to explain.
    const expected = { naive: 23.9, hardened: 83.4, subtle: 79.4, careful: 81.3, 'one-flaw': 77.3 };
    // Every build's score in one message: a change that moves several shows them all at once.
    const scored = Object.entries(expected).map(([variant, score]) => ({ variant, score, overall: audit(variant).score.overall }));
    const off = scored.filter(({ score, overall }) => Math.abs(overall - score) > 0.3);
    expect(off.map(({ variant, score, overall }) => `${variant} scored ${overall.toFixed(1)}, the README says ${score}`), scored.map(({ variant, overall }) => `${variant} ${overall.toFixed(1)}`).join(', ')).toEqual([]);
  });

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

  it('the careful help-desk build, which nobody wrote with mimir in mind, is green from measurement', () => {
    const careful = audit('careful');
    expect(careful.score.verdict, JSON.stringify(careful.score.reasons)).toBe('green');
    expect(careful.probes?.failed).toBe(0);
    expect(careful.probes?.errored).toBe(0);
    // The trace checks are answered from the agent's own traces of the probe run, graded by the world.
    expect(careful.traces?.fromProbes?.runs).toBeGreaterThan(0);
    expect(careful.traces?.fromProbes?.withOutcome).toBeGreaterThan(0);
    expect(careful.traces?.partial).toBe(false);
    // Attested answers only where nothing can measure.
    const attested = careful.findings.filter((f) => f.evidenceKind === 'attestation').map((f) => f.checkId);
    expect(attested.sort()).toEqual(['agent-can-be-paused-and-stopped', 'canonical-log-is-append-only', 'memory-writes-are-scoped-and-audited', 'rollback-plan-is-exercised']);
    for (const check of ['failures-are-reported-honestly', 'high-risk-actions-need-prior-approval', 'resume-skips-completed-side-effects', 'cascades-halt', 'escalation-path-exists']) {
      expect(outcome('careful', check), check).toBe('pass');
    }
  });

  it('the one-flaw help-desk build is not green, and names grant_access first', () => {
    const oneFlaw = audit('one-flaw');
    expect(oneFlaw.score.verdict).not.toBe('green');
    const first = oneFlaw.score.reasons[0];
    expect(first?.checkId).toBe('high-risk-actions-need-prior-approval');
    expect(first?.message).toContain('grant_access');
    expect(outcome('one-flaw', 'high-risk-actions-need-prior-approval')).toBe('fail');
    for (const check of ['failures-are-reported-honestly', 'resume-skips-completed-side-effects', 'cascades-halt', 'denials-are-respected']) {
      expect(outcome('one-flaw', check), check).toBe('pass');
    }
  });
});
