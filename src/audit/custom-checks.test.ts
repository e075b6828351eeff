import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCheck } from '../checks/define-check.js';
import { CHECKS } from '../checks/registry.js';
import { UserError } from '../shared/errors.js';
import { runAudit } from './run-audit.js';

const TRACES = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'traces', 'otlp', 'genai-refund-agent.jsonl');

/** A custom check, as a team writes one: plain module, its own options schema. */
const enoughRuns = defineCheck({
  id: 'enough-runs-are-traced',
  area: 'architecture',
  severity: 'low',
  title: 'Enough runs are traced',
  question: 'Are enough runs traced to judge the system?',
  rationale: 'A verdict over one run says little.',
  remediation: { text: 'Trace more runs.', effort: 'hours' },
  answerableBy: ['trace', 'attestation'],
  messages: { counted: '{{runs}} runs traced, at least {{min}} wanted.' },
  options: z.strictObject({ minRuns: z.number().int().min(1).default(1), label: z.string().default('runs') }),
  evaluators: {
    trace: ({ evidence, options }) => ({
      outcome: evidence.runCount >= options.minRuns ? 'pass' : 'fail',
      messageId: 'counted',
      data: { runs: evidence.runCount, min: options.minRuns },
    }),
  },
});

const projects: string[] = [];
afterAll(() => {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(policy: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mimir-custom-check-'));
  projects.push(dir);
  const config = join(dir, 'mimir.yaml');
  writeFileSync(config, `version: 1\nsystem:\n  name: custom\nevidence:\n  traces:\n    sources: [${JSON.stringify(TRACES)}]\npolicy:\n${policy}`);
  return config;
}

const audit = (policy: string) => runAudit({ config: project(policy), checks: [...CHECKS, enoughRuns], now: new Date('2026-04-01T00:00:00Z') });

describe('custom checks in mimir.yaml', () => {
  it('takes their options from policy.checks, with their own defaults', async () => {
    const result = await audit('  checks:\n    enough-runs-are-traced:\n      minRuns: 3\n');
    expect(result.policy.checkOptions['enough-runs-are-traced']).toEqual({ minRuns: 3, label: 'runs' });
    const finding = result.findings.find((f) => f.checkId === 'enough-runs-are-traced');
    expect(finding).toMatchObject({ outcome: 'fail', message: '2 runs traced, at least 3 wanted.' });
  });

  it('can be disabled with a justification', async () => {
    const result = await audit('  disabled:\n    - check: enough-runs-are-traced\n      justification: sampled elsewhere\n');
    expect(result.findings.map((f) => f.checkId)).not.toContain('enough-runs-are-traced');
    expect(result.policy.disabled).toEqual([{ checkId: 'enough-runs-are-traced', justification: 'sampled elsewhere' }]);
  });

  it('judges their options against their own schema, located in mimir.yaml', async () => {
    const error = await audit('  checks:\n    enough-runs-are-traced:\n      minRuns: 0\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: 'invalid-config', problems: [{ message: expect.stringContaining('policy.checks.enough-runs-are-traced.minRuns') as string, location: { line: 10, column: 16 }, expected: 'at least 1' }] });
  });

  it('still reports an unknown id as a located user error', async () => {
    const options = await audit('  checks:\n    enough-runs-are-trace:\n      minRuns: 3\n').catch((e: unknown) => e);
    expect(options).toMatchObject({ code: 'invalid-config', problems: [{ message: expect.stringContaining('did you mean "enough-runs-are-traced"') as string, location: { line: 9, column: 5 } }] });
    const disabled = await audit('  disabled:\n    - check: enough-run-are-traced\n      justification: x\n').catch((e: unknown) => e);
    expect(disabled).toMatchObject({ code: 'unknown-check', problems: [{ message: expect.stringContaining('did you mean "enough-runs-are-traced"') as string, location: { line: 9, column: 14 } }] });
  });

  it('without the custom check, its id is unknown', async () => {
    const error = await runAudit({ config: project('  checks:\n    enough-runs-are-traced:\n      minRuns: 3\n') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid-config', problems: [{ message: expect.stringContaining('unknown key "enough-runs-are-traced" in policy.checks') as string }] });
  });
});
