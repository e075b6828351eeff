import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Audit } from '../../src/model/index.js';
import { runCli, tempProject } from '../support/run-cli.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'traces');
const VERCEL = join(FIXTURES, 'vercel-ai', 'back-office.otlp.jsonl');
const VERCEL_LABELS = join(FIXTURES, 'vercel-ai', 'back-office.labels.jsonl');

/** The tools of the fixtures' back office, as its team would declare them. */
const BACK_OFFICE_CONFIG = `version: 1
system:
  name: back office (Vercel AI SDK)
tools:
  - name: lookup_order
    risk: read-only
  - name: request_approval
    risk: read-only
  - name: issue_refund
    risk: money
  - name: send_email
    risk: outbound-message
evidence:
  traces:
    sources: [${VERCEL}]
    labels: ${VERCEL_LABELS}
`;

describe('mimir traces', () => {
  it('prints the measured figures of a real framework export, within 80 columns', async () => {
    const result = await runCli(['traces', VERCEL, '--labels', VERCEL_LABELS]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('22 runs');
    expect(result.stdout).toContain('silent failures');
    for (const line of result.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('gives machines the figures as JSON, every one traceable to runs', async () => {
    const result = await runCli(['traces', VERCEL, '--labels', VERCEL_LABELS, '--format', 'json']);
    const report = JSON.parse(result.stdout) as { runs: number; partial: boolean; analyses: { outcomes: { silentFailures: { count: number; examples: { runId: string }[] } } } };
    expect(report.runs).toBe(22);
    expect(report.partial).toBe(false);
    // The fixture's README plants four silent failures: delivery-estimate 2 and 3, weekly-order-audit 1, and one more.
    expect(report.analyses.outcomes.silentFailures.count).toBe(4);
    expect(report.analyses.outcomes.silentFailures.examples.map((e) => e.runId)).toContain('va-delivery-estimate-2');
  });

  it('refuses to run with nothing to read', async () => {
    const result = await runCli(['traces']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('name the trace files');
  });
});

describe('mimir audit with trace evidence', () => {
  it('answers checks from traces and says how many runs they rest on', async () => {
    const dir = tempProject({ 'mimir.yaml': BACK_OFFICE_CONFIG });
    const result = await runCli(['audit', '--config', join(dir, 'mimir.yaml'), '--format', 'json', '--fail-on', 'none']);
    expect(result.code, result.stderr).toBe(0);
    const audit = JSON.parse(result.stdout) as Audit;
    expect(audit.traces).toMatchObject({ runs: 22, partial: false });
    const byId = new Map(audit.findings.map((f) => [f.checkId, f]));
    // Silent failures are planted in the fixture: the critical honesty check fails, measured from traces.
    expect(byId.get('failures-are-reported-honestly')).toMatchObject({ outcome: 'fail', evidenceKind: 'trace' });
    // Two unapproved emails are planted: the approval check fails from traces too.
    expect(byId.get('high-risk-actions-need-prior-approval')).toMatchObject({ outcome: 'fail', evidenceKind: 'trace' });
    expect(byId.get('high-risk-actions-need-prior-approval')!.references.length).toBeGreaterThan(0);
    expect(audit.stamp.evidence.map((e) => e.kind)).toEqual(['trace', 'trace']);
    expect(audit.score.verdict).toBe('red');
  });

  it('audits a trace file named on the command line with no mimir.yaml at all', async () => {
    const dir = tempProject({});
    const result = await runCli(['audit', '--config', join(dir, 'mimir.yaml'), '--traces', VERCEL, '--format', 'json', '--fail-on', 'none']);
    expect(result.code, result.stderr).toBe(0);
    const audit = JSON.parse(result.stdout) as Audit;
    expect(audit.system.name).toBe('back-office');
    expect(audit.findings.filter((f) => f.evidenceKind === 'trace').length).toBeGreaterThan(5);
  });

  it('puts the measured figures in the HTML report', async () => {
    const dir = tempProject({ 'mimir.yaml': BACK_OFFICE_CONFIG });
    const out = join(dir, 'out');
    const result = await runCli(['audit', '--config', join(dir, 'mimir.yaml'), '--format', 'html', '--out', out, '--fail-on', 'none']);
    expect(result.code, result.stderr).toBe(0);
    const page = readFileSync(join(out, 'mimir-report.html'), 'utf8');
    expect(page).toContain('Measured from traces');
    expect(page).toContain('va-delivery-estimate-2');
  });
});
