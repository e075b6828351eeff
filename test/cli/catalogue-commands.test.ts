import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/registry.js';
import { runCli } from '../support/run-cli.js';

describe('mimir checks', () => {
  it('lists every check for machines with --format json', async () => {
    const result = await runCli(['checks', '--format', 'json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { catalogueVersion: string; checks: { id: string; weight: number; answerableBy: string[]; measuredNow: string[] }[] };
    expect(parsed.checks.map((c) => c.id)).toEqual(CHECKS.map((c) => c.id));
    expect(parsed.checks.find((c) => c.id === 'cascades-halt')).toMatchObject({ weight: 10, answerableBy: ['probe', 'trace', 'attestation'], measuredNow: ['probe', 'trace'] });
  });

  it('prints a readable list within 80 columns, filtered by --area', async () => {
    const result = await runCli(['checks', '--area', 'human-oversight']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Human oversight (8)');
    expect(result.stdout).not.toContain('retries-are-bounded');
    for (const line of result.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });
});

describe('mimir explain', () => {
  it('explains a check: question, why, remediation, options and its doc page', async () => {
    const result = await runCli(['explain', 'retries-are-bounded']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^retries-are-bounded — /);
    expect(result.stdout).toContain('Question: ');
    expect(result.stdout).toContain('Why it matters: ');
    expect(result.stdout).toContain('Remediation (hours): ');
    expect(result.stdout).toContain('maxRetries=3');
    expect(result.stdout).toContain('## How mimir answers it');
  });

  it('says when a check may be not applicable', async () => {
    const result = await runCli(['explain', 'denials-are-respected', '--format', 'json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 'denials-are-respected', notApplicableWhen: expect.stringContaining('high-risk') as string });
  });
});
