import type { AlertsNow, AuditDiffReply, AuditList, ChecksNow, ProbesNow, ReadinessHistory } from '../../../src/server/http/api-contract.js';

/**
 * Answers in the API contract's own types, for the pages whose endpoints other parts of the server
 * provide: the browser test serves them in place of those endpoints, so each page is seen rendering
 * the contract's shape (the typecheck keeps these in step with the contract).
 */
const at = (minutesAgo: number): string => new Date(Date.now() - minutesAgo * 60_000).toISOString();

export const READINESS: ReadinessHistory = {
  window: '24h',
  nextAt: at(-5),
  points: [90, 60, 30, 0].map((ago, index) => ({
    at: at(ago),
    window: '24h',
    score: [72.5, 70.1, 55.3, 48.2][index] ?? 0,
    verdict: index < 2 ? ('yellow' as const) : ('red' as const),
    areas: [
      { area: 'architecture' as const, score: 80 },
      { area: 'memory-context' as const, score: 61.5 },
      { area: 'failure-handling' as const, score: 35.2 },
      { area: 'human-oversight' as const, score: null },
    ],
    runs: 40 + index * 10,
    changes: index === 3 ? [{ checkId: 'silent-failures-are-rare', from: 'pass' as const, to: 'fail' as const, runs: [{ runId: 'run-7-6', note: 'claimed success; graded failure' }] }] : [],
  })),
};

export const CHECKS_NOW: ChecksNow = {
  window: '24h',
  at: at(0),
  checks: [
    {
      id: 'silent-failures-are-rare',
      area: 'failure-handling',
      title: 'Silent failures are rare',
      outcome: 'fail',
      evidence: 'trace',
      summary: '3 of 8 runs claimed success but were graded failures.',
      history: [
        { at: at(90), outcome: 'pass' },
        { at: at(60), outcome: 'pass' },
        { at: at(30), outcome: 'partial' },
        { at: at(0), outcome: 'fail' },
      ],
      runs: [{ runId: 'run-7-6' }, { runId: 'run-7-3' }],
    },
    { id: 'retries-are-bounded', area: 'failure-handling', title: 'Retries are bounded', outcome: 'insufficient-evidence', evidence: undefined, summary: 'No retry seen yet.', history: [], runs: [] },
  ],
};

const summary = (id: string, minutesAgo: number, score: number, verdict: 'red' | 'yellow' | 'green') =>
  ({ id, receivedAt: at(minutesAgo), auditedAt: at(minutesAgo), system: 'refund agent', score, verdict, source: 'pushed' }) as const;

export const AUDITS: AuditList = { audits: [summary('a2', 10, 48.2, 'red'), summary('a1', 120, 72.5, 'yellow')] };

export const AUDIT_DIFF: AuditDiffReply = {
  from: summary('a1', 120, 72.5, 'yellow'),
  to: summary('a2', 10, 48.2, 'red'),
  diff: {
    before: { system: 'refund agent', generatedAt: at(120), mimirVersion: '0.1.0', catalogueVersion: '1', catalogueDigest: 'x', configHash: 'y' },
    after: { system: 'refund agent', generatedAt: at(10), mimirVersion: '0.1.0', catalogueVersion: '1', catalogueDigest: 'x', configHash: 'y' },
    overall: { before: 72.5, after: 48.2, delta: -24.3 },
    verdict: { before: 'yellow', after: 'red', direction: 'worse' },
    areas: [{ area: 'failure-handling', before: 70, after: 35.2, delta: -34.8 }],
    worse: [
      {
        checkId: 'silent-failures-are-rare',
        title: 'Silent failures are rare',
        area: 'failure-handling',
        severity: 'critical',
        kind: 'worse',
        before: { outcome: 'pass', effectiveCredit: 1, counted: true, evidenceKind: 'trace', message: '' },
        after: { outcome: 'fail', effectiveCredit: 0, counted: true, evidenceKind: 'trace', message: '' },
        pointsDelta: -12.5,
      },
    ],
    better: [],
    changed: [],
    added: [],
    removed: [],
    unchanged: 20,
    notes: [],
  },
};

export const PROBES: ProbesNow = {
  source: '.mimir/probe-results.json',
  ranAt: at(300),
  stale: false,
  probes: [{ id: 'fault-error/issue_refund', family: 'fault-error', tool: 'issue_refund', passRate: 0.75, trials: 4, passed: 3, summary: 'one trial retried a non-idempotent refund' }],
};

export const ALERTS: AlertsNow = {
  delivery: 'webhook http://127.0.0.1:9000/hook',
  rules: [
    { name: 'silent-failures', kind: 'window', figure: 'silent-failure-rate', window: '1h', threshold: '> 0.05', minSamples: 20, for: '5m', noData: 'keep-state' },
    { name: 'unapproved-high-risk', kind: 'instant', event: 'unapproved-high-risk-call' },
  ],
  series: [{ rule: 'silent-failures', labels: {}, status: 'firing', since: at(3), activeSince: at(8), notifications: 1, lastValue: 0.375, lastSampleSize: 8 }],
  history: [
    { at: at(3), rule: 'silent-failures', labels: {}, from: 'pending', to: 'firing', value: 0.375, sampleSize: 8, notificationId: 'silent-failures#1' },
    { at: at(8), rule: 'silent-failures', labels: {}, from: 'ok', to: 'pending', value: 0.3, sampleSize: 6 },
  ],
};
