import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { Audit } from '../../src/model/index.js';
import { jsonReporter } from '../../src/report/json.js';
import { parseAuditReport } from '../../src/report/parse-report.js';
import { REPORT_SCHEMA_ID, reportJsonSchema, type auditReportSchema } from '../../src/report/report-schema.js';
import { UserError } from '../../src/shared/errors.js';
import { maliciousAudit, redAudit, SAMPLE_AUDITS } from '../support/sample-audit.js';

const SCHEMA_FILE = join(import.meta.dirname, '..', '..', 'schemas', 'report.schema.json');
const options = { color: false, width: 80 } as const;

/** Readonly-ness is not part of JSON; compare the shapes without it. */
type Writable<T> = T extends readonly unknown[] | object ? { -readonly [K in keyof T]: Writable<T[K]> } : T;

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('JSON report schema', () => {
  it('mirrors the Audit model exactly, both ways', () => {
    expectTypeOf<Writable<z.output<typeof auditReportSchema>>>().toEqualTypeOf<Writable<Audit>>();
  });

  it('is committed as schemas/report.schema.json (UPDATE_SCHEMAS=1 rewrites it)', () => {
    const generated = `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMAS === '1') writeFileSync(SCHEMA_FILE, generated);
    expect(readFileSync(SCHEMA_FILE, 'utf8'), 'schemas/report.schema.json is stale: run with UPDATE_SCHEMAS=1').toBe(generated);
    expect(reportJsonSchema()).toMatchObject({ $id: REPORT_SCHEMA_ID, $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'mimir audit report' });
  });

  it('accepts the JSON report of every sample audit (ajv, draft 2020-12)', () => {
    // A measured value is a number, a string or a boolean: a union of types, on purpose.
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
    for (const audit of [...Object.values(SAMPLE_AUDITS).map((make) => make()), maliciousAudit(), redAudit({ policy: { attestationDiscount: 1 } })]) {
      const valid = validate(JSON.parse(jsonReporter.render(audit, options)));
      expect(validate.errors ?? [], audit.system.name).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it('rejects a field the model does not have', () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    addFormats.default(ajv);
    const validate = ajv.compile(reportJsonSchema());
    const report = JSON.parse(jsonReporter.render(redAudit(), options)) as { findings: Record<string, unknown>[] };
    report.findings[0] = { ...report.findings[0], surprise: true };
    expect(validate(report)).toBe(false);
  });
});

describe('JSON report', () => {
  it('is the audit, pretty-printed, and reads back to the same audit', () => {
    const audit = redAudit();
    const text = jsonReporter.render(audit, options);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "schemaVersion": 1,\n');
    expect(parseAuditReport(text, 'report.json')).toEqual(audit);
  });

  it('reads a report saved with a byte-order mark', () => {
    expect(parseAuditReport(`\uFEFF${jsonReporter.render(redAudit(), options)}`, 'report.json').system.name).toBe('Back-office refund agent');
  });

  it('says where invalid JSON breaks, with line and column', () => {
    const text = jsonReporter.render(redAudit(), options).replace('"schemaVersion": 1,', '"schemaVersion": 1');
    const error = userError(() => parseAuditReport(text, 'before.json'));
    expect(error.code).toBe('invalid-json');
    expect(error.message).toBe(`before.json is not valid JSON: expected ',' or '}' after the property value, found "\\""`);
    expect(error.problems[0]?.location).toEqual({ file: 'before.json', line: 3, column: 3 });
    expect(error.problems[0]?.expected).toBe("',' or '}' after the property value");
    expect(error.hint).toMatch(/mimir audit --format json/);
  });

  it('says where a truncated file ends', () => {
    const error = userError(() => parseAuditReport('{\n  "schemaVersion": 1,\n  "system": {', 'cut.json'));
    expect(error.problems[0]?.location).toEqual({ file: 'cut.json', line: 3, column: 14 });
    expect(error.message).toMatch(/found the end of the file$/);
  });

  it('lists each schema problem with its JSON path and place', () => {
    const report = JSON.parse(jsonReporter.render(redAudit(), options)) as { findings: Record<string, unknown>[]; score: Record<string, unknown> };
    report.findings[2] = { ...report.findings[2], outcome: 'maybe' };
    delete report.score.verdict;
    const text = JSON.stringify(report, null, 2);
    const error = userError(() => parseAuditReport(text, 'after.json'));
    expect(error.code).toBe('invalid-report');
    expect(error.message).toBe('after.json is not a mimir audit report: 2 problems');
    const outcome = error.problems.find((p) => p.message.startsWith('$.findings[2].outcome:'));
    expect(outcome?.location?.line).toBe(text.slice(0, text.indexOf('"maybe"')).split('\n').length);
    const verdict = error.problems.find((p) => p.message.startsWith('$.score.verdict:'));
    // A missing field is located at the object that lacks it.
    expect(verdict?.location?.line).toBe(text.slice(0, text.indexOf('"score": {')).split('\n').length);
  });

  it('refuses a report of another schema version with a hint', () => {
    const error = userError(() => parseAuditReport('{"schemaVersion": 2}', 'new.json'));
    expect(error.code).toBe('invalid-report');
    expect(error.message).toBe('new.json is a report of schema version 2; this mimir reads version 1');
    expect(error.problems[0]?.location).toEqual({ file: 'new.json', line: 1, column: 19 });
  });

  it('refuses JSON that is not a report at all', () => {
    expect(userError(() => parseAuditReport('[1, 2]', 'list.json')).code).toBe('invalid-report');
  });
});
