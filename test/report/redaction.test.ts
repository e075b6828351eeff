/**
 * Secrets a trace or a probe carries never reach a report: generated credentials of every kind are
 * put into every string field (and every record key that is not a field name) of the inputs of every
 * report family, and no format's output may contain them. A control run with redaction off shows the
 * secrets would have been printed, so the property is not vacuous.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REPORTERS, REPORT_FORMATS, UNREDACTED_NOTICE, parseAuditReport, type RedactionSetting } from '../../src/report/index.js';
import { PROBE_REPORTERS, PROBE_REPORT_FORMATS } from '../../src/report/probes/index.js';
import { TRACE_REPORTERS, TRACE_REPORT_FORMATS } from '../../src/report/traces/index.js';
import { userSecretPattern } from '../../src/shared/redact.js';
import type { Audit } from '../../src/model/index.js';
import type { ProbeEvidence, TraceEvidence } from '../../src/evidence/types.js';
import { redAudit } from '../support/sample-audit.js';
import { maliciousProbeEvidence, realisticProbeEvidence } from './probes/probes-sample.js';
import { maliciousTraceEvidence, realisticTraceEvidence } from './traces-sample.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('');
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');
const B64URL = [...ALNUM, '-', '_'];
const B64 = [...ALNUM, '+', '/'];

function chars(alphabet: readonly string[], min: number, max = min): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
}

/** A secret as it would appear in a trace, and the part of it that must not survive. */
interface Secret {
  readonly text: string;
  readonly body: string;
}

const secret = (arbitrary: fc.Arbitrary<readonly [string, string, string?]>): fc.Arbitrary<Secret> =>
  arbitrary.map(([before, body, after = '']) => ({ text: `${before}${body}${after}`, body }));

/** Random bodies always hold a digit, so none is a plain English word. */
const withDigit = (a: fc.Arbitrary<string>): fc.Arbitrary<string> => a.map((s) => `${s}7`);

export const SECRET_KINDS: Readonly<Record<string, fc.Arbitrary<Secret>>> = {
  'openai-key': secret(fc.tuple(fc.constantFrom('sk-', 'sk-proj-', 'sk-live-'), withDigit(chars(ALNUM, 20, 48)))),
  'anthropic-key': secret(fc.tuple(fc.constant('sk-ant-api03-'), withDigit(chars(B64URL, 30, 60)))),
  'stripe-key': secret(fc.tuple(fc.constantFrom('sk_live_', 'rk_live_', 'sk_test_'), withDigit(chars(ALNUM, 16, 40)))),
  'github-token': secret(fc.tuple(fc.constantFrom('ghp_', 'gho_', 'github_pat_'), withDigit(chars(ALNUM, 36)))),
  'slack-token': secret(fc.tuple(fc.constantFrom('xoxb-', 'xoxp-'), withDigit(chars([...ALNUM, '-'], 20, 40)))),
  'google-api-key': secret(fc.tuple(fc.constant('AIza'), withDigit(chars(B64URL, 35)))),
  'aws-key': secret(fc.tuple(fc.constantFrom('AKIA', 'ASIA'), chars(UPPER_DIGITS, 16))),
  'aws-secret': secret(fc.tuple(fc.constantFrom('aws_secret_access_key=', 'AWS_SECRET_ACCESS_KEY: ', '"aws_secret_access_key": "'), withDigit(chars(B64, 40)))),
  'bearer-token': secret(fc.tuple(fc.constantFrom('Authorization: Bearer ', 'bearer '), withDigit(chars([...ALNUM, '.', '_', '-'], 20, 40)))),
  'basic-auth': secret(fc.tuple(fc.constant('Authorization: Basic '), withDigit(chars(B64, 12, 40)), fc.constantFrom('', '=', '=='))),
  jwt: secret(
    fc
      .tuple(chars(B64URL, 10, 30), chars(B64URL, 10, 60), chars(B64URL, 20, 43))
      .map(([header, payload, signature]) => ['', `eyJ${header}.eyJ${payload}.${signature}`] as const),
  ),
  'private-key': secret(
    fc
      .array(chars(B64, 64), { minLength: 2, maxLength: 6 })
      .map((lines) => ['-----BEGIN RSA PRIVATE KEY-----\n', lines.join('\n'), '\n-----END RSA PRIVATE KEY-----'] as const),
  ),
  'url-password': secret(fc.tuple(fc.constantFrom('postgres://app:', 'mongodb+srv://admin:', 'https://user:'), withDigit(chars(ALNUM, 8, 24)), fc.constant('@db.internal:5432/app'))),
  password: secret(fc.tuple(fc.constantFrom('password=', 'PASSWORD: ', 'pwd='), withDigit(chars([...ALNUM, '!', '$', '%', '*'], 8, 24)))),
  secret: secret(fc.tuple(fc.constantFrom('token=', 'secret: ', 'api_key=', 'client_secret='), withDigit(chars(ALNUM, 12, 32)))),
  'user-pattern': secret(fc.tuple(fc.constant(''), chars('0123456789'.split(''), 12).map((digits) => `ACME-${digits}`))),
};

const USER_PATTERNS = [userSecretPattern('acme-token', 'ACME-[0-9]{12}')];
const REDACT: RedactionSetting = { enabled: true, patterns: USER_PATTERNS };
const KEEP: RedactionSetting = { enabled: false, patterns: USER_PATTERNS };

/** Strings renderers switch on (outcomes, kinds, check ids, timestamps) stay as they are: they come from mimir, not from a trace. */
const ENUM_LIKE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$|^\d{4}-\d\d-\d\dT|^[%a-z/ ]{0,8}$/;
/** Record keys that are field names (camelCase), numbers or enum values are left; tool names and the like get the secret. */
const FIELD_KEY = /^[a-z][A-Za-z0-9]*$|^\d+$|^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Every string of `value` (and every key that is data) with the secret written into it. */
function plant<T>(value: T, text: string): T {
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return ENUM_LIKE.test(v) ? v : `${v} ${text} tail`;
    if (Array.isArray(v)) return v.map(visit);
    if (typeof v !== 'object' || v === null) return v;
    return Object.fromEntries(Object.entries(v).map(([key, item]) => [FIELD_KEY.test(key) ? key : `${key} ${text}`, visit(item)]));
  };
  return visit(value) as T;
}

function auditOutputs(audit: Audit, traces: TraceEvidence, probes: ProbeEvidence, redaction: RedactionSetting): string[] {
  return REPORT_FORMATS.map((format) => REPORTERS[format].render(audit, { color: false, width: 80, traces, probes, redaction }));
}

function traceOutputs(evidence: TraceEvidence, redaction: RedactionSetting): string[] {
  return TRACE_REPORT_FORMATS.map((format) => TRACE_REPORTERS[format].render(evidence, { color: false, width: 80, redaction }));
}

function probeOutputs(evidence: ProbeEvidence, redaction: RedactionSetting): string[] {
  return PROBE_REPORT_FORMATS.map((format) => PROBE_REPORTERS[format].render(evidence, { color: false, width: 80, redaction, systemName: 'sys' }));
}

describe('redaction in every report format', () => {
  for (const [kind, arbitrary] of Object.entries(SECRET_KINDS)) {
    it(`no ${kind} survives in the audit, trace and probe reports`, () => {
      fc.assert(
        fc.property(arbitrary, fc.boolean(), ({ text, body }, malicious) => {
          const traces = plant(malicious ? maliciousTraceEvidence() : realisticTraceEvidence(), text);
          const probes = plant(malicious ? maliciousProbeEvidence() : realisticProbeEvidence(), text);
          const audit = plant(redAudit(), text);
          const outputs = [...auditOutputs(audit, traces, probes, REDACT), ...traceOutputs(traces, REDACT), ...probeOutputs(probes, REDACT)];
          for (const output of outputs) expect(output.includes(body), `${kind} survived`).toBe(false);
          expect(outputs.join('\n')).toContain('[redacted:');
          // The control: without redaction the same inputs do print the secret.
          const unredacted = [...traceOutputs(traces, KEEP), ...probeOutputs(probes, KEEP)];
          expect(unredacted.some((output) => output.includes(body))).toBe(true);
        }),
        { numRuns: 3 },
      );
    }, 120_000);
  }
});

describe('--no-redact', () => {
  const audit = redAudit();
  it('marks every format of every family as unredacted', () => {
    const outputs: Record<string, string> = {};
    for (const format of REPORT_FORMATS) outputs[`audit ${format}`] = REPORTERS[format].render(audit, { color: false, width: 80, redaction: KEEP });
    for (const format of TRACE_REPORT_FORMATS) outputs[`traces ${format}`] = TRACE_REPORTERS[format].render(realisticTraceEvidence(), { color: false, width: 80, redaction: KEEP });
    for (const format of PROBE_REPORT_FORMATS) outputs[`probes ${format}`] = PROBE_REPORTERS[format].render(realisticProbeEvidence(), { color: false, width: 80, redaction: KEEP });
    for (const [name, output] of Object.entries(outputs)) {
      if (name.endsWith('terminal') || name.endsWith(' md')) expect(output.split('\n')[0], name).toContain(UNREDACTED_NOTICE);
      else if (name.endsWith('json')) expect((JSON.parse(output) as { unredacted?: boolean }).unredacted, name).toBe(true);
      else if (name.endsWith('sarif')) expect((JSON.parse(output) as { properties?: { unredacted?: boolean } }).properties?.unredacted, name).toBe(true);
      else expect(output, name).toContain(UNREDACTED_NOTICE);
    }
    // An unredacted JSON report is still a report `mimir diff` reads.
    expect(parseAuditReport(outputs['audit json'] ?? '', 'mimir-report.json').unredacted).toBe(true);
  });

  it('leaves redacted reports unmarked', () => {
    for (const format of REPORT_FORMATS) expect(REPORTERS[format].render(audit, { color: false, width: 80 })).not.toContain('UNREDACTED');
  });
});

describe('bounded renderers', () => {
  const MB = 1_048_576;
  const hugeId = `run-${'7'.repeat(MB)}`;
  const hugeMessage = `Error: ${'x'.repeat(MB)}`;

  it('render a 1 MB run id and a 1 MB error message in every format with the cut marked', () => {
    const base = redAudit();
    const audit: Audit = {
      ...base,
      findings: base.findings.map((f) => ({ ...f, message: `${f.message} ${hugeMessage}`, references: [...f.references, { kind: 'run', id: hugeId }] })),
    };
    const t = realisticTraceEvidence();
    const ref = { runId: hugeId, file: 'big.jsonl', line: 1, note: hugeMessage };
    const traces: TraceEvidence = {
      ...t,
      problems: { ...t.problems, examples: [{ code: 'invalid-json', message: hugeMessage, file: 'big.jsonl', line: 1, runId: hugeId }] },
      analyses: { ...t.analyses, reliability: { ...t.analyses.reliability, failedStepExamples: [ref] }, outcomes: { ...t.analyses.outcomes, silentFailures: { ...t.analyses.outcomes.silentFailures, examples: [ref] } } },
    };
    const p = realisticProbeEvidence();
    const probes: ProbeEvidence = { ...p, scenarios: p.scenarios.map((s) => ({ ...s, id: hugeId, trials: s.trials.map((trial) => ({ ...trial, runId: hugeId, behaviour: [hugeMessage] })) })) };
    const outputs = [
      ...REPORT_FORMATS.map((format) => REPORTERS[format].render(audit, { color: false, width: 80, traces, probes })),
      ...TRACE_REPORT_FORMATS.map((format) => TRACE_REPORTERS[format].render(traces, { color: false, width: 80 })),
      ...PROBE_REPORT_FORMATS.map((format) => PROBE_REPORTERS[format].render(probes, { color: false, width: 80 })),
    ];
    for (const output of outputs) {
      // Each huge string is kept to a few KB wherever it is quoted: the output is far smaller than one of them.
      expect(output.length).toBeLessThan(MB / 2);
      expect(output).toMatch(/cut 1,04\d,\d{3} characters/);
    }
  }, 60_000);
});
