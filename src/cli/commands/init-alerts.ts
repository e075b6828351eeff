import type { AlertsConfigInput } from '../../config/alerts.js';

/**
 * The alert rules `mimir init` writes, enabled, for `mimir serve`. They are written with no
 * delivery target on purpose: a placeholder URL would be retried against a host that does not
 * exist, while with no target `mimir serve` writes each notification to its log and says so when
 * it starts, so nothing is lost and nothing needs editing before the first run.
 */
export const DEFAULT_ALERT_RULES: NonNullable<AlertsConfigInput['rules']> = [
  // "Done" that was not done: the share of runs claiming success that verification says failed.
  { name: 'silent-failures', figure: 'silent-failure-rate', window: '1h', above: 0.05, minSamples: 20, for: '15m', noData: 'keep-state' },
  // One series per tool: a tool whose calls start failing (an upstream outage, a changed contract).
  { name: 'tool-reliability-drop', figure: 'tool-reliability', window: '1h', below: 0.9, minSamples: 20, for: '10m', noData: 'keep-state' },
  // Each run in which a high-risk tool ran with no approval before it, or a denied call ran anyway.
  { name: 'unapproved-high-risk-call', event: 'unapproved-high-risk-call' },
  { name: 'denial-ignored', event: 'denial-ignored' },
  // The audit of the last day turned red (trace evidence of the window + probes + attestations).
  { name: 'verdict-drop', figure: 'verdict', window: '24h', below: 'yellow', minSamples: 1, noData: 'keep-state' },
];

export const ALERTS_COMMENT =
  ' Alert rules for `mimir serve` (README, "Alert rules"). No delivery is set, so notifications go to\n' +
  " mimir serve's log. To send them elsewhere, add for example:\n" +
  '   delivery:\n' +
  '     - webhook: { url: https://hooks.example.com/your-endpoint }\n' +
  '     - command: [./notify.sh]      # gets each notification as JSON on stdin';
