import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../support/run-cli.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'back-office-attested');

/** Two audits of the example: before, and after the team fixed resume and broke timeouts. */
async function beforeAndAfter(): Promise<{ before: string; after: string }> {
  const dir = tempProject({
    'mimir.yaml': readFileSync(join(EXAMPLE, 'mimir.yaml'), 'utf8'),
    'mimir-answers.yaml': readFileSync(join(EXAMPLE, 'mimir-answers.yaml'), 'utf8'),
  });
  const audit = async (name: string) => {
    const result = await runCli(['audit', '--config', join(dir, 'mimir.yaml'), '--format', 'json', '--fail-on', 'none']);
    expect(result.code, result.stderr).toBe(0);
    writeFileSync(join(dir, name), result.stdout);
    return join(dir, name);
  };
  const before = await audit('before.json');
  const answers = readFileSync(join(dir, 'mimir-answers.yaml'), 'utf8')
    .replace('answer: no\n    note: a restarted run starts over', 'answer: yes\n    note: a restarted run starts over')
    .replace('answer: yes\n    note: 20 s per call', 'answer: no\n    note: 20 s per call');
  writeFileSync(join(dir, 'mimir-answers.yaml'), answers);
  return { before, after: await audit('after.json') };
}

describe('mimir diff', () => {
  it('shows the score change per area and every check that got better or worse', async () => {
    const { before, after } = await beforeAndAfter();
    const result = await runCli(['diff', before, after, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const diff = JSON.parse(result.stdout) as { worse: { checkId: string }[]; better: { checkId: string }[]; areas: { area: string; delta: number }[] };
    expect(diff.better.map((c) => c.checkId)).toEqual(['resume-skips-completed-side-effects']);
    expect(diff.worse.map((c) => c.checkId)).toEqual(['tool-calls-have-timeouts']);
    expect(diff.areas.find((a) => a.area === 'architecture')!.delta).toBeCloseTo((100 * 5) / 55, 6);
    expect(diff.areas.find((a) => a.area === 'failure-handling')!.delta).toBeCloseTo((-100 * 3.75) / 62.5, 6);

    const terminal = await runCli(['diff', before, after]);
    expect(terminal.stdout).toContain('resume-skips-completed-side-effects');
    for (const line of terminal.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('fails on a regression only when asked', async () => {
    const { before, after } = await beforeAndAfter();
    expect((await runCli(['diff', before, after])).code).toBe(0);
    const gated = await runCli(['diff', before, after, '--fail-on-regression']);
    expect(gated.code).toBe(1);
    expect(gated.stderr).toContain('regression');
    expect((await runCli(['diff', before, before, '--fail-on-regression'])).code).toBe(0);
  });

  it('redacts secrets the reports quote, in every format, with mimir.yaml patterns; --no-redact keeps them and says so', async () => {
    const { before, after } = await beforeAndAfter();
    const planted = (path: string, name: string) => {
      const report = JSON.parse(readFileSync(path, 'utf8')) as { system: { name: string }; findings: { message: string }[] };
      report.system.name = `${name} token=tok${'9'.repeat(20)}`;
      for (const finding of report.findings) finding.message = `upstream said: Authorization: Bearer abcdefghij0123456789 (ACME-123456789012)`;
      writeFileSync(path, JSON.stringify(report, null, 2));
    };
    planted(before, 'before');
    planted(after, 'after');
    const dir = tempProject({ 'mimir.yaml': 'version: 1\nsystem:\n  name: s\nredaction:\n  patterns:\n    - name: acme-token\n      pattern: ACME-[0-9]{12}\n' });
    const config = join(dir, 'mimir.yaml');
    for (const format of ['terminal', 'md', 'json']) {
      const redacted = await runCli(['diff', before, after, '--format', format, '--config', config]);
      expect(redacted.code, redacted.stderr).toBe(0);
      expect(redacted.stdout, format).not.toMatch(/abcdefghij0123456789|ACME-123456789012|9{20}/);
      expect(redacted.stdout, format).not.toContain('UNREDACTED');
      const kept = await runCli(['diff', before, after, '--format', format, '--config', config, '--no-redact']);
      expect(kept.stdout, format).toMatch(format === 'json' ? /"unredacted": true/ : /UNREDACTED/);
    }
    const json = await runCli(['diff', before, after, '--format', 'json', '--config', config]);
    expect(json.stdout).toContain('[redacted:bearer-token]');
    expect(json.stdout).toContain('[redacted:acme-token]');
    const kept = await runCli(['diff', before, after, '--format', 'json', '--no-redact']);
    expect(kept.stdout).toContain('abcdefghij0123456789');
  });
});
