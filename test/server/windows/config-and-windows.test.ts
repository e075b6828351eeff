import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/audit/load-config.js';
import { UserError } from '../../../src/shared/errors.js';
import type { ReadinessHistory } from '../../../src/server/http/api-contract.js';
import { readinessWindows, windowName } from '../../../src/server/windows/windows.js';
import { getJson, startTestServer } from '../support.js';

const dir = mkdtempSync(join(tmpdir(), 'mimir-serve-config-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const configWith = (serve: string) => parseConfig(`version: 1\nsystem: { name: bot }\nserve:\n${serve}`, join(dir, 'mimir.yaml'));

function problemOf(serve: string): string {
  try {
    configWith(serve);
  } catch (error) {
    if (error instanceof UserError) return `${error.message}\n${error.problems.map((problem) => problem.message).join('\n')}`;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('the serve section of mimir.yaml', () => {
  it('takes windows, a tick and verifiers, with defaults', () => {
    const serve = configWith('  windows: [15m, 30d]\n  verifiers:\n    - { name: world, command: [node, verify.mjs] }\n').config.serve;
    expect(serve).toEqual({ windows: ['15m', '30d'], evaluateEvery: '1m', verifiers: [{ name: 'world', command: ['node', 'verify.mjs'], sampleRate: 1, timeout: '30s', concurrency: 2, queueCapacity: 1000 }] });
  });

  it.each([
    ['  verifiers:\n    - { name: world, command: [node], url: "http://127.0.0.1:1/v" }\n', 'give exactly one of `command` or `url`'],
    ['  verifiers:\n    - { name: world }\n', 'give exactly one of `command` or `url`'],
    ['  verifiers:\n    - { name: a, command: [x] }\n    - { name: a, command: [y] }\n', 'two verifiers are named a'],
    ['  verifiers:\n    - { name: a, command: [x], sampleRate: 2 }\n', 'sampleRate'],
    ['  verifiers:\n    - { name: a, command: [x], headers: { a: b } }\n', '`headers` applies to URL verifiers only'],
    ['  evaluateEvery: 10ms\n', 'at least 100ms'],
    ['  windows: [an hour]\n', 'a duration such as 30s'],
    ['  every: 1m\n', 'every'],
  ])('refuses %j, saying why', (serve, expected) => {
    expect(problemOf(serve)).toContain(expected);
  });
});

describe("the README's serve section", () => {
  it('is valid mimir.yaml', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const block = /```yaml\n(serve:\n[\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'the README shows a serve: section').toBeDefined();
    const serve = parseConfig(`version: 1\nsystem: { name: bot }\n${block ?? ''}`, join(dir, 'mimir.yaml')).config.serve;
    expect(serve?.verifiers.map((verifier) => verifier.name)).toEqual(['ledger', 'crm']);
  });
});

describe('readiness windows', () => {
  it('are named as mimir.yaml writes durations, one per length, shortest first', () => {
    expect(windowName(3_600_000)).toBe('1h');
    expect(windowName(86_400_000)).toBe('24h');
    expect(windowName(7 * 86_400_000)).toBe('7d');
    expect(windowName(90 * 60_000)).toBe('90m');
    expect(windowName(1500)).toBe('1500ms');
    expect(readinessWindows(['60m', '15m', '30d'], [2 * 3_600_000, 3_600_000])).toEqual([
      { name: '15m', ms: 900_000 },
      { name: '1h', ms: 3_600_000 },
      { name: '2h', ms: 7_200_000 },
      { name: '24h', ms: 86_400_000 },
      { name: '7d', ms: 604_800_000 },
      { name: '30d', ms: 2_592_000_000 },
    ]);
  });
});

describe('the window audit reads the answers file mimir.yaml names', () => {
  it('an answer given while the server runs makes a new point, with the check it moved', async () => {
    const answers = join(dir, 'answers.yaml');
    writeFileSync(answers, 'version: 1\nanswers: {}\n');
    writeFileSync(join(dir, 'mimir.yaml'), '');
    const config = parseConfig(`version: 1\nsystem: { name: bot }\nevidence: { answers: answers.yaml }\nserve: { windows: [15m] }\n`, join(dir, 'mimir.yaml'));
    const served = await startTestServer({ config, evaluateEveryMs: 3_600_000 });
    try {
      const { scheduler } = served.server.monitoring;
      expect(scheduler.windows.map((window) => window.name)).toEqual(['15m', '1h', '24h', '7d']);
      await scheduler.tick();
      await scheduler.tick();
      const before = (await getJson(`${served.server.url}/api/readiness?window=15m`)).body as ReadinessHistory;
      expect(before.points).toHaveLength(1);
      writeFileSync(answers, 'version: 1\nanswers:\n  rollback-plan-is-exercised:\n    answer: yes\n    by: dana@example.com\n    at: 2026-11-18\n');
      await scheduler.tick();
      const after = (await getJson(`${served.server.url}/api/readiness?window=15m`)).body as ReadinessHistory;
      expect(after.points).toHaveLength(2);
      expect(after.points[1]?.changes).toEqual([{ checkId: 'rollback-plan-is-exercised', from: 'insufficient-evidence', to: 'pass', runs: [] }]);
      expect(after.points[1]?.score).toBeGreaterThan(before.points[0]?.score ?? Infinity);
    } finally {
      await served.dispose();
    }
  }, 30_000);
});
