import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeRuns } from '../../../src/analysis/index.js';
import { parseConfig } from '../../../src/audit/load-config.js';
import { AlertEngine, InMemoryAlertStateStore } from '../../../src/server/alerts/index.js';
import { runCli, tempProject } from '../../support/run-cli.js';
import { makeRun, toolStep } from '../../support/synthetic-runs.js';
import { at } from './support.js';

describe('mimir init writes the default alert rules', () => {
  it('enabled, without a delivery target: mimir serve logs notifications and says so', async () => {
    const dir = tempProject({});
    const config = join(dir, 'mimir.yaml');
    const result = await runCli(['init', '--config', config, '--answers', join(dir, 'answers.yaml'), '--name', 'bot', '--tool', 'issue_refund=money']);
    expect(result.code, result.stderr).toBe(0);
    const text = readFileSync(config, 'utf8');
    expect(text).toContain("notifications go to\n  # mimir serve's log");
    const alerts = parseConfig(text, config).config.alerts!;
    expect(alerts.rules.map((rule) => ('figure' in rule ? `${rule.name}: ${rule.figure}` : `${rule.name}: ${rule.event}`))).toEqual([
      'silent-failures: silent-failure-rate',
      'tool-reliability-drop: tool-reliability',
      'unapproved-high-risk-call: unapproved-high-risk-call',
      'denial-ignored: denial-ignored',
      'verdict-drop: verdict',
    ]);
    expect(alerts.delivery).toEqual([]);

    const log: string[] = [];
    const engine = new AlertEngine({ config: alerts, store: new InMemoryAlertStateStore(), log: (line) => log.push(line) });
    expect(engine.describeDelivery()).toContain('written to this log');
    expect(engine.windows()).toEqual([3_600_000, 86_400_000]);
    const run = makeRun('r1', [toolStep('t1', 'issue_refund', { order: 1 }, { risk: 'money', callId: 'c1' })]);
    const sent = await engine.runClosed({ runId: 'r1', traces: analyzeRuns([run]) }, at(0));
    await engine.idle();
    expect(sent.map((n) => n.rule)).toEqual(['unapproved-high-risk-call']);
    expect(log).toHaveLength(1);
    expect(log[0]).toContain('unapproved-high-risk-call firing: 1 × unapproved-high-risk-call in run r1');
  });
});
