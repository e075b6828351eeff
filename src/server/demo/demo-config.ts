import { stringify } from 'yaml';
import type { AlertsConfigInput } from '../../config/alerts.js';

type AlertRules = NonNullable<AlertsConfigInput['rules']>;

/**
 * The mimir.yaml of `mimir serve --demo` when none is given: the example back-office agent's tools
 * with their risk classes (as examples/agents/*\/mimir.yaml declares them, so the replayed refunds,
 * emails and deletions are high-risk), and the alert rules `mimir init` writes, with windows a
 * one-minute demo can fill: a five-minute window, pending for ten seconds instead of ten or fifteen
 * minutes, and at most five samples before a figure counts; windows are evaluated every five seconds.
 */
export function demoConfigYaml(defaultRules: AlertRules): string {
  const config = {
    version: 1,
    system: {
      name: 'back-office agent (mimir serve --demo)',
      description: "The example back-office agent's recorded runs, replayed live: the hardened build, then the naive one.",
    },
    tools: [
      { name: 'find_customer', risk: 'read-only' },
      { name: 'get_order', risk: 'read-only' },
      { name: 'list_orders', risk: 'read-only' },
      { name: 'inspect_state', risk: 'read-only', verifierOnly: true },
      { name: 'issue_refund', risk: 'money' },
      { name: 'send_email', risk: 'outbound-message' },
      { name: 'delete_record', risk: 'deletion' },
    ],
    alerts: { rules: demoAlertRules(defaultRules) },
    // Readiness and window rules looked at every 5 s instead of every minute, so the minute shows them move.
    serve: { evaluateEvery: '5s' },
  };
  return `# Written by mimir serve --demo into its temporary directory; removed when the demo stops.\n${stringify(config)}`;
}

/** Window rules made to move within a minute; instant rules as they are (they fire per run anyway). */
export function demoAlertRules(rules: AlertRules): AlertRules {
  return rules.map((rule) => {
    if (rule.figure === undefined) return rule;
    return {
      ...rule,
      window: '5m',
      minSamples: Math.min(rule.minSamples ?? 5, 5),
      ...(rule.for !== undefined && { for: '10s' }),
    };
  });
}
