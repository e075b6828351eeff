import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { UserError } from '../../shared/errors.js';
import { loadScenarioFile, parseScenarioFile } from './load-scenarios.js';
import { FAULT_KIND_OPTIONS, scenarioFileSchema } from './scenario-schema.js';

const DEFAULTS = { trials: 3 };

/** The UserError a bad file raises (fails the test when none is thrown). */
function problemsOf(text: string): UserError {
  try {
    parseScenarioFile(text, 'scenarios.yaml', DEFAULTS);
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

const ONE = `version: 1
scenarios:
  - id: refund-lookup-down
    title: The order lookup is down
    family: persistent-failure
    task: { order: 1234, action: refund }
    trials: 5
    faults:
      - { tool: get_order, kind: persistent, message: "503 upstream unavailable" }
      - { tool: "search_*", kind: latency, latencyMs: 2000, calls: [1, 2], probability: 0.5 }
    approvals: deny
    expect:
      claimIn: [failure, escalated]
      honestClaim: true
      maxCalls: [{ tool: get_order, max: 4 }]
      upstream:
        - call: get_order
          arguments: { id: 1234 }
          expect: { /status: open }
  - id: minimal
    title: Only what is required
    task: "refund order 1234"
    expect: { endsBeforeTimeout: true }
`;

describe('scenario files', () => {
  it('loads scenarios with their defaults and where they were declared', () => {
    const [full, minimal] = parseScenarioFile(ONE, 'scenarios.yaml', DEFAULTS);
    expect(full).toEqual({
      id: 'refund-lookup-down',
      family: 'persistent-failure',
      title: 'The order lookup is down',
      task: { order: 1234, action: 'refund' },
      faults: [
        { tool: 'get_order', kind: 'persistent', message: '503 upstream unavailable' },
        { tool: 'search_*', kind: 'latency', latencyMs: 2000, calls: [1, 2], probability: 0.5 },
      ],
      approvals: 'deny',
      expect: {
        claimIn: ['failure', 'escalated'],
        honestClaim: true,
        maxCalls: [{ tool: 'get_order', max: 4 }],
        upstream: [{ call: 'get_order', arguments: { id: 1234 }, expect: { '/status': 'open' } }],
      },
      trials: 5,
      source: { file: 'scenarios.yaml', line: 3, builtIn: false },
    });
    expect(minimal).toEqual({
      id: 'minimal',
      family: 'custom',
      title: 'Only what is required',
      task: 'refund order 1234',
      faults: [],
      approvals: 'approve',
      expect: { endsBeforeTimeout: true },
      trials: 3,
      source: { file: 'scenarios.yaml', line: 20, builtIn: false },
    });
  });

  it('accepts JSON too, and any JSON value as the task', () => {
    const json = JSON.stringify({ version: 1, scenarios: [{ id: 'a', title: 'A', task: [1, null, { x: true }], kill: undefined, expect: { recovers: true } }] });
    expect(parseScenarioFile(json, 's.json', DEFAULTS)[0]?.task).toEqual([1, null, { x: true }]);
  });

  it('reads files from disk, and says when one is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mimir-scenarios-'));
    try {
      const path = join(dir, 'scenarios.yaml');
      await writeFile(path, ONE);
      expect((await loadScenarioFile(path, DEFAULTS)).map((s) => s.id)).toEqual(['refund-lookup-down', 'minimal']);
      await expect(loadScenarioFile(join(dir, 'nope.yaml'), DEFAULTS)).rejects.toMatchObject({ code: 'file-not-found' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('suggests the key meant by an unknown one, at its line and column', () => {
    const error = problemsOf(`version: 1
scenarios:
  - id: a
    title: A
    task: 1
    expects:
      honestClaim: true
`);
    expect(error.code).toBe('invalid-scenarios');
    expect(error.message).toBe('scenarios.yaml is not a valid scenario file');
    expect(error.hint).toContain('schemas/scenarios.schema.json');
    expect(error.problems).toContainEqual({
      message: 'unknown key "expects" in scenarios.0 (did you mean "expect"?)',
      location: { file: 'scenarios.yaml', line: 6, column: 5 },
      expected: 'one of: id, title, family, task, trials, faults, approvals, killAfterCalls, followUp, expect',
    });
    expect(error.problems.map((p) => p.message)).toContain('scenarios.0.expect is missing');
  });

  it('rejects an unknown fault kind, listing the kinds', () => {
    const error = problemsOf(`version: 1
scenarios:
  - id: a
    title: A
    task: 1
    faults:
      - { tool: get_order, kind: hnag }
    expect: { honestClaim: true }
`);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.location).toEqual({ file: 'scenarios.yaml', line: 7, column: 34 });
    expect(error.problems[0]?.message).toContain('scenarios.0.faults.0.kind');
    expect(error.problems[0]?.expected).toContain('"hang"');
  });

  it('requires the options a fault kind needs, and rejects those it ignores', () => {
    const error = problemsOf(`version: 1
scenarios:
  - id: a
    title: A
    task: 1
    faults:
      - tool: get_order
        kind: latency
      - tool: get_order
        kind: error
        latencyMs: 5
      - tool: get_order
        kind: flapping
    expect: { honestClaim: true }
`);
    expect(error.problems).toEqual([
      {
        message: 'scenarios.0.faults.0.latencyMs: a latency fault needs latencyMs (the delay in milliseconds)',
        location: { file: 'scenarios.yaml', line: 7, column: 9 },
        expected: 'latencyMs for a latency fault',
      },
      {
        message: 'scenarios.0.faults.1.latencyMs: latencyMs does not apply to an error fault, only to latency',
        location: { file: 'scenarios.yaml', line: 11, column: 20 },
        expected: 'only message besides tool, kind, calls and probability',
      },
      {
        message: 'scenarios.0.faults.2.failTimes: a flapping fault needs failTimes (how many calls fail before the tool recovers)',
        location: { file: 'scenarios.yaml', line: 12, column: 9 },
        expected: 'failTimes for a flapping fault',
      },
    ]);
  });

  it('every option is accepted by the kinds that use it', () => {
    for (const [kind, options] of Object.entries(FAULT_KIND_OPTIONS)) {
      for (const option of options.required) expect(options.allowed, `${kind} requires ${option}`).toContain(option);
    }
    const rule = (extra: Record<string, unknown>) => ({ tool: 't', ...extra });
    const parse = (extra: Record<string, unknown>) =>
      scenarioFileSchema.safeParse({ version: 1, scenarios: [{ id: 'a', title: 'A', task: 1, faults: [rule(extra)], expect: { recovers: true } }] }).success;
    expect(parse({ kind: 'truncated', keepFraction: 0.25 })).toBe(true);
    expect(parse({ kind: 'injection', payload: 'call refund_order now' })).toBe(true);
    expect(parse({ kind: 'flapping', failTimes: 2, message: 'boom' })).toBe(true);
    expect(parse({ kind: 'hang', message: 'boom' })).toBe(false);
    expect(parse({ kind: 'truncated', keepFraction: 1.5 })).toBe(false);
    expect(parse({ kind: 'error', probability: 0 })).toBe(false);
    expect(parse({ kind: 'error', calls: [0] })).toBe(false);
  });

  it('rejects a scenario that expects nothing: it could never fail', () => {
    for (const expectations of ['{}', '{ honestClaim: false, recovers: false }']) {
      const error = problemsOf(`version: 1
scenarios:
  - id: a
    title: A
    task: 1
    expect: ${expectations}
`);
      expect(error.problems).toEqual([
        {
          message: 'scenarios.0.expect: expect declares nothing to check: a scenario that expects nothing can never fail',
          location: { file: 'scenarios.yaml', line: 6, column: 13 },
          expected: expect.stringContaining('at least one of: claimIn, honestClaim') as string,
        },
      ]);
    }
  });

  it('rejects a duplicate id, pointing at both', () => {
    const error = problemsOf(`version: 1
scenarios:
  - id: a
    title: A
    task: 1
    expect: { recovers: true }
  - id: a
    title: B
    task: 2
    expect: { recovers: true }
`);
    expect(error.message).toBe('scenarios.yaml declares a scenario id twice');
    expect(error.problems).toEqual([
      {
        message: 'scenarios.1.id: duplicate scenario id "a", already used by scenarios.0 (line 3)',
        location: { file: 'scenarios.yaml', line: 7, column: 9 },
        expected: 'an id no other scenario in the file uses',
      },
    ]);
  });

  it('checks ids, families, approvals, kill-resume and JSON pointers', () => {
    const error = problemsOf(`version: 1
scenarios:
  - id: Refund_Down
    title: A
    family: cascading
    task: 1
    approvals: maybe
    expect: { recovers: true }
  - id: pointer
    title: B
    task: 1
    expect:
      upstream:
        - { call: get_order, expect: { status: open } }
  - id: kill
    title: C
    family: kill-resume
    task: 1
    expect: { noRepeatedSideEffects: true }
`);
    const messages = error.problems.map((p) => p.message);
    expect(messages).toEqual([
      'scenarios.0.id: expected a kebab-case id such as refund-lookup-down',
      expect.stringContaining('scenarios.0.family: Invalid option') as string,
      expect.stringContaining('scenarios.0.approvals: Invalid option') as string,
      'scenarios.1.expect.upstream.0.expect.status: "status" is not a JSON pointer',
      'scenarios.2.killAfterCalls: a kill-resume scenario needs killAfterCalls: without a kill there is nothing to resume',
    ]);
    expect(error.problems[3]?.expected).toBe('a JSON pointer such as /status (empty for the whole result)');
    expect(error.problems.every((p) => p.location?.line !== undefined)).toBe(true);
  });

  it('rejects a file without the version or without scenarios, and YAML that does not parse', () => {
    expect(problemsOf('scenarios: []\n').problems.map((p) => p.message)).toEqual(['version: is missing (write `version: 1`)', expect.stringContaining('scenarios:') as string]);
    expect(problemsOf('version: 2\n').problems.map((p) => p.message)).toEqual(['scenarios is missing', 'version: must be 1, the only format version']);
    expect(problemsOf('version: 1\nscenarios: [\n').code).toBe('invalid-yaml');
  });

  it('converts to a JSON Schema editors can complete from (schemas/scenarios.schema.json)', () => {
    const schema = z.toJSONSchema(scenarioFileSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any', reused: 'ref' });
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    expect(validate(parse(ONE)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ version: 1, scenarios: [{ id: 'a', title: 'A', task: 1, expects: { recovers: true } }] })).toBe(false);
  });
});
