import { describe, expect, it } from 'vitest';
import { REPORTERS } from '../../src/report/index.js';
import { PROBE_REPORTERS } from '../../src/report/probes/index.js';
import { redAudit } from '../support/sample-audit.js';
import { maliciousProbeEvidence } from './probes/probes-sample.js';

// eslint-disable-next-line no-control-regex -- looking for exactly these
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('Markdown reports and control characters', () => {
  it('let no ESC, C1 or BEL byte from a finding or a probe through', () => {
    const base = redAudit();
    const hostile = 'Printed \u001b[2J\u001b]0;pwned\u0007 then \u009b31m and \r over';
    const audit = { ...base, system: { name: `sys ${hostile}` }, findings: base.findings.map((f) => ({ ...f, message: `${f.message} ${hostile}` })) };
    const audited = REPORTERS.md.render(audit, { color: false, width: 80, probes: maliciousProbeEvidence() });
    expect(audited).toContain('␛');
    expect(audited).not.toMatch(RAW_CONTROL);
    expect(PROBE_REPORTERS.md.render(maliciousProbeEvidence(), { color: false, width: 80 })).not.toMatch(RAW_CONTROL);
  });
});
