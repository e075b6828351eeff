import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALERT_EVENTS, ALERT_FIGURES, alertsSchema, durationMs } from '../../../src/config/alerts.js';
import { parseConfigFile } from '../../../src/config/load-config.js';
import { UserError } from '../../../src/shared/errors.js';

function problems(alerts: string): string[] {
  try {
    parseConfigFile(`version: 1\nsystem:\n  name: x\nalerts:\n${alerts}`, 'mimir.yaml');
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return error.problems.map((p) => `${p.location?.line ?? '?'}: ${p.message}`);
  }
  return [];
}

describe('alert rules in mimir.yaml', () => {
  it('take defaults for what a window rule leaves out, and keep instant rules to their own keys', () => {
    const { config } = parseConfigFile(
      'version: 1\nsystem:\n  name: x\nalerts:\n  rules:\n    - { name: silent, figure: silent-failure-rate, window: 1h, above: 0.1 }\n    - { name: unapproved, event: unapproved-high-risk-call }\n',
      'mimir.yaml',
    );
    expect(config.alerts?.rules).toEqual([
      { name: 'silent', figure: 'silent-failure-rate', window: '1h', above: 0.1, minSamples: 10, for: '0s', noData: 'keep-state' },
      { name: 'unapproved', event: 'unapproved-high-risk-call' },
    ]);
    expect(config.alerts).toMatchObject({ delivery: [], queueCapacity: 1000, retry: { attempts: 6, initialDelay: '1s', maxDelay: '5m' } });
  });

  it('name the line and the key of each mistake', () => {
    expect(
      problems(
        [
          '  rules:',
          '    - { name: a, figure: verdict, window: 24h, below: 2 }',
          '    - { name: b, figure: tool-reliability, window: 7x, above: 0.1, below: 0.5 }',
          '    - { name: c, event: denial-ignored, for: 5m }',
          '    - { name: d }',
          '    - { name: e, figure: step-reliability, window: 1h, below: 0.9, tool: "x*" }',
        ].join('\n'),
      ),
    ).toEqual([
      '6: alerts.rules.0.below: for the verdict figure, the threshold is a verdict: green, yellow or red',
      '7: alerts.rules.1.window: a duration such as 30s, 10m, 1h, 24h or 7d',
      '7: alerts.rules.1.above: give exactly one of `above` or `below`',
      '8: alerts.rules.2.for: `for` belongs to window rules; an instant rule fires on each offending run',
      '9: alerts.rules.3.figure: a rule needs `figure` (a window rule) or `event` (an instant rule)',
      '10: alerts.rules.4.tool: step-reliability is not per tool; `tool` applies to tool-reliability, tool-error-rate',
    ]);
    expect(problems('  rules:\n    - { name: a, event: denial-ignored }\n    - { name: a, event: denial-ignored }\n')).toEqual(['7: alerts.rules.1.name: two rules are named a; names must be unique']);
  });

  it('read durations as written', () => {
    expect([durationMs('90s'), durationMs('10m'), durationMs('24h'), durationMs('7d'), durationMs('250ms'), durationMs('1.5h'), durationMs('h')]).toEqual([
      90_000, 600_000, 86_400_000, 604_800_000, 250, undefined, undefined,
    ]);
  });
});

describe("the README's alert rules", () => {
  it('parse, and list every figure and event there is', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('### Alert rules');
    expect(start, 'the README has an "### Alert rules" section').toBeGreaterThanOrEqual(0);
    // The section runs to the next heading of its level or above.
    const next = /\n#{1,3} /.exec(readme.slice(start + 1));
    const section = readme.slice(start, next === null ? undefined : start + 1 + next.index);
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    expect(alertsSchema.safeParse((parse(yaml) as { alerts: unknown }).alerts).success).toBe(true);
    for (const name of [...ALERT_FIGURES, ...ALERT_EVENTS]) expect(section, name).toContain(`\`${name}\``);
  });
});
