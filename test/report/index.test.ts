import { describe, expect, it } from 'vitest';
import { REPORT_FORMATS, REPORTERS, renderReport } from '../../src/report/index.js';
import { SAMPLE_AUDITS, redAudit } from '../support/sample-audit.js';

describe('REPORTERS', () => {
  it('has a reporter for every format, under its own key, with its own file name', () => {
    expect(Object.keys(REPORTERS).sort()).toEqual([...REPORT_FORMATS].sort());
    for (const format of REPORT_FORMATS) expect(REPORTERS[format].format).toBe(format);
    const names = REPORT_FORMATS.map((f) => REPORTERS[f].fileName);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((n) => n.startsWith('mimir-report.'))).toBe(true);
  });

  it('renders every sample in every format, purely and without mutating the audit', () => {
    for (const make of Object.values(SAMPLE_AUDITS)) {
      const audit = make();
      const frozen = JSON.stringify(audit);
      for (const format of REPORT_FORMATS) {
        const options = { color: format === 'terminal', width: 80 };
        const text = renderReport(audit, format, options);
        expect(text.length).toBeGreaterThan(0);
        expect(text.endsWith('\n')).toBe(true);
        expect(renderReport(audit, format, options)).toBe(text);
      }
      expect(JSON.stringify(audit)).toBe(frozen);
    }
  });

  it('renders a deeply frozen audit (reporters never write to it)', () => {
    const deepFreeze = <T>(value: T): T => {
      if (value && typeof value === 'object') {
        for (const inner of Object.values(value)) deepFreeze(inner);
        Object.freeze(value);
      }
      return value;
    };
    const audit = deepFreeze(redAudit());
    for (const format of REPORT_FORMATS) expect(() => renderReport(audit, format, { color: true, width: 80 })).not.toThrow();
  });
});
