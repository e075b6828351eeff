import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseConfig } from './load-config.js';
import { configJsonSchema } from '../checks/json-schemas.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'back-office-attested', 'mimir.yaml');

describe('mimir.yaml', () => {
  it('loads the bundled example into a system description and a policy', () => {
    const loaded = parseConfig(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);
    expect(loaded.system.name).toBe('back-office assistant');
    expect(loaded.system.tools).toContainEqual({ pattern: 'send_*', risk: 'outbound-message' });
    expect(loaded.policy.disabled).toEqual([{ checkId: 'loops-are-detected', justification: expect.stringContaining('PLAT-212') as string }]);
    expect(loaded.policy.checkOptions['retries-are-bounded']).toEqual({ maxRetries: 3, requireBackoff: true, minPassRate: 1 });
    expect(loaded.answersPath).toBe(join(import.meta.dirname, '..', '..', 'examples', 'back-office-attested', 'mimir-answers.yaml'));
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fills in the documented defaults', () => {
    const loaded = parseConfig('version: 1\nsystem:\n  name: x\n', 'mimir.yaml');
    expect(loaded.policy).toEqual({
      attestationDiscount: 0.5,
      attestationValidityDays: 180,
      thresholds: { redOverallBelow: 50, redAreaBelow: 40, greenOverallAtLeast: 80, greenAreaAtLeast: 60 },
      disabled: [],
      checkOptions: {},
    });
    expect(loaded.answersPath).toBeUndefined();
  });

  it('applies a check option default when only some options are given', () => {
    const loaded = parseConfig('version: 1\nsystem:\n  name: x\npolicy:\n  checks:\n    run-budgets-are-enforced:\n      maxSteps: 20\n', 'mimir.yaml');
    expect(loaded.policy.checkOptions['run-budgets-are-enforced']).toMatchObject({ maxSteps: 20, maxTokens: 200000 });
  });

  it('is described by the committed JSON Schema, which editors use to complete it', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(configJsonSchema());
    expect(validate(parse(readFileSync(EXAMPLE, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ version: 1, system: { name: 'x' }, sytem: {} })).toBe(false);
    expect(validate({ version: 1, system: { name: 'x' }, policy: { checks: { 'retries-are-bounded': { maxRetries: 'many' } } } })).toBe(false);
  });
});
