/**
 * A user's redaction pattern may match anything, also words mimir itself writes: an outcome
 * ('pass'), an area, a field name ('byCode'). Redaction must never break a report's structure —
 * found by the attack suite (scripts/attack), where `a*a*a*a*a*a*b` and `\s*\s*\s*x` in
 * redaction.patterns turned field names into markers and the renderers threw.
 */
import { describe, expect, it } from 'vitest';
import { REPORTERS, REPORT_FORMATS, boundReportInput, type RedactionSetting } from '../../src/report/index.js';
import { PROBE_REPORTERS, PROBE_REPORT_FORMATS } from '../../src/report/probes/index.js';
import { TRACE_REPORTERS, TRACE_REPORT_FORMATS } from '../../src/report/traces/index.js';
import { userSecretPattern } from '../../src/shared/redact.js';
import { redAudit } from '../support/sample-audit.js';
import { maliciousProbeEvidence, realisticProbeEvidence } from './probes/probes-sample.js';
import { maliciousTraceEvidence, realisticTraceEvidence } from './traces-sample.js';

const GREEDY: readonly string[] = ['[a-z0-9]+', 'b', 'x', 'a*a*a*a*a*a*b', 'e[a-z]*', '[A-Za-z]+[0-9]*'];

describe('user redaction patterns never break a report', () => {
  for (const source of GREEDY) {
    it(`renders every format of every family with the pattern ${source}`, () => {
      const redaction: RedactionSetting = { enabled: true, patterns: [userSecretPattern('u', source)] };
      const display = { color: false, width: 80, redaction };
      for (const traces of [realisticTraceEvidence(), maliciousTraceEvidence()]) {
        for (const probes of [realisticProbeEvidence(), maliciousProbeEvidence()]) {
          for (const format of REPORT_FORMATS) expect(() => REPORTERS[format].render(redAudit(), { ...display, traces, probes }), format).not.toThrow();
          for (const format of PROBE_REPORT_FORMATS) expect(() => PROBE_REPORTERS[format].render(probes, { ...display, systemName: 'sys' }), format).not.toThrow();
        }
        for (const format of TRACE_REPORT_FORMATS) expect(() => TRACE_REPORTERS[format].render(traces, display), format).not.toThrow();
      }
    });
  }

  it('still redacts what the pattern matches in text, ids and data keys', () => {
    const redaction: RedactionSetting = { enabled: true, patterns: [userSecretPattern('acme', 'ACME-[0-9]{12}')] };
    const input = { message: 'key ACME-123456789012 leaked', runId: 'ACME-123456789012', byTool: { 'ACME-123456789012': 1, 'ACME-999999999999': 2 } };
    const safe = boundReportInput(input, redaction);
    expect(JSON.stringify(safe)).not.toContain('ACME-');
    // Two keys redacted alike stay two entries.
    expect(Object.keys(safe.byTool)).toHaveLength(2);
  });

  it('keeps a "__proto__" key from a trace as an entry', () => {
    const input = JSON.parse('{"byTool": {"__proto__": 3, "send_email": 1}}') as { byTool: Record<string, number> };
    const safe = boundReportInput(input);
    expect(Object.keys(safe.byTool)).toEqual(['__proto__', 'send_email']);
    expect(Object.getPrototypeOf(safe.byTool)).toBe(Object.prototype);
  });
});
