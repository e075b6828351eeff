import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Audit } from '../../src/model/index.js';
import { runCli, tempProject } from '../support/run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'back-office-attested');
const CONFIG = join(EXAMPLE, 'mimir.yaml');

async function exampleAudit(): Promise<Audit> {
  const result = await runCli(['audit', '--config', CONFIG, '--format', 'json', '--fail-on', 'none']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Audit;
}

describe('mimir audit on the bundled example', () => {
  it("reproduces the README's worked example exactly", async () => {
    const audit = await exampleAudit();
    const area = (id: string) => audit.score.areas.find((a) => a.area === id)!;
    expect(area('architecture')).toMatchObject({ earned: 18.75, possible: 55 });
    expect(area('memory-context')).toMatchObject({ earned: 8.125, possible: 32.5, score: 25 });
    expect(area('failure-handling')).toMatchObject({ earned: 17.5, possible: 62.5, score: 28 });
    expect(area('human-oversight')).toMatchObject({ earned: 23.125, possible: 62.5, score: 37 });
    expect(area('architecture').score.toFixed(2)).toBe('34.09');
    expect(audit.score.overall.toFixed(1)).toBe('31.0');
    expect(audit.score.verdict).toBe('red');
    expect(audit.score.reasons.map((r) => r.code)).toEqual([
      'critical-check-failed',
      'area-below-red',
      'area-below-red',
      'area-below-red',
      'area-below-red',
      'overall-below-red',
      'critical-check-not-passed',
    ]);
    expect(audit.score.reasons[0]).toMatchObject({ checkId: 'resume-skips-completed-side-effects' });

    const byId = new Map(audit.findings.map((f) => [f.checkId, f]));
    expect(byId.get('injected-instructions-cannot-trigger-high-risk-actions')).toMatchObject({ outcome: 'partial', weight: 10, effectiveCredit: 0.25, discounted: true });
    expect(byId.get('canonical-log-is-append-only')).toMatchObject({ outcome: 'pass', effectiveCredit: 1, discounted: false });
    expect(byId.get('tool-results-are-condensed')).toMatchObject({ outcome: 'insufficient-evidence', evidenceKind: null });
    expect(byId.get('tool-results-are-condensed')!.message).toContain('expired on 2026-09-01');
    expect(byId.get('memory-is-isolated-between-tasks')).toMatchObject({ outcome: 'not-applicable', counted: false });
    expect(byId.has('loops-are-detected')).toBe(false);
    expect(audit.policy.disabled).toEqual([{ checkId: 'loops-are-detected', justification: expect.stringContaining('PLAT-212') as string }]);
  });

  it('stamps the audit so it can be reproduced', async () => {
    const audit = await exampleAudit();
    const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
    expect(audit.stamp).toMatchObject({
      mimirVersion: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
      catalogueVersion: expect.stringMatching(/^\d{4}\.\d+\.\d+$/) as string,
      configHash: sha(CONFIG),
      generatedAt: '2026-11-24T12:00:00.000Z',
    });
    expect(audit.stamp.evidence).toEqual([{ kind: 'attestation', path: join(EXAMPLE, 'mimir-answers.yaml'), sha256: sha(join(EXAMPLE, 'mimir-answers.yaml')) }]);
  });

  it('writes every format under --out and prints the terminal report', async () => {
    const out = join(tempProject({}), 'reports');
    const result = await runCli(['audit', '--config', CONFIG, '--format', 'terminal,md,json,html,sarif,junit', '--out', out, '--fail-on', 'none']);
    expect(result.code, result.stderr).toBe(0);
    for (const file of ['mimir-report.txt', 'mimir-report.md', 'mimir-report.json', 'mimir-report.html', 'mimir-report.sarif', 'mimir-report.junit.xml']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    expect(result.stdout.split('\n')[0]).toMatch(/RED/);
  });
});

describe('gates and exit codes', () => {
  it('exits 1 on a red verdict by default, 0 with --fail-on none', async () => {
    const failed = await runCli(['audit', '--config', CONFIG]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('gate failed: verdict is red (--fail-on red)');
    expect((await runCli(['audit', '--config', CONFIG, '--fail-on', 'none'])).code).toBe(0);
  });

  it('applies --min-score', async () => {
    expect((await runCli(['audit', '--config', CONFIG, '--fail-on', 'none', '--min-score', '31'])).code).toBe(0);
    const below = await runCli(['audit', '--config', CONFIG, '--fail-on', 'none', '--min-score', '31.1']);
    expect(below.code).toBe(1);
    expect(below.stderr).toContain('below --min-score 31.1');
  });

  it('counts insufficient evidence against a system with no answers at all', async () => {
    const dir = tempProject({ 'mimir.yaml': 'version: 1\nsystem:\n  name: unanswered\n' });
    const result = await runCli(['audit', '--config', join(dir, 'mimir.yaml'), '--format', 'json', '--fail-on', 'none']);
    const audit = JSON.parse(result.stdout) as Audit;
    expect(audit.score.overall).toBe(0);
    expect(audit.score.verdict).toBe('red');
    expect(new Set(audit.findings.map((f) => f.outcome))).toEqual(new Set(['insufficient-evidence']));
  });
});

describe('the installed bin', () => {
  it('runs the built CLI, with exit codes as documented', () => {
    const bin = join(ROOT, 'bin', 'mimir.js');
    expect(execFileSync('node', [bin, '--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const red = spawnSync('node', [bin, 'audit', '--config', CONFIG], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', MIMIR_NOW: '2026-11-24' } });
    expect(red.status).toBe(1);
    expect(red.stdout).toContain('RED');
    const usage = spawnSync('node', [bin, 'audit', '--config', join(ROOT, 'does-not-exist.yaml')], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('config file not found');
    expect(usage.stderr).not.toMatch(/\n\s+at /);
    const walk = spawnSync('node', [bin, 'walk', '--config', CONFIG], { encoding: 'utf8', input: '' });
    expect(walk.status).toBe(2);
    expect(walk.stderr).toContain('needs a terminal');
  });
});
