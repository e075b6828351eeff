import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalReporter } from '../../src/report/terminal.js';
import { stripAnsi, visibleWidth } from '../../src/report/text/wrap.js';
import { buildAudit, greenAudit, redAudit, redFindings, sampleFinding, SAMPLE_AUDITS, yellowAudit } from '../support/sample-audit.js';

const plain = { color: false, width: 80 } as const;

function lines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

describe('terminal report', () => {
  it('starts with the verdict, the score and then the system', () => {
    const [first, second] = lines(terminalReporter.render(redAudit(), plain));
    expect(first).toMatch(/^● RED {2}\d+\.\d \/ 100 {2}not ready for production$/);
    expect(second).toMatch(/^Back-office refund agent · 14 checks · 8 need attention · 1 disabled by policy$/);
    expect(lines(terminalReporter.render(yellowAudit(), plain))[0]).toMatch(/^● YELLOW/);
    expect(lines(terminalReporter.render(greenAudit(), plain))[0]).toMatch(/^● GREEN/);
  });

  it('says on its first line that a score with attestation discount 1 is a plain self-assessment', () => {
    const audit = redAudit({ policy: { attestationDiscount: 1 } });
    const [first] = lines(terminalReporter.render(audit, plain));
    expect(first).toMatch(/^Plain self-assessment: attested answers earn full credit/);
    expect(lines(terminalReporter.render(redAudit(), plain))[0]).not.toMatch(/self-assessment/);
  });

  it('lists every verdict reason under the headline', () => {
    const audit = redAudit();
    // Long reasons are wrapped at the terminal's width: compared with the line breaks taken out.
    const text = terminalReporter.render(audit, plain).replace(/\s+/g, ' ');
    for (const reason of audit.score.reasons) expect(text).toContain(reason.message.replace(/\s+/g, ' '));
  });

  it('draws one bar per area, in area order, with its outcome counts', () => {
    const text = terminalReporter.render(redAudit(), plain);
    const areaLines = lines(text).filter((l) => /^ {2}(Architecture|Memory & context|Failure handling|Human oversight) /.test(l));
    expect(areaLines.map((l) => l.trim().split(/ {2,}/)[0])).toEqual(['Architecture', 'Memory & context', 'Failure handling', 'Human oversight']);
    expect(areaLines[0]).toMatch(/75\.0 {2}█{15}░{5} {2}3 pass · 1 partial$/);
  });

  it('lists what needs attention by severity, then by points lost', () => {
    const text = terminalReporter.render(redAudit(), plain);
    const order = [...text.matchAll(/^ {2}check +(\S+)/gm)].map((m) => m[1]);
    expect(order).toEqual([
      'high-risk-actions-need-prior-approval',
      'failures-end-honestly',
      'context-is-rebuilt-from-canonical-state',
      'low-confidence-goes-to-review',
      'hangs-time-out',
      'retries-are-bounded',
      'context-bleed-is-bounded',
      'canonical-log-is-append-only',
    ]);
  });

  it('shows for a finding what decided it, the measurements, references, fix and what to capture', () => {
    const text = terminalReporter.render(redAudit(), plain);
    const block = text.slice(text.indexOf('✗ FAIL  critical'), text.indexOf('? INSUFFICIENT EVIDENCE  critical'));
    const flat = block.replace(/\s+/g, ' ');
    expect(block).toMatch(/decided by +probe/);
    expect(flat).toContain('measured high-risk calls without prior approval: 37.5% (95% CI 13.7–69.4%, n = 8)');
    expect(block).toContain('probe approval/refund_order');
    expect(block).toMatch(/fix \(days\) +Route every money/);
    const insufficient = text.slice(text.indexOf('? INSUFFICIENT EVIDENCE  critical'));
    expect(insufficient).toMatch(/to capture +Run `mimir probe` with the persistent-failure battery/);
    expect(insufficient).toMatch(/decided by +none: no evidence could answer it/);
  });

  it('shows disabled checks with their justification, then the policy and stamp', () => {
    const text = terminalReporter.render(redAudit(), plain);
    expect(text).toMatch(/⊘ handoffs-carry-full-context: Single agent: there are no handoffs/);
    const policy = text.indexOf('\nPolicy\n');
    const stamp = text.indexOf('\nStamp\n');
    expect(policy).toBeGreaterThan(text.indexOf('Disabled by policy'));
    expect(stamp).toBeGreaterThan(policy);
    expect(text.slice(policy).replace(/\s+/g, ' ')).toContain('earns ×0.5 of its credit');
    expect(text.slice(stamp)).toMatch(/config +examples\/back-office\/mimir\.yaml \(sha256 9b1e4c7a2d5f\)/);
    expect(text.slice(stamp)).toMatch(/evidence +probe \.mimir\/probes\/2026-11-24T09-12-03Z\.jsonl/);
  });

  it('says so when nothing needs attention', () => {
    const audit = buildAudit(redFindings().filter((f) => f.outcome === 'pass'));
    expect(terminalReporter.render(audit, plain)).toContain('Nothing needs attention');
  });

  it('uses colour only when asked', () => {
    // eslint-disable-next-line no-control-regex -- looking for ANSI escapes
    const ansi = /\u001b\[/;
    expect(terminalReporter.render(redAudit(), plain)).not.toMatch(ansi);
    const coloured = terminalReporter.render(redAudit(), { color: true, width: 80 });
    expect(coloured).toMatch(ansi);
    expect(stripAnsi(coloured)).toBe(terminalReporter.render(redAudit(), plain));
  });

  it('never exceeds the width, for every sample and common widths', () => {
    for (const make of Object.values(SAMPLE_AUDITS)) {
      for (const width of [40, 60, 80, 100, 120]) {
        for (const color of [false, true]) {
          const text = terminalReporter.render(make(), { color, width });
          for (const line of lines(text)) expect(visibleWidth(line), `${JSON.stringify(line)} at width ${width}`).toBeLessThanOrEqual(width);
        }
      }
    }
    // The requirement users see: nothing wider than 80 visible characters in an 80-column report.
    for (const line of lines(terminalReporter.render(redAudit(), plain))) expect(Array.from(line).length).toBeLessThanOrEqual(80);
  });

  it('keeps within the width whatever the texts say', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 300 });
    fc.assert(
      fc.property(text, text, fc.string({ maxLength: 120 }), fc.integer({ min: 20, max: 140 }), (message, toCapture, name, width) => {
        const finding = sampleFinding('failures-end-honestly', { outcome: 'insufficient-evidence', evidenceKind: null, message, toCapture });
        const audit = buildAudit([finding], { systemName: name });
        for (const line of lines(terminalReporter.render(audit, { color: true, width }))) expect(visibleWidth(line)).toBeLessThanOrEqual(width);
      }),
      { numRuns: 300 },
    );
  });

  it('does not let user text send control sequences to the terminal', () => {
    const finding = sampleFinding('rollback-plan-is-tested', { outcome: 'fail', evidenceKind: 'attestation', message: 'no\u001b[2J\u001b]0;pwned\u0007 rehearsal\rX' });
    const text = terminalReporter.render(buildAudit([finding], { systemName: 'evil\u001b[31m' }), plain);
    // eslint-disable-next-line no-control-regex -- looking for control characters
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(text).toContain('no\ufffd[2J\ufffd]0;pwned\ufffd rehearsal\ufffdX');
  });

  it('is pure: the same audit renders the same text', () => {
    expect(terminalReporter.render(redAudit(), plain)).toBe(terminalReporter.render(redAudit(), plain));
  });
});
