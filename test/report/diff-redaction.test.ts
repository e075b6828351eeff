/**
 * `mimir diff` quotes what two saved reports say (system names, check titles, finding messages,
 * comparability notes). A report written with --no-redact, or by another tool, can carry secrets:
 * the diff redacts them like every other report, in every format, and says so when told not to.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UNREDACTED_NOTICE, diffAudits, renderDiff, type DiffFormat, type RedactionSetting } from '../../src/report/index.js';
import { userSecretPattern } from '../../src/shared/redact.js';
import type { Audit } from '../../src/model/index.js';
import { redAudit, yellowAudit } from '../support/sample-audit.js';

const DIFF_FORMATS: readonly DiffFormat[] = ['terminal', 'md', 'json'];
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('');
const body = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...ALNUM), minLength: min, maxLength: max }).map((s) => `${s}7`);

/** A secret as a trace would carry it, and the part that must not survive. */
const SECRETS: fc.Arbitrary<{ text: string; body: string }> = fc.oneof(
  body(20, 40).map((b) => ({ text: `sk-proj-${b}`, body: b })),
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('')), minLength: 16, maxLength: 16 }).map((b) => ({ text: `AKIA${b}`, body: b })),
  body(20, 40).map((b) => ({ text: `Authorization: Bearer ${b}`, body: b })),
  body(10, 30).map((b) => ({ text: `eyJhbGciOiJIUzI1NiJ9.eyJ${b}.${b}sig`, body: `eyJ${b}` })),
  body(8, 20).map((b) => ({ text: `postgres://app:${b}@db.internal/app`, body: b })),
  fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 12, maxLength: 12 }).map((digits) => ({ text: `ACME-${digits}`, body: `ACME-${digits}` })),
);

const PATTERNS = [userSecretPattern('acme-token', 'ACME-[0-9]{12}')];
const REDACT: RedactionSetting = { enabled: true, patterns: PATTERNS };
const KEEP: RedactionSetting = { enabled: false, patterns: PATTERNS };

/** The audit with the secret in its system name, in every finding's message and title. */
function withSecret(audit: Audit, secret: string, system: string): Audit {
  return {
    ...audit,
    system: { ...audit.system, name: `${system} ${secret}` },
    findings: audit.findings.map((finding) => ({ ...finding, title: `${finding.title} (${secret})`, message: `call failed: ${secret}` })),
  };
}

describe('mimir diff output is redacted', () => {
  it('no planted secret survives in any diff format; unredacted, every format says so', () => {
    fc.assert(
      fc.property(SECRETS, (secret) => {
        const diff = diffAudits(withSecret(redAudit(), secret.text, 'before'), withSecret(yellowAudit(), secret.text, 'after'));
        for (const format of DIFF_FORMATS) {
          const redacted = renderDiff(diff, format, { color: false, width: 80, redaction: REDACT });
          expect(redacted, format).not.toContain(secret.body);
          expect(redacted, format).toContain('[redacted:');
          expect(redacted, format).not.toContain(UNREDACTED_NOTICE);
          // The control: unredacted, the secret is there (the JSON always quotes the messages), and the output is marked.
          const kept = renderDiff(diff, format, { color: false, width: 80, redaction: KEEP });
          expect(kept, format).toContain(secret.body);
          if (format === 'json') expect(JSON.parse(kept)).toMatchObject({ unredacted: true });
          else expect(kept, format).toContain(UNREDACTED_NOTICE);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('redacts by default, with no redaction setting given', () => {
    const diff = diffAudits(withSecret(redAudit(), 'sk-live-abcdefghijklmnop1234', 'a'), withSecret(yellowAudit(), 'sk-live-abcdefghijklmnop1234', 'b'));
    for (const format of DIFF_FORMATS) expect(renderDiff(diff, format, { color: false, width: 80 })).not.toContain('abcdefghijklmnop1234');
  });
});
